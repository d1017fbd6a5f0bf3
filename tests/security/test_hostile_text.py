"""Hostile titles and URLs read through the real ingest: no human-facing output carries what
acts on a terminal or on GitHub, and the exports for programs keep the data as read."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import insert, select

from tracker.emulators.github import GitHubEmulator
from tracker.store import open_db
from tracker.store.schema import RepoHistory, Repository

ESC = "\x1b"
TERMINAL = f"{ESC}[2J{ESC}]0;owned\x07Clear {ESC}]8;;https://evil.example/{ESC}\\Click{ESC}]8;;{ESC}\\ \x9b31mred"
SPOOF = "Safe \u202egnp.exe\u202c and \u2066isolated\u2069 zero\u200bwidth"
MARKUP = "Pipes | <script>alert(1)</script> & [link](https://evil.example)"
MENTIONS = "Thanks @someone and @org/team, see org/repo#12, #1 and GH-7"
HOSTILE_NAME = f"lab/pipe{ESC}]0;x\x07\u202e"
LISTING = [
    ("title", "abstract", "arxiv_id", "published"),
    (TERMINAL, "We study things. Code will be released upon acceptance.", "2301.00001", "2023-01-05"),
    (SPOOF, "We study things. See https://github.com/someone\u202e for code.", "2301.00002", "2023-01-05"),
    (MARKUP, "We study things. Code: https://github.com/lab/pipe|<b>x</b> here.", "2301.00003", "2023-01-05"),
    (MENTIONS, "Code will be released upon acceptance.", "2301.00004", "2023-01-05"),
]  # fmt: skip
SHOWN = {
    "2301.00001": "[2J]0;ownedClear ]8;;https://evil.example/\\Click]8;;\\ 31mred",
    "2301.00002": "Safe gnp.exe and isolated zerowidth",
    "2301.00003": MARKUP,
    "2301.00004": MENTIONS,
}
"""Each title as a person sees it: every visible character kept, nothing else."""


def hidden(text: str) -> list[str]:
    """What no human-facing output may hold: controls but newline, format characters, surrogates."""
    return sorted(
        {
            f"U+{ord(c):04X}"
            for c in text
            if c != "\n" and unicodedata.category(c) in ("Cc", "Cf", "Cs")
        }
    )


def _repository_that_died_and_moved(url: str) -> None:
    """The checker's records of lab/pipe: up, then gone under a hostile name GitHub reported."""
    now = dt.datetime.now(dt.UTC)
    engine = open_db(url)
    with engine.begin() as conn:
        conn.execute(
            insert(Repository).values(
                key="lab/pipe",
                full_name=HOSTILE_NAME,
                status="not_found",
                http_status=404,
                dead_confirmations=2,
                last_checked_at=now,
            )
        )
        rid = conn.execute(select(Repository.c.id)).scalar_one()
        conn.execute(
            insert(RepoHistory),
            [
                {"repository_id": rid, "observed_at": now - dt.timedelta(days=d), "status": s,
                 "full_name": n, "archived": False}
                for d, s, n in ((20, "ok", "lab/pipe"), (1, "not_found", HOSTILE_NAME))
            ],
        )  # fmt: skip
    engine.dispose()


def seed(url: str, tmp_path: Path, cli: Any) -> str:
    listing = tmp_path / "hostile.csv"
    with listing.open("w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(LISTING)
    _repository_that_died_and_moved(url)
    done = cli("run", str(listing), "--no-enrich", "--no-check", "--db", url)
    assert done.returncode == 0, done.stderr
    assert hidden(done.stdout) == [], done.stdout
    return url


@pytest.fixture
def hostile(sqlite_url: str, tmp_path: Path, cli: Any) -> str:
    return seed(sqlite_url, tmp_path, cli)


def test_terminal_outputs_hold_only_what_they_show(db_url: str, tmp_path: Path, cli: Any) -> None:
    url = seed(db_url, tmp_path, cli)
    outputs = [cli("report", "--db", url), cli("diff", "--since", "30d", "--db", url)]
    outputs += [cli("show", aid, "--db", url) for aid in SHOWN]
    for res in outputs:
        assert res.returncode == 0, res.stderr
        assert hidden(res.stdout + res.stderr) == [], res.args
    for res, title in zip(outputs[2:], SHOWN.values(), strict=True):
        assert res.stdout.splitlines()[0] == title
    assert "lab/pipe]0;x" in outputs[1].stdout and "died" in outputs[1].stdout


def _rows(markdown: str) -> list[str]:
    return [ln for ln in markdown.splitlines() if ln.startswith("| ") and "](https://arxiv" in ln]


PAPER_CELLS = {
    "2301.00001": "[\\[2J\\]0;ownedClear \\]8;;https://evil.example/\\\\Click\\]8;;\\\\ 31mred]"
    "(https://arxiv.org/abs/2301.00001)",
    "2301.00002": "[Safe gnp.exe and isolated zerowidth](https://arxiv.org/abs/2301.00002)",
    "2301.00003": "[Pipes \\| &lt;script&gt;alert(1)&lt;/script&gt; &amp; \\[link\\](https://evil.example)]"
    "(https://arxiv.org/abs/2301.00003)",
    "2301.00004": "[Thanks @&#8203;someone and @&#8203;org/team, see org/repo#&#8203;12, "
    "#&#8203;1 and GH-&#8203;7](https://arxiv.org/abs/2301.00004)",
}
"""The title cell of each paper: escaped for a table, no HTML, no mention or reference live."""


def test_markdown_report_escapes_tables_html_and_github_references(hostile: str, cli: Any) -> None:
    res = cli("report", "--format", "markdown", "--db", hostile)
    assert res.returncode == 0, res.stderr
    assert hidden(res.stdout) == []
    rows = _rows(res.stdout)
    assert [r.split(" | ")[1] for r in rows] == list(PAPER_CELLS.values())
    assert all(r.replace("\\|", "").count("|") == 7 for r in rows)
    codes = {r.split(" | ")[3] for r in rows} - {""}
    assert codes == {
        "[github.com/someone](https://github.com/someone%E2%80%AE)",
        "[github.com/lab/pipe](https://github.com/lab/pipe)",
    }


def test_show_and_diff_markdown_are_as_safe(hostile: str, cli: Any) -> None:
    shown = cli("show", "2301.00004", "--format", "markdown", "--db", hostile)
    assert shown.stdout.splitlines()[0] == "## " + PAPER_CELLS["2301.00004"][1:].split("](")[0]
    diff = cli("diff", "--since", "30d", "--format", "markdown", "--db", hostile)
    paper = PAPER_CELLS["2301.00003"][1:].split("](https://arxiv")[0]
    day = dt.datetime.now(dt.UTC) - dt.timedelta(days=1)
    assert [ln for ln in diff.stdout.splitlines() if ln.startswith("| 2")] == [
        f"| {day:%Y-%m-%d} | died | lab/pipe\\]0;x | ok | not_found | `2301.00003` | {paper} |",
        f"| {day:%Y-%m-%d} | moved | lab/pipe\\]0;x | lab/pipe | lab/pipe\\]0;x | `2301.00003` "
        f"| {paper} |",
    ]
    assert hidden(shown.stdout + diff.stdout) == []


def test_tracking_issue_mentions_and_references_nobody(
    hostile: str, tmp_path: Path, cli: Any
) -> None:
    scenario = {
        "tokens": {"ghs_SecT0ken": "acme-bot"},
        "repos": [{"owner": "acme", "name": "papers", "issues": []}],
    }
    with GitHubEmulator(scenario) as gh:
        env = {
            "GITHUB_TOKEN": "ghs_SecT0ken",
            "TRACKER_GITHUB_API_URL": gh.url,
            "GITHUB_REPOSITORY": "acme/papers",
        }
        res = cli("action", "issue", "--db", hostile, "--min-severity", "low", env=env)
        assert res.returncode == 0, res.stderr
        (issue,) = gh.issues["acme/papers"]
    body = issue["body"]
    assert hidden(body) == []
    papers = {ln.split(" | ")[0][2:] for ln in body.splitlines() if "](https://arxiv" in ln}
    assert papers == set(PAPER_CELLS.values())
    assert "@someone" not in body and "#1 " not in body and "<script" not in body


def test_csv_and_json_keep_the_data_as_read(hostile: str, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "papers.csv"
    assert cli("export", "-o", str(out), "--db", hostile).returncode == 0
    with out.open(encoding="utf-8", newline="") as fh:
        titles = {r["arxiv_id"]: r["title"] for r in csv.DictReader(fh)}
    assert titles == {row[2]: row[0] for row in LISTING[1:]}
    doc = json.loads(cli("report", "--format", "json", "--db", hostile).stdout)
    assert {p["arxiv_id"]: p["title"] for p in doc["papers"]} == titles
    raw = out.read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(raw, newline="")))[1][2] == TERMINAL
