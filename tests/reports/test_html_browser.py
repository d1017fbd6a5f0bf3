"""The HTML export rendered by headless Chromium: the script runs, filters, sorts, draws."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from reports_seed import EVIL_TITLE, Seeded

from tracker.models import ReportFilter
from tracker.reports.html import write_html
from tracker.store.reporting import delivered_by_month, iter_report_views, report_summary

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

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
    path = tmp_path / "report.html"
    with seeded.engine.connect() as conn, path.open("w", encoding="utf-8") as fh:
        write_html(
            iter_report_views(conn, ReportFilter(), history=True),
            report_summary(conn),
            fh,
            kept_by_month=delivered_by_month(conn),
        )
    return path


def _rows(dom: str) -> list[str]:
    return re.findall(r'<tr data-key="([^"]+)" class="paper">', dom)


def test_page_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"<(?:script|link|img)[^>]+(?:src|href)=", text)
    assert text.count("<script") == 2


def test_rendered_table_filters_sorts_and_draws(chromium: str, page: Path, tmp_path: Path) -> None:
    dom = _browse(chromium, tmp_path, page.as_uri(), "--dump-dom")
    assert 'data-rendered="7"' in dom and "7 of 7 papers" in dom
    assert _rows(dom) == [f"arxiv:2401.0000{i}" for i in range(1, 8)]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom and "<script>alert(1)" not in dom
    assert EVIL_TITLE.replace("<", "&lt;").replace(">", "&gt;") in dom
    assert re.search(r'class="spark"[^>]*><polyline points="[\d., ]+"', dom)
    assert 'data-label="available" data-value="2"' in dom
    assert dom.count('class="month"') == 2
    assert '<span class="flag ack"' not in dom

    by_stars = _browse(chromium, tmp_path, page.as_uri() + "#sort=stars&desc=1", "--dump-dom")
    assert _rows(by_stars)[:3] == ["arxiv:2401.00001", "arxiv:2401.00007", "arxiv:2401.00005"]
    assert 'aria-sort="descending"' in by_stars

    filtered = _browse(chromium, tmp_path, page.as_uri() + "#q=lab/busy", "--dump-dom")
    assert _rows(filtered) == ["arxiv:2401.00004"] and "1 of 7 papers" in filtered
    overdue = _browse(chromium, tmp_path, page.as_uri() + "#verdict=overdue", "--dump-dom")
    assert _rows(overdue) == ["arxiv:2401.00002"]


def test_screenshot_is_kept(chromium: str, page: Path, tmp_path: Path) -> None:
    shot = tmp_path / "report.png"
    _browse(chromium, tmp_path, page.as_uri(), f"--screenshot={shot}", "--window-size=1280,1000")
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    keep = os.environ.get("TRACKER_ARTIFACTS")
    if keep:
        Path(keep).mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, Path(keep) / "report-html.png")
