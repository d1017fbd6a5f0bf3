"""Every link and image of the README and docs/ that points inside the repository leads
somewhere: a file that exists, a heading that exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _prose(text: str) -> str:
    """The text outside code blocks and inline code, where links are links."""
    text = re.sub(r"```.*?```", "", text, flags=re.S)
    return re.sub(r"`[^`\n]*`", "", text)


def anchor(heading: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _anchors(text: str) -> set[str]:
    code_free = re.sub(r"```.*?```", "", text, flags=re.S)
    return {anchor(h) for h in re.findall(r"^#+ (.+)$", code_free, re.M)}


def test_anchor_follows_githubs_rule() -> None:
    assert anchor("Use it from another repository") == "use-it-from-another-repository"
    assert anchor("`tracker run`") == "tracker-run"
    assert anchor("Scale out: a matrix of shards") == "scale-out-a-matrix-of-shards"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_local_links_and_images_resolve(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(_prose(text)):
        if re.match(r"[a-z]+:", target):
            continue  # https:, mailto: ...: not ours to check offline
        path, _, fragment = target.partition("#")
        where = (page.parent / path).resolve() if path else page
        if not where.is_file():
            broken.append(f"{target}: no file {where.relative_to(ROOT)}")
        elif fragment and fragment not in _anchors(where.read_text(encoding="utf-8")):
            broken.append(f"{target}: no heading #{fragment} in {where.relative_to(ROOT)}")
    assert not broken, broken
