"""Verdicts that must not say more than the evidence: dates, unread pages, awaited repositories."""

from __future__ import annotations

import datetime as dt

from tests.flags.test_probes import CTX, URL, answer, link, paper, repo
from tracker.flags.dates import DateBasis, PaperDate, arxiv_month, paper_date
from tracker.flags.run import flag_paper
from tracker.models import Availability, HubState, LinkFacts, Outcome, PaperFacts, StatusClaim


def undated(arxiv_id: str | None, **kw: object) -> PaperFacts:
    return paper(published=None, arxiv_id=arxiv_id, **kw)


def test_arxiv_ids_give_their_month() -> None:
    assert [
        arxiv_month(i)
        for i in ("2310.12920", "0704.0001", "hep-th/9901001", "math.AG/0512345", "2313.00001")
    ] == [(2023, 10), (2007, 4), (1999, 1), (2005, 12), None]
    assert arxiv_month(None) is None
    assert arxiv_month("not an id") is None


def test_the_date_comes_from_the_best_source_and_says_which() -> None:
    seen = dt.date(2025, 5, 1)
    assert paper_date(paper(published=dt.date(2024, 2, 3))) == PaperDate(
        dt.date(2024, 2, 3), dt.date(2024, 2, 3), DateBasis.SOURCE
    )
    from_api = paper(published=dt.date(2024, 2, 3), date_basis="arxiv_api")
    assert paper_date(from_api).basis is DateBasis.ARXIV_API  # type: ignore[union-attr]
    assert paper_date(undated("2310.12920", first_seen=seen)) == PaperDate(
        dt.date(2023, 10, 1), dt.date(2023, 10, 31), DateBasis.ARXIV_ID
    )
    assert paper_date(undated(None, first_seen=seen)) == PaperDate(seen, seen, DateBasis.FIRST_SEEN)
    assert paper_date(undated(None)) is None


def test_an_old_broken_promise_without_a_listing_date_is_overdue_from_its_arxiv_month() -> None:
    facts = undated(
        "2310.12920",
        code="promised",
        first_seen=dt.date(2025, 5, 30),
    )
    f = answer(facts, "code_promised_missing")
    # 90 days after 2023-10-31 is 2024-01-29; CTX's today is 2025-06-01
    assert (f.outcome, f.message, f.measure, f.dated) == (
        Outcome.TRUE,
        "promised — overdue by 489 days",
        489,
        dt.date(2024, 1, 29),
    )
    assert (
        "due 2024-01-29: 90 days after the end of the month of arXiv ID 2310.12920 (2023-10)"
        in (f.evidence)
    )


def test_a_month_precise_date_is_never_overdue_early() -> None:
    # 2503: March 2025; the end of March plus 62 days is June 1st, CTX's today
    facts = undated("2503.00001", code="promised", first_seen=dt.date(2025, 3, 2))
    from tracker.flags.facts import ProbeContext

    f = {x.code: x for x in flag_paper(facts, ProbeContext(CTX.today, grace_days=62)).findings}[
        "code_promised_missing"
    ]
    assert (f.outcome, f.message) == (Outcome.FALSE, "promised — due in 0 days")


def test_release_time_from_an_arxiv_month_is_approximate() -> None:
    # first seen up 2025-02-10 (T0), the paper from January 2025 by its ID
    f = answer(undated("2501.00001", links=(link(repo()),)), "code_delivered")
    assert (f.outcome, f.message, f.measure) == (
        Outcome.TRUE,
        "code delivered on 2025-02-10, about 40 days after the paper",
        40,
    )
    assert "counted from the month of arXiv ID 2501.00001 (2025-01)" in f.evidence


def page(status: str | None, reason: str = "", kind: str = "project_page") -> LinkFacts:
    return LinkFacts(
        url="https://lab.example.org/model",
        kind=kind,
        role="project",
        provenance="abstract",
        resolve_status=status,
        resolve_reason=reason,
    )


def test_an_unread_project_page_makes_the_code_unknown_not_overdue() -> None:
    old = dict(code="promised", published=dt.date(2024, 1, 1))
    res = flag_paper(paper(page("unknown", "HTTP 503 after 3 tries"), **old), CTX)
    by = {f.code: f for f in res.findings}
    assert by["code_promised_missing"].outcome is Outcome.NOT_AVAILABLE
    assert by["project_page_without_code"].outcome is Outcome.NOT_AVAILABLE
    assert (by["unknown"].outcome, by["unknown"].evidence) == (
        Outcome.TRUE,
        ("https://lab.example.org/model: could not be read (HTTP 503 after 3 tries)",),
    )
    assert (res.verdict_kind, res.flags) == ("unknown", "unknown")
    never = flag_paper(paper(page(None), **old), CTX)
    assert never.verdict_kind == "unknown"
    assert {f.code: f for f in never.findings}["unknown"].evidence == (
        "https://lab.example.org/model: not read yet",
    )
    read = flag_paper(paper(page("ok"), **old), CTX)
    assert (read.verdict_kind, read.flags) == (
        "overdue",
        "code_promised_missing project_page_without_code",
    )


def test_code_said_released_behind_an_unreadable_shortlink_is_not_worded_promised() -> None:
    short = page("unknown", "timeout after 3 tries", kind="shortlink")
    res = flag_paper(paper(short, code="released", published=dt.date(2024, 1, 1)), CTX)
    assert (res.verdict_kind, res.verdict) == ("unknown", "unknown")
    by = {f.code: f for f in res.findings}
    assert by["unknown"].message == "code said to be at https://lab.example.org/model, not verified"


def test_an_unread_page_does_not_matter_when_code_is_delivered_or_nothing_is_claimed() -> None:
    delivered = flag_paper(paper(page("unknown"), link(repo())), CTX)
    assert delivered.verdict_kind == "available"
    silent = flag_paper(paper(page("unknown"), code="none"), CTX)
    assert silent.verdict_kind == "none"


def gone(**kw: object) -> LinkFacts:
    base: dict[str, object] = {
        "status": "not_found",
        "http_status": 404,
        "dead_confirmations": 2,
        "first_ok_at": None,
        "source_files": None,
    }
    return link(repo(**{**base, **kw}))


def test_a_promised_repository_not_created_yet_is_pending_not_dead() -> None:
    recent = paper(gone(), code="promised", published=dt.date(2025, 4, 1))
    res = flag_paper(recent, CTX)
    by = {f.code: f for f in res.findings}
    assert (res.verdict_kind, res.verdict, res.flags) == (
        "pending",
        "promised — due in 29 days",
        "",
    )
    assert by["code_link_dead"].outcome is Outcome.FALSE
    assert f"{URL}: not created yet (404, never seen up)" in by["code_promised_missing"].evidence
    assert by["unknown"].outcome is Outcome.FALSE
    one_check = paper(gone(dead_confirmations=1), code="promised", published=dt.date(2025, 4, 1))
    assert flag_paper(one_check, CTX).verdict_kind == "pending"


def test_after_the_deadline_a_never_created_repository_is_dead_and_a_deleted_one_always() -> None:
    late = flag_paper(paper(gone(), code="promised", published=dt.date(2024, 1, 1)), CTX)
    assert (late.verdict_kind, late.flags) == ("dead", "code_link_dead code_promised_missing")
    deleted = paper(
        gone(first_ok_at=dt.datetime(2025, 4, 2, tzinfo=dt.UTC)),
        code="promised",
        published=dt.date(2025, 4, 1),
    )
    assert flag_paper(deleted, CTX).verdict_kind == "dead"
    placeholder_taken_down = paper(
        gone(ever_up=True), code="promised", published=dt.date(2025, 4, 1)
    )
    assert flag_paper(placeholder_taken_down, CTX).verdict_kind == "dead"


def hub_link(hub: HubState | None) -> LinkFacts:
    return LinkFacts(
        url="https://huggingface.co/lab/model-7b",
        kind="hf_model",
        role="weights",
        provenance="abstract",
        hub=hub,
    )


def test_linked_hub_weights_count_only_when_the_hub_confirms_them() -> None:
    old = dict(published=dt.date(2024, 1, 1), weights=StatusClaim(Availability.PROMISED, "w"))
    answers = {
        name: answer(paper(link(repo()), hub_link(h), **old), "weights_promised_missing")
        for name, h in (
            ("files", HubState("ok", weight_files=2)),
            ("gated", HubState("ok", gated="manual")),
            ("no files", HubState("ok")),
            ("gone", HubState("not_found", "HTTP 404")),
            ("rate limited", HubState("unknown", "HTTP 429")),
            ("not public", HubState("forbidden", "401: missing, private or gated")),
            ("refused", HubState("forbidden", "403: forbidden")),
            ("not asked", None),
        )
    }
    assert {k: (f.outcome, f.message) for k, f in answers.items()} == {
        "files": (Outcome.FALSE, "weights on the Hub at https://huggingface.co/lab/model-7b"),
        "gated": (Outcome.FALSE, "weights on the Hub at https://huggingface.co/lab/model-7b"),
        "no files": (Outcome.TRUE, "weights missing — overdue by 427 days"),
        "gone": (Outcome.TRUE, "weights missing — overdue by 427 days"),
        "rate limited": (Outcome.NOT_AVAILABLE, "cannot tell yet"),
        "not public": (Outcome.TRUE, "weights missing — overdue by 427 days"),
        "refused": (Outcome.NOT_AVAILABLE, "cannot tell yet"),
        "not asked": (Outcome.NOT_AVAILABLE, "cannot tell yet"),
    }
    assert answers["rate limited"].evidence == (
        "https://huggingface.co/lab/model-7b: Hub answered unknown (HTTP 429)",
    )


def test_weights_verdicts_say_how_sure_they_are() -> None:
    promised = dict(published=dt.date(2024, 1, 1), weights=StatusClaim(Availability.PROMISED, "w"))
    zoo = repo(
        kind="code",
        has_weights=True,
        weights_evidence=(
            "checkpoint link https://drive.google.com/x (google_drive in README.md)",
        ),
    )
    found = answer(paper(link(zoo), **promised), "weights_promised_missing")
    assert found.evidence[-1] == (
        "confidence: medium (a checkpoint link or download script; the files were not fetched)"
    )
    none = answer(paper(link(repo(kind="code")), **promised), "weights_promised_missing")
    assert none.outcome is Outcome.TRUE
    assert none.evidence[-1] == (
        "confidence: high (tree, README, releases and download files read; no Hub link open)"
    )
    legacy = answer(paper(link(repo()), **promised), "weights_promised_missing")
    assert legacy.evidence[-1].startswith("confidence: medium")


def test_weights_behind_an_unread_project_page_are_not_missing() -> None:
    promised = dict(published=dt.date(2024, 1, 1), weights=StatusClaim(Availability.PROMISED, "w"))
    f = answer(
        paper(link(repo(kind="code")), page("unknown", "HTTP 403"), **promised),
        "weights_promised_missing",
    )
    assert (f.outcome, f.evidence) == (
        Outcome.NOT_AVAILABLE,
        ("https://lab.example.org/model: could not be read (HTTP 403)",),
    )


def test_a_paper_that_releases_only_weights_says_so() -> None:
    card = repo(kind="model_card", has_weights=True, weights_evidence=("file model.safetensors",))
    weights_only = paper(
        link(card, role="weights"),
        code="none",
        weights=StatusClaim(Availability.RELEASED, "We release the weights at ..."),
    )
    res = flag_paper(weights_only, CTX)
    assert (res.verdict_kind, res.verdict) == ("none", "no code claimed; weights released")


def test_an_empty_repository_for_promised_code_is_pending_until_the_deadline() -> None:
    empty = repo(status="empty", source_files=0, kind="empty", placeholder=True)
    soon = flag_paper(paper(link(empty), code="promised", published=dt.date(2025, 4, 1)), CTX)
    assert (soon.verdict_kind, soon.verdict, soon.flags) == (
        "pending",
        "promised — due in 29 days",
        "code_placeholder",
    )
    late = flag_paper(paper(link(empty), code="promised", published=dt.date(2024, 4, 1)), CTX)
    assert late.verdict_kind == "placeholder"
    said_released = flag_paper(
        paper(link(empty), code="released", published=dt.date(2025, 4, 1)), CTX
    )
    assert said_released.verdict_kind == "placeholder"


def test_a_hub_organization_the_paper_links_counts_once_the_hub_confirms_weights() -> None:
    promised = dict(published=dt.date(2024, 1, 1), weights=StatusClaim(Availability.PROMISED, "w"))

    def org(hub: HubState | None) -> LinkFacts:
        return LinkFacts(
            url="https://huggingface.co/acme-ai",
            kind="hf_other",
            role="weights",
            provenance="abstract",
            hub=hub,
        )

    yes = answer(
        paper(link(repo(kind="code")), org(HubState("ok", weight_files=1)), **promised),
        "weights_promised_missing",
    )
    open_ = answer(
        paper(link(repo(kind="code")), org(None), **promised), "weights_promised_missing"
    )
    empty = answer(
        paper(link(repo(kind="code")), org(HubState("ok")), **promised), "weights_promised_missing"
    )
    assert (yes.outcome, open_.outcome, empty.outcome) == (
        Outcome.FALSE,
        Outcome.NOT_AVAILABLE,
        Outcome.TRUE,
    )
