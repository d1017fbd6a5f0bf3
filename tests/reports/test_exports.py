"""Exports through the real command line: CSV shape, JSON schema, Markdown size, exit codes
(formula cells and HTML escaping are tested in tests/security)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from reports_seed import Seeded, days_ago

from tracker.models import LinkView, PaperView, ReportSummary
from tracker.reports.csv_export import COLUMN_DOCS, LINK_COLUMNS, PAPER_COLUMNS
from tracker.reports.json_export import DOCUMENT_SCHEMA, PAPER_SCHEMA
from tracker.reports.markdown import GITHUB_LIMIT, write_markdown


def conforms(value: Any, schema: dict[str, Any]) -> bool:
    """Whether `value` is valid under `schema` (JSON Schema 2020-12, formats checked), with
    every violation printed so a failing test says which field broke it."""
    validator = Draft202012Validator(schema, format_checker=FormatChecker())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(value)]
    for error in errors[:20]:
        print(error)
    return not errors


def test_csv_is_rfc4180_with_documented_columns(seeded: Seeded, cli: Any, tmp_path: Path) -> None:
    out = tmp_path / "papers.csv"
    res = cli("export", "--format", "csv", "-o", str(out), "--db", seeded.url)
    assert res.returncode == 0, res.stderr
    assert "exported 7 papers" in res.stderr
    raw = out.read_bytes()
    assert raw.count(b"\r\n") == 8 and raw.decode("utf-8")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert tuple(rows[0]) == PAPER_COLUMNS
    assert set(PAPER_COLUMNS) | set(LINK_COLUMNS) <= set(COLUMN_DOCS)
    by_key = {r[0]: dict(zip(PAPER_COLUMNS, r, strict=True)) for r in rows[1:]}
    assert by_key["arxiv:2401.00007"] | {"title": ""} == {
        "key": "arxiv:2401.00007",
        "arxiv_id": "2401.00007",
        "title": "",
        "published": by_key["arxiv:2401.00007"]["published"],
        "code_status": "released",
        "weights_status": "none",
        "data_status": "none",
        "verdict": "code available",
        "links": "https://github.com/old/name",
        "repo_status": "ok",
        "stars": "40",
        "license": "Apache-2.0",
        "verdict_kind": "available",
        "flags": "archived license_mismatch moved",
        "acknowledged": "",
        "checklist_score": "",
        "venue": "NeurIPS 2024",
        "handle": "2401.00007",
    }


def test_csv_per_link(seeded: Seeded, cli: Any) -> None:
    res = cli("export", "--per-link", "--db", seeded.url, "--status", "none,available")
    rows = list(csv.reader(io.StringIO(res.stdout, newline="")))
    assert tuple(rows[0]) == LINK_COLUMNS
    assert [(r[0], r[5]) for r in rows[1:]] == [
        ("arxiv:2401.00001", "https://github.com/lab/delivered"),
        ("arxiv:2401.00006", ""),
        ("arxiv:2401.00007", "https://github.com/old/name"),
    ]


def test_json_and_jsonl_follow_the_schema(seeded: Seeded, cli: Any) -> None:
    doc = json.loads(cli("export", "--format", "json", "--db", seeded.url).stdout)
    assert conforms(doc, DOCUMENT_SCHEMA)
    assert doc["summary"]["promises"] == {"kept": 2, "broken": 3, "pending": 0}
    assert len(doc["papers"]) == 7
    lines = cli("export", "-f", "jsonl", "--db", seeded.url, "--flag", "moved").stdout.splitlines()
    assert [json.loads(x)["key"] for x in lines] == ["arxiv:2401.00007"]
    assert all(conforms(json.loads(x), PAPER_SCHEMA) for x in lines)
    assert not conforms({"key": "x"}, PAPER_SCHEMA)


def _many(n: int) -> list[PaperView]:
    link = LinkView(
        url="https://github.com/a/b", kind="github_repo", role="code", provenance="abstract"
    )
    return [
        PaperView(
            key=f"arxiv:2401.{i:05d}",
            title=f"Paper {i} | with a pipe " + "x" * 80,
            arxiv_id=f"2401.{i:05d}",
            published=None,
            code_status="none",
            weights_status="none",
            data_status="none",
            links=(link,),
            verdict="no code claimed",
        )
        for i in range(n)
    ]


def test_markdown_fits_a_github_comment_and_points_at_the_rest() -> None:
    papers = _many(3000)
    summary = ReportSummary(
        papers=3000,
        with_code=0,
        kept=0,
        broken=0,
        pending=0,
        unknown=0,
        median_days_to_release=None,
    )
    buf = io.StringIO()
    shown = write_markdown(papers, summary, buf, more="https://example.org/run/1")
    text = buf.getvalue()
    assert len(text) <= GITHUB_LIMIT
    assert 100 < shown < 3000
    assert text.rstrip().endswith(
        f"_Showing {shown:,} of 3,000 papers. Full list: https://example.org/run/1_"
    )
    assert text.count("\n| ") == shown + 1
    assert "Paper 0 \\| with a pipe" in text


def test_markdown_export_states_the_summary(seeded: Seeded, cli: Any) -> None:
    text = cli("export", "-f", "markdown", "--db", seeded.url).stdout
    assert "- 7 papers: 5 claim released code · 2 verified · 1 not checked\n" in text


def test_fail_on_exits_1_and_ignores_acknowledged(seeded: Seeded, cli: Any) -> None:
    res = cli("report", "--db", seeded.url, "--fail-on", "code_link_dead", "-f", "json")
    assert res.returncode == 1, res.stderr
    assert "1 papers flagged code_link_dead (--fail-on)" in res.stderr
    ack = cli(
        "ack", "2401.00003", "code_link_dead", "--note", "moved to GitLab", "--db", seeded.url
    )
    assert ack.returncode == 0, ack.stderr
    said = "recorded acknowledgement of code_link_dead on 2401.00003 (arxiv:2401.00003)"
    assert said in ack.stderr
    res = cli("report", "--db", seeded.url, "--fail-on", "code_link_dead", "-f", "json")
    assert res.returncode == 0, res.stderr
    paper = next(p for p in json.loads(res.stdout)["papers"] if p["key"] == "arxiv:2401.00003")
    assert paper["verdict"] == "dead link (acknowledged)"
    assert (paper["flags"], paper["acknowledged"]) == (
        ["code_promised_missing"],
        ["code_link_dead"],
    )
    shown = json.loads(cli("show", "arxiv:2401.00003", "-f", "json", "--db", seeded.url).stdout)
    dead = next(f for f in shown["findings"] if f["code"] == "code_link_dead")
    assert (dead["outcome"], dead["acknowledged"], dead["note"]) == (
        "true",
        True,
        "moved to GitLab",
    )


def test_usage_and_input_errors_have_their_exit_codes(seeded: Seeded, cli: Any) -> None:
    bad_code = cli("report", "--db", seeded.url, "--fail-on", "no_such_probe")
    assert bad_code.returncode == 2 and "unknown probe no_such_probe" in bad_code.stderr
    assert cli("ack", "2401.00003", "bogus", "--db", seeded.url).returncode == 2
    assert cli("report", "--db", seeded.url, "--since", "yesterday").returncode == 2
    missing = cli("show", "9999.99999", "--db", seeded.url)
    assert missing.returncode == 3 and "no such paper" in missing.stderr


def test_show_diff_and_flag_commands(seeded: Seeded, cli: Any) -> None:
    shown = cli("show", "2401.00007", "--db", seeded.url, "-f", "markdown")
    assert shown.returncode == 0, shown.stderr
    assert "| moved | true | link should be updated to New/Name |" in shown.stdout
    assert (
        "| license_mismatch | true | README or package metadata says MIT; LICENSE file holds Apache-2.0 |"
        in shown.stdout
    )
    table = cli("show", "arxiv:2401.00001", "--db", seeded.url)
    assert "History of lab/delivered" in table.stdout and "code available" in table.stdout
    diff = json.loads(cli("diff", "--since", "7d", "-f", "json", "--db", seeded.url).stdout)
    assert sorted(e["kind"] for e in diff["events"]) == [
        "archived",
        "code_delivered",
        "died",
        "license_added",
        "moved",
        "stars_jump",
    ]
    assert (
        "No changes." in cli("diff", "--since", "1h", "-f", "markdown", "--db", seeded.url).stdout
    )
    flagged = cli("flag", "--grace-days", "500", "--db", seeded.url)
    assert flagged.returncode == 0, flagged.stderr
    report = json.loads(
        cli("report", "--status", "pending", "-f", "json", "--db", seeded.url).stdout
    )
    # Published 300 days before TODAY, due 500 days later; the CLI flags with the real date.
    due_in = (days_ago(300) + dt.timedelta(days=500) - dt.datetime.now(dt.UTC).date()).days
    assert [(p["key"], p["verdict"]) for p in report["papers"]] == [
        ("arxiv:2401.00002", f"promised — due in {due_in} days"),
    ]
