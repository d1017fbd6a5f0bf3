"""Stored text made fit for a person to read: the one rule every human-facing format applies.

Titles, URLs, messages and evidence come from listings, papers and web pages anyone can write.
Printed raw, an ESC sequence clears the screen, retitles the window or plants a hidden OSC 8
link; a bidirectional override (U+202E) or a zero-width character makes text read as something
it is not. `printable` removes every character Unicode does not draw, by category:

- Cc, control characters (C0, DEL, C1), except newline and tab, which layout uses;
- Cf, format characters: bidirectional embeddings, overrides and isolates (U+202A–U+202E,
  U+2066–U+2069, marks), zero-width spaces and joiners, the BOM, soft hyphens, tag characters;
- Cs, lone surrogates (left by undecodable input);

and turns line and paragraph separators (Zl, Zp) into newlines. Everything visible, in any
script, is kept. Exports for programs (CSV, JSON) keep the data as read instead: their own
quoting and escaping already carry any character safely.

JSON that a command prints (`report`, `show`, `diff --format json`) reaches a terminal as often
as a program, and `json.dumps(..., ensure_ascii=False)` leaves DEL, C1 controls and format
characters raw. `json_text` escapes exactly those (and the separators) as `\\uXXXX`: a parser
reads the same data, a terminal shows six harmless characters.
"""

from __future__ import annotations

import json
import re
import unicodedata
from typing import Any

from rich.text import Text

_KEPT_CONTROLS = frozenset("\n\t")
_DROPPED = frozenset(("Cc", "Cf", "Cs"))
_LINE_BREAKS = frozenset(("Zl", "Zp"))


def _visible(c: str) -> str:
    if c in _KEPT_CONTROLS:
        return c
    category = unicodedata.category(c)
    if category in _DROPPED:
        return ""
    return "\n" if category in _LINE_BREAKS else c


def printable(text: object) -> str:
    """`text` without the characters that act on a terminal or hide in a line (see above)."""
    s = "" if text is None else str(text)
    if s.isprintable():  # the common case: nothing outside letters, marks, symbols and spaces
        return s
    return "".join(c if c.isprintable() else _visible(c) for c in s)


def rich_text(text: object) -> Text:
    """A terminal cell: printable text, never read as rich markup (`[bold]` stays literal)."""
    return Text(printable(text))


_NOT_ASCII_TEXT = re.compile(r"[^\n\t\x20-\x7e]")


def _json_escape(match: re.Match[str]) -> str:
    c = match.group()
    if unicodedata.category(c) not in _DROPPED | _LINE_BREAKS:
        return c
    code = ord(c)
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    code -= 0x10000
    return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"


def json_text(doc: Any) -> str:
    """`doc` as indented JSON whose every character is printable or an escape: the same data
    for a parser, nothing that acts on a terminal (see the module docstring)."""
    return _NOT_ASCII_TEXT.sub(_json_escape, json.dumps(doc, ensure_ascii=False, indent=1))
