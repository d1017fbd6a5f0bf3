"""Reading a paper's own links out of its PDF, and per-host pacing of web requests."""

from __future__ import annotations

import time

from tests.enrich.conftest import make_pdf
from tracker.check.arxiv import links_from_pdf
from tracker.check.web import HostGate
from tracker.models import RepoStatus

TITLE = "SparseNet: Faster Sparse Attention"


def test_a_broken_url_on_page_one_is_joined_and_others_code_is_left_out() -> None:
    pdf = make_pdf(
        [
            [
                TITLE,
                "Abstract. We make attention sparse. Code:",
                "https://github.com/vision-lab/sparsenet-",
                "official",
            ],
            [
                "We compare with https://github.com/google/flax for speed.",
                "Our trained weights are at https://huggingface.co/vision-lab/sparsenet-base",
                "References",
                "[1] Our earlier code https://github.com/vision-lab/older",
            ],
        ],
        links=["https://github.com/vision-lab/sparsenet-official"],
    )
    answer = links_from_pdf(pdf, TITLE)
    assert answer.status is RepoStatus.OK
    assert [(lk.url, lk.kind.value, lk.role.value) for lk in answer.value or ()] == [
        ("https://github.com/vision-lab/sparsenet-official", "github_repo", "code"),
        ("https://huggingface.co/vision-lab/sparsenet-base", "hf_model", "weights"),
    ]


def test_an_unreadable_pdf_is_unknown() -> None:
    answer = links_from_pdf(b"%PDF-1.7 garbage", TITLE)
    assert (answer.value, answer.status) == (None, RepoStatus.UNKNOWN)
    assert answer.reason.startswith("unreadable PDF: ")


def test_requests_to_one_host_are_spaced_and_other_hosts_are_not() -> None:
    gate = HostGate(concurrency=2, interval_s=0.1)
    started = time.monotonic()
    for _ in range(3):
        with gate.slot("a.example"):
            pass
    same_host = time.monotonic() - started
    started = time.monotonic()
    for host in ("b.example", "c.example", "d.example"):
        with gate.slot(host):
            pass
    other_hosts = time.monotonic() - started
    assert same_host >= 0.2
    assert other_hosts < 0.05
