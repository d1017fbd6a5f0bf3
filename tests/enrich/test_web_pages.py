"""The web checker: hop-by-hop resolution of redirects and shortlinks, final answers, and
project page scanning. The address guard in front of every hop is tested in tests/security."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.web_pages import policy_for, redirect_site
from tracker.check.web import WebPolicy, page_links, resolve
from tracker.emulators.web import WebEmulator
from tracker.models import Link, LinkKind, Provenance, RepoStatus, Role


@pytest.fixture
def web() -> Iterator[WebEmulator]:
    with redirect_site() as emu:
        yield emu


def test_a_redirect_chain_is_followed_hop_by_hop(client, web) -> None:  # type: ignore[no-untyped-def]
    res = resolve(client, "http://start.example/a", policy_for(web), want_html=True)
    assert (res.status, res.final_url, res.reason) == (RepoStatus.OK, "http://mid.example/c", "")
    assert [(h.url, h.method, h.status) for h in res.hops] == [
        ("http://start.example/a", "HEAD", 301),
        ("http://mid.example/b", "HEAD", 307),
        ("http://mid.example/c", "HEAD", 200),
        ("http://mid.example/c", "GET", 200),
    ]
    assert "github.com/o/r" in res.html


def test_a_shortlink_landing_on_github_stops_there(client, web) -> None:  # type: ignore[no-untyped-def]
    web.add_page("start.example/s", redirect="https://www.github.com/Owner/Repo.git/", status=301)
    res = resolve(client, "http://start.example/s", policy_for(web))
    assert (res.status, res.final_url) == (RepoStatus.OK, "https://github.com/Owner/Repo")
    assert web.count() == 1


@pytest.mark.parametrize(
    ("page", "status", "reason"),
    [
        (
            {"status": 403, "html": "Just a moment..."},
            RepoStatus.UNKNOWN,
            "HTTP 403 (bot wall or forbidden)",
        ),
        ({"status": 404}, RepoStatus.NOT_FOUND, "HTTP 404"),
        ({"status": 410}, RepoStatus.NOT_FOUND, "HTTP 410"),
        ({"status": 503}, RepoStatus.UNKNOWN, "HTTP 503"),
        ({"html": "ok", "head": 405}, RepoStatus.OK, ""),
    ],
)
def test_final_answers_map_to_statuses(client, web, page, status, reason) -> None:  # type: ignore[no-untyped-def]
    web.add_page("start.example/p", **page)
    res = resolve(client, "http://start.example/p", policy_for(web))
    assert (res.status, res.reason) == (status, reason)


def test_a_rate_limited_site_is_unknown(client) -> None:  # type: ignore[no-untyped-def]
    with WebEmulator({"pages": {"/x": {"html": "x"}}, "rate_limit": {"limit": 1}}) as emu:
        policy = WebPolicy(allow_private=True)
        first = resolve(client, f"{emu.url}/x", policy)
        second = resolve(client, f"{emu.url}/x", policy)
    assert first.status is RepoStatus.OK
    assert (second.status, second.reason) == (RepoStatus.UNKNOWN, "HTTP 429 rate limited")


def test_more_than_ten_hops_is_unknown_and_loops_stop(client, web) -> None:  # type: ignore[no-untyped-def]
    for i in range(12):
        web.add_page(f"mid.example/r{i}", redirect=f"/r{i + 1}", status=302)
    web.add_page("mid.example/loop", redirect="/loop2", status=302)
    web.add_page("mid.example/loop2", redirect="/loop", status=302)
    long = resolve(client, "http://mid.example/r0", policy_for(web))
    loop = resolve(client, "http://mid.example/loop", policy_for(web))
    assert (long.status, long.reason) == (RepoStatus.UNKNOWN, "more than 10 redirects")
    assert len(long.hops) == 11
    assert (loop.status, loop.reason) == (
        RepoStatus.UNKNOWN,
        "redirect loop at http://mid.example/loop",
    )


PAGE = """<html><body>
<div class="buttons">
  <a href="https://arxiv.org/abs/2401.00001">Paper</a>
  <a href="https://github.com/Con6924/SPM"><span class="icon"></span><span>Code</span></a>
  <a href="https://huggingface.co/lyumengyao/spm-models" title="Models"><i class="hf"></i></a>
</div>
<p>We build on <a href="https://github.com/CompVis/stable-diffusion">Stable Diffusion</a>.</p>
<footer><p>This website is adapted from <a href="https://github.com/nerfies/nerfies.github.io">
Nerfies</a>.</p></footer>
</body></html>"""


def test_project_page_buttons_become_links_and_template_credits_do_not() -> None:
    links = page_links(PAGE, "https://lyumengyao.github.io/projects/spm")
    assert links == [
        Link(
            url="https://github.com/Con6924/SPM",
            raw="https://github.com/Con6924/SPM",
            kind=LinkKind.GITHUB_REPO,
            role=Role.CODE,
            provenance=Provenance.PROJECT_PAGE,
            repo="Con6924/SPM",
            sentence="Paper Code",
            confidence=0.9,
        ),
        Link(
            url="https://huggingface.co/lyumengyao/spm-models",
            raw="https://huggingface.co/lyumengyao/spm-models",
            kind=LinkKind.HF_MODEL,
            role=Role.WEIGHTS,
            provenance=Provenance.PROJECT_PAGE,
            sentence="Paper Code",
            confidence=0.9,
        ),
        Link(
            url="https://github.com/CompVis/stable-diffusion",
            raw="https://github.com/CompVis/stable-diffusion",
            kind=LinkKind.GITHUB_REPO,
            role=Role.CODE,
            provenance=Provenance.PROJECT_PAGE,
            repo="CompVis/stable-diffusion",
            sentence="We build on Stable Diffusion .",
            confidence=0.7,
        ),
    ]
