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
"""

from __future__ import annotations

import unicodedata

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
