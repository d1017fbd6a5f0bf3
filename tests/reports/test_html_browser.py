"""The HTML export rendered by headless Chromium: the script runs, filters, sorts, draws, opens
a paper's card on a click, and fits a phone's width.

`--dump-dom` shows the page after its script ran (and reads the URL fragment's view); the
interactive tests drive Chromium over the DevTools protocol (`browser.Browser`): a viewport
1280 and 390 CSS pixels wide, real mouse clicks, screenshots.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from browser import FLAGS, Browser
from reports_seed import EVIL_TITLE, Seeded

from tracker.handles import paper_handle
from tracker.models import (
    ClaimView,
    LinkView,
    OpenRequest,
    PaperView,
    ReportSummary,
)
from tracker.reports.formats import ExportFormat
from tracker.reports.html import write_html
from tracker.store.report_source import StoredReport

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium() -> str:
    if CHROMIUM is None:
        if os.environ.get("TRACKER_CI"):
            pytest.fail("chromium is missing but CI expects it (TRACKER_CI=1)")
        pytest.skip("chromium is not installed")
    return CHROMIUM


def _browse(chromium: str, tmp: Path, url: str, *extra: str) -> str:
    res = subprocess.run(
        [chromium, *FLAGS, f"--user-data-dir={tmp / 'profile'}", *extra, url],
        capture_output=True,
        text=True,
        timeout=90,
    )
    assert res.returncode == 0, res.stderr[-2000:]
    return res.stdout


@pytest.fixture
def page(seeded: Seeded, tmp_path: Path) -> Path:
    """The page `tracker export --format html` writes for the seeded database."""
    path = tmp_path / "report.html"
    with seeded.engine.connect() as conn, path.open("w", encoding="utf-8") as fh:
        ExportFormat.HTML.formatter().write(StoredReport(conn), fh)
    return path


@pytest.fixture
def browser(chromium: str, tmp_path: Path) -> Iterator[Browser]:
    b = Browser(chromium, tmp_path / "cdp-profile")
    try:
        yield b
    finally:
        b.close()


def _keep(shot: Path, name: str) -> None:
    keep = os.environ.get("TRACKER_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / name)


def _rows(dom: str) -> list[str]:
    return re.findall(r'<tr data-key="([^"]+)" class="paper[^"]*">', dom)


def _shown(b: Browser) -> list[str]:
    return list(b.eval("[...document.querySelectorAll('tr.paper')].map(r=>r.dataset.key)"))


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link|img|iframe)[^>]+(?:src|href)=", text)
    assert not re.search(r"@import|url\(", text)
    assert text.count("<script") == 3


def test_each_row_shows_the_papers_handle(browser: Browser, tmp_path: Path) -> None:
    titled = dataclasses.replace(_hostile_paper(), key="title:a paper without an id", arxiv_id=None)
    summary = ReportSummary(
        papers=2, with_code=0, kept=0, broken=0, pending=0, unknown=0, median_days_to_release=None
    )
    path = tmp_path / "handles.html"
    with path.open("w", encoding="utf-8") as fh:
        write_html([_hostile_paper(), titled], summary, fh)
    browser.open(path.as_uri(), 1280)
    shown = browser.eval("[...document.querySelectorAll('tr.paper .handle')].map(e=>e.textContent)")
    assert shown == ["2402.00009", paper_handle("title:a paper without an id")]
    assert re.fullmatch(r"[0-9a-hjkmnp-tv-z]{8}", shown[1])
    # a handle is what `tracker show` takes, so the search finds a paper by it too
    browser.eval(
        "(()=>{const q=document.getElementById('q'); q.value="
        + json.dumps(shown[1][:5])
        + "; q.dispatchEvent(new Event('input')); return 0;})()"
    )
    assert _shown(browser) == ["title:a paper without an id"]


def test_rendered_table_filters_sorts_and_draws(chromium: str, page: Path, tmp_path: Path) -> None:
    dom = _browse(chromium, tmp_path, page.as_uri(), "--dump-dom")
    assert 'data-rendered="7"' in dom and "7 of 7 papers" in dom
    assert _rows(dom) == [f"arxiv:2401.0000{i}" for i in range(1, 8)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)" not in dom
    assert EVIL_TITLE.replace("<", "&lt;").replace(">", "&gt;") in dom
    assert re.search(r'class="spark"[^>]*><polyline points="[\d., ]+"', dom)
    assert 'data-label="available" data-value="2"' in dom
    # two kept promises: one had code when first checked, one was seen kept this month
    assert re.findall(r'<rect class="(undated|month)"[^>]*data-value="(\d+)"', dom) == [
        ("undated", "1"),
        ("month", "1"),
    ]
    assert '<span class="flag ack"' not in dom
    assert dom.count('<span class="badge v-') == 7

    by_stars = _browse(chromium, tmp_path, page.as_uri() + "#sort=stars&desc=1", "--dump-dom")
    assert _rows(by_stars)[:3] == ["arxiv:2401.00001", "arxiv:2401.00007", "arxiv:2401.00005"]
    assert 'aria-sort="descending"' in by_stars

    filtered = _browse(chromium, tmp_path, page.as_uri() + "#q=lab/busy", "--dump-dom")
    assert _rows(filtered) == ["arxiv:2401.00004"] and "1 of 7 papers" in filtered
    overdue = _browse(chromium, tmp_path, page.as_uri() + "#verdict=overdue", "--dump-dom")
    assert _rows(overdue) == ["arxiv:2401.00002"]
    venue = _browse(chromium, tmp_path, page.as_uri() + "#venue=NeurIPS%202024", "--dump-dom")
    assert _rows(venue) == ["arxiv:2401.00007"]


def test_filters_change_the_visible_rows(browser: Browser, page: Path) -> None:
    browser.open(page.as_uri(), 1280)
    assert len(_shown(browser)) == 7
    browser.choose("verdict", "code available")
    assert _shown(browser) == ["arxiv:2401.00001", "arxiv:2401.00007"]
    browser.choose("flag", "moved")
    assert _shown(browser) == ["arxiv:2401.00007"]
    assert browser.eval("document.getElementById('shown').textContent") == "1 of 7 papers"
    browser.choose("verdict", "all verdicts")
    browser.choose("flag", "code_promised_missing")
    assert _shown(browser) == ["arxiv:2401.00002", "arxiv:2401.00003", "arxiv:2401.00005"]
    browser.choose("flag", "all flags")
    browser.choose("venue", "ICLR 2025 Poster")
    assert _shown(browser) == ["arxiv:2401.00001"]
    browser.choose("venue", "(no venue)")
    assert len(_shown(browser)) == 5
    # the view is in the address, so a shared link opens on it
    assert browser.eval("location.hash") == "#venue="


def test_details_open_on_click(browser: Browser, page: Path) -> None:
    browser.open(page.as_uri(), 1280)
    assert browser.eval("document.querySelectorAll('tr.card').length") == 0
    browser.click('tr.paper[data-key="arxiv:2401.00007"] td.verdict')
    card = browser.eval("document.querySelector('tr.card').innerText")
    assert "Key\narxiv:2401.00007" in card and "Venue\nNeurIPS 2024" in card
    assert "code: released — Code: https://github.com/old/name." in card
    assert "https://github.com/old/name (github_repo · code, ok, ★40, license Apache-2.0)" in card
    assert "Checklist: not judged\ndependencies: unknown training: unknown" in card
    assert (
        browser.eval(
            "document.querySelector('tr.paper[data-key=\"arxiv:2401.00007\"] .toggle')"
            ".getAttribute('aria-expanded')"
        )
        == "true"
    )
    # a link inside the row is followed, not taken for a click on the row
    assert (
        browser.eval("document.querySelector('tr.paper[data-key=\"arxiv:2401.00007\"] a').href")
        == "https://arxiv.org/abs/2401.00007"
    )
    browser.click('tr.paper[data-key="arxiv:2401.00007"] button.toggle')
    assert browser.eval("document.querySelectorAll('tr.card').length") == 0


def _hostile_paper() -> PaperView:
    """A paper whose every text is hostile, with everything a card shows."""
    evil = '<img src=x onerror="document.body.dataset.pwned=1">'
    return PaperView(
        key="arxiv:2402.00009",
        title=f"Attack {evil} \u202eevil\u202c",
        arxiv_id="2402.00009",
        published=dt.date(2024, 2, 1),
        code_status="promised",
        weights_status="released",
        data_status="none",
        links=(
            LinkView(
                url="https://github.com/a/b",
                kind="github_repo",
                role="code",
                provenance="abstract",
                repo_status="not_found",
                archived_url="https://archive.softwareheritage.org/swh:1:ori:abc",
                archived_at=dt.datetime(2024, 3, 1, tzinfo=dt.UTC),
            ),
            LinkView(url="javascript:alert(1)", kind="other", role="other", provenance="pdf"),
        ),
        verdict="dead link",
        verdict_kind="dead",
        flags=("code_link_dead",),
        checklist={"dependencies": "yes", "training": "no"},
        checklist_score=1,
        open_requests=(
            OpenRequest(7, f"Where is the code? {evil}", None, "https://github.com/a/b/issues/7"),
        ),
        venue=f"Venue {evil}",
        claims=(
            ClaimView("code", "promised", "upon acceptance", f"Code will come. {evil}"),
            ClaimView("weights", "released", "", "Weights: https://huggingface.co/a/b."),
            ClaimView("data", "none"),
        ),
    )


def test_card_shows_hostile_text_as_text(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "hostile.html"
    summary = ReportSummary(
        papers=1, with_code=0, kept=0, broken=0, pending=0, unknown=0, median_days_to_release=None
    )
    buf = io.StringIO()
    write_html([_hostile_paper()], summary, buf)
    path.write_text(buf.getvalue(), encoding="utf-8")
    browser.open(path.as_uri(), 1280)
    browser.click("button.toggle")
    card = browser.eval("document.querySelector('tr.card').innerText")
    assert browser.eval("document.body.dataset.pwned") is None
    assert browser.eval("document.querySelectorAll('img').length") == 0
    assert "\u202e" not in browser.eval("document.body.innerText")
    assert "code: promised (upon acceptance) — Code will come. <img src=x" in card
    assert "weights: released — Weights: https://huggingface.co/a/b." in card
    assert "#7 Where is the code? <img" in card and "Checklist: 1 of 2" in card
    assert "archived copy (2024-03-01)" in card
    hrefs = browser.eval("[...document.querySelectorAll('a')].map(a=>a.href)")
    assert not [h for h in hrefs if not h.startswith("https://")]
    assert "https://archive.softwareheritage.org/swh:1:ori:abc" in hrefs
    assert "https://github.com/a/b/issues/7" in hrefs
    # the dead code link shows its archived copy in the table too
    assert browser.eval("document.querySelector('td.code a.archived').textContent") == (
        "archived copy"
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_and_no_horizontal_overflow(
    browser: Browser, page: Path, tmp_path: Path, width: int
) -> None:
    browser.open(page.as_uri() + "#open=arxiv:2401.00007", width)
    assert browser.eval("document.querySelectorAll('tr.card').length") == 1
    overflow = browser.eval("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{overflow}px wider than a {width}px screen"
    wide = browser.eval(
        "[...document.querySelectorAll('body *')].filter(e=>e.getBoundingClientRect().right"
        f">{width}+0.5).map(e=>e.tagName+'.'+e.className)"
    )
    assert wide == []
    shot = tmp_path / f"report-{width}.png"
    data = browser.screenshot(shot, full=True)
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    assert int.from_bytes(data[16:20], "big") == width
    _keep(shot, f"report-html-{width}.png")


@pytest.mark.slow
def test_the_readme_screenshot_command(chromium: str, tmp_path: Path) -> None:
    """`python -m tracker.demo.screenshot` (the README's picture) runs offline from the demo."""
    out = tmp_path / "img" / "report.png"
    res = subprocess.run(
        [sys.executable, "-m", "tracker.demo.screenshot", str(out)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "CHROMIUM": chromium},
    )
    assert res.returncode == 0, res.stderr[-2000:]
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000
    assert int.from_bytes(data[16:20], "big") == 1280


def test_a_long_report_shows_its_rows_a_page_at_a_time(browser: Browser, tmp_path: Path) -> None:
    base = _hostile_paper()
    papers = [
        dataclasses.replace(
            base, key=f"arxiv:2402.{i:05d}", arxiv_id=f"2402.{i:05d}", title=f"P{i}"
        )
        for i in range(1200)
    ]
    summary = ReportSummary(
        papers=1200,
        with_code=0,
        kept=0,
        broken=0,
        pending=0,
        unknown=0,
        median_days_to_release=None,
    )
    path = tmp_path / "long.html"
    with path.open("w", encoding="utf-8") as fh:
        assert write_html(papers, summary, fh) == 1200
    browser.open(path.as_uri(), 1280)
    assert len(_shown(browser)) == 500
    assert browser.eval("document.querySelector('button.more').textContent") == (
        "Show 500 more (700 not shown)"
    )
    browser.click("button.more")
    browser.click("button.more")
    assert (
        len(_shown(browser)) == 1200
        and browser.eval("document.querySelector('button.more')") is None
    )
    assert browser.eval("document.getElementById('shown').textContent") == "1200 of 1200 papers"
    browser.eval(
        "(()=>{const q=document.getElementById('q'); q.value='P11';"
        "q.dispatchEvent(new Event('input')); return 0;})()"
    )
    assert len(_shown(browser)) == 111  # P11, P110-P119, P1100-P1199
