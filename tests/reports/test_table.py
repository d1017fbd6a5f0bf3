"""The papers table keeps every fact legible on a narrow terminal."""

from __future__ import annotations

from rich.console import Console

from tracker.models import LinkView, PaperView
from tracker.reports.table import COMPACT_BELOW, papers_table

PAPER = PaperView(
    key="arxiv:2401.00001",
    title="Sparse Routing Makes Small Transformers Reason Longer",
    arxiv_id="2401.00001",
    published=None,
    code_status="promised",
    weights_status="released",
    data_status="none",
    links=(LinkView("https://github.com/lab/sparse", "github_repo", "code", "abstract", "", "ok"),),
    verdict="promised — due in 90 days",
)


def render(width: int) -> str:
    console = Console(width=width, record=True, color_system=None)
    console.print(papers_table([PAPER], width=width))
    return console.export_text()


def test_wide_table_has_a_column_per_fact() -> None:
    table = papers_table([PAPER], width=COMPACT_BELOW)
    assert [c.header for c in table.columns] == [
        "#", "paper", "verdict", "code", "weights", "data", "stars", "flags", "links",
    ]  # fmt: skip


def test_narrow_table_folds_claims_and_keeps_verdict_and_links_whole() -> None:
    table = papers_table([PAPER], width=120)
    assert [c.header for c in table.columns] == ["#", "paper / verdict", "claims", "links"]
    text = render(120)
    assert "→ promised — due in 90 days" in text
    assert "code promised" in text and "weights released" in text and "data none" not in text
    assert "https://github.com/lab/sparse" in text.replace("│", "").replace("\n", "").replace(
        " ", ""
    )
