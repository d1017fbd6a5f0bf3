"""The papers table: one line per paper at any width, the verdict the one code status, every
cell cut where a word ends."""

from __future__ import annotations

import dataclasses

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len
from rich.console import Console

from tracker.models import LinkView, PaperView, ReportSummary
from tracker.reports.table import WIDE_FROM, clip, listing, papers_table, report_view

PAPER = PaperView(
    key="arxiv:2401.00001",
    title="Sparse Routing Makes Small Transformers Reason Longer",
    arxiv_id="2401.00001",
    published=None,
    code_status="released",
    weights_status="released",
    data_status="none",
    links=(LinkView("https://github.com/lab/sparse", "github_repo", "code", "abstract", "", "ok"),),
    verdict="promised — due in 90 days",
    flags=("license_missing",),
    stars=1234,
)
UNTITLED = dataclasses.replace(
    PAPER,
    key="title:a study of long titles that go on and on about household robots",
    title="A Study of Long Titles That Go On and On About Household Robots",
    arxiv_id=None,
    verdict="unknown",
    flags=(),
    stars=None,
    links=(),
)


def render(renderable: object, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(renderable)
    return console.export_text().splitlines()


def test_narrow_layout_is_handle_title_verdict() -> None:
    table = papers_table([PAPER, UNTITLED], width=80)
    assert [c.header for c in table.columns] == ["handle", "paper", "verdict"]
    lines = [ln.rstrip() for ln in render(table, 80)]
    # 80 columns: the handle's 10 and the verdict's 25, two gaps of 3, leave 39 for the title
    assert lines[3] == (
        "2401.00001   Sparse Routing Makes Small…" + " " * 15 + "promised — due in 90 days"
    )
    assert lines[4] == f"{UNTITLED.handle}     A Study of Long Titles That Go On and…    unknown"
    assert max(cell_len(ln) for ln in lines) <= 80


def test_wide_layout_adds_what_was_found_and_never_the_code_claim() -> None:
    """The paper's text says `released`, the verdict says promised: a table shows one of
    them, the verdict, and no `code` claim column beside it."""
    table = papers_table([PAPER, UNTITLED], width=WIDE_FROM)
    assert [c.header for c in table.columns] == [
        "handle", "paper", "verdict", "weights", "stars", "flags", "code",
    ]  # fmt: skip
    lines = render(table, WIDE_FROM)
    assert max(cell_len(ln) for ln in lines) <= WIDE_FROM
    # the code link, then the flags give way to the title
    assert lines[3].split()[-4:] == ["released", "1,234", "license…", "https://github.com…"]
    assert "code released" not in "\n".join(lines)
    assert render(papers_table([PAPER], width=160), 160)[3].split()[-10:] == [
        "promised", "—", "due", "in", "90", "days", "released", "1,234", "license_missing",
        "https://github.com/lab/sparse",
    ]  # fmt: skip


def test_layout_follows_the_width_unless_forced() -> None:
    headers = lambda t: [c.header for c in t.columns]  # noqa: E731
    assert headers(papers_table([PAPER], width=WIDE_FROM - 1)) == ["handle", "paper", "verdict"]
    assert "flags" in headers(papers_table([PAPER], width=WIDE_FROM))
    assert "flags" in headers(papers_table([PAPER], width=80, wide=True))
    assert headers(papers_table([PAPER], width=200, wide=False)) == ["handle", "paper", "verdict"]


def test_cells_are_text_never_markup() -> None:
    sneaky = dataclasses.replace(
        UNTITLED, title="[red]Not Red[/red] \x1b]0;retitled\x07", verdict="[bold]unknown"
    )
    lines = render(papers_table([sneaky], width=80), 80)
    assert lines[3].split()[1:] == ["[red]Not", "Red[/red]", "]0;retitled", "[bold]unknown"]


def test_clip_cuts_where_a_word_ends() -> None:
    title = "Calibrated Retrieval for Open-Domain Question Answering"
    assert clip(title, 80) == title
    assert clip(title, 30) == "Calibrated Retrieval for…"
    assert clip(title, 40) == "Calibrated Retrieval for Open-Domain…"
    assert clip("github.com/example-lab/household-bench", 30) == "github.com/example-lab…"
    assert clip("Supercalifragilisticexpialidocious", 10) == "Supercali…"
    assert clip("多模态大模型的视觉数学推理能力评测", 9) == "多模态大…"
    assert clip("two\nlines  and\ttabs", 40) == "two lines and tabs"


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80), st.integers(1, 60))
def test_clip_always_fits_and_keeps_a_prefix(text: str, width: int) -> None:
    cut = clip(text, width)
    assert cell_len(cut) <= width
    assert "\n" not in cut
    if cut.endswith("…") and cut != "…":
        words = " ".join(clip(text, 10_000).split())
        assert words.startswith(cut[:-1].rstrip())


def _papers(n: int) -> list[PaperView]:
    verdicts = ("code available", "promised — overdue by 966 days", "unknown", "no code claimed")
    return [
        dataclasses.replace(
            UNTITLED,
            key=f"title:paper number {i} about long horizon household tasks and robots",
            title=f"Paper Number {i}: A Benchmark of Long-Horizon Household Tasks for Robots",
            verdict=verdicts[i % 4],
        )
        for i in range(n)
    ]


def test_listing_says_how_many_it_left_out() -> None:
    lines = render(listing(_papers(50), 88, 80), 80)
    assert lines[-1] == "38 more — use --limit N to show N, --limit 0 for all"
    assert render(listing(_papers(3), 3, 80), 80)[-1].split()[0] == _papers(3)[2].handle


def test_88_papers_at_80_columns() -> None:
    """The issue's report: 88 papers took 1,307 lines at 80 columns."""
    summary = ReportSummary(88, 0, 0, 0, 0, 30, None, claimed=40)
    papers = _papers(88)
    lines = render(report_view(summary, papers, 80), 80)
    assert len(lines) <= 100
    assert max(cell_len(ln) for ln in lines) <= 80
    handles = {p.handle for p in papers}
    assert len(handles) == 88
    assert sum(1 for ln in lines if ln.split(" ", 1)[0] in handles) == 88


def test_wide_layout_at_160_columns() -> None:
    lines = render(papers_table([PAPER, *_papers(20)], width=160), 160)
    assert len(lines) == 3 + 21
    assert max(cell_len(ln) for ln in lines) <= 160
    assert "https://github.com/lab/sparse" in lines[3] and "license_missing" in lines[3]
