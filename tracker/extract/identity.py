"""Paper identity: arXiv ID (any written form) > DOI > normalized title."""

from __future__ import annotations

import re
import unicodedata

_ARXIV_NEW = re.compile(
    r"(?:arxiv[:\s]*|arxiv\.org/(?:abs|pdf|html)/|hf\.co/papers/|huggingface\.co/papers/)?"
    r"(?<![\d.])(\d{4}\.\d{4,5})(?:v\d+)?(?![\d])",
    re.I,
)
_ARXIV_OLD = re.compile(
    r"(?:arxiv[:\s]*|arxiv\.org/(?:abs|pdf)/)?\b([a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?", re.I
)
_DOI = re.compile(r"\b(10\.\d{4,9}/[^\s\"<>]+)", re.I)


def arxiv_id(text: str | None) -> str | None:
    """The bare arXiv ID in `text` (`arXiv:2401.12345v2`, an abs/pdf URL...), no version."""
    if not text:
        return None
    m = _ARXIV_NEW.search(text)
    if m:
        return m.group(1)
    m = _ARXIV_OLD.search(text)
    return m.group(1).lower() if m else None


def doi(text: str | None) -> str | None:
    if not text:
        return None
    m = _DOI.search(text)
    return m.group(1).rstrip(".,;)").lower() if m else None


_WORD = re.compile(r"[a-z0-9]+")
_WORD_BYTES = bytes(
    c if chr(c) in "abcdefghijklmnopqrstuvwxyz0123456789" else 32 for c in range(256)
)
"""Every byte that `_WORD` does not match, turned into a space."""


def normalize_title(title: str) -> str:
    """Lower-case ASCII words only, so punctuation, case and accents do not split a paper."""
    if title.isascii():  # NFKD and the ASCII fold leave ASCII as it is; bytes ops run in C
        return b" ".join(title.encode().lower().translate(_WORD_BYTES).split()).decode()
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    return " ".join(_WORD.findall(folded.lower()))


def paper_key(arxiv: str | None, doi_: str | None, title: str) -> str:
    if arxiv:
        return f"arxiv:{arxiv}"
    if doi_:
        return f"doi:{doi_}"
    return f"title:{normalize_title(title)}"
