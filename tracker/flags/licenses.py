"""Which license a repository claims in prose or package metadata, as SPDX ids.

`license_mismatch` compares these claims with the license GitHub detects in the LICENSE file, so
the parser looks only where authors state their own license (a README "License" section, a
"licensed under" sentence, a license badge, `license` fields of package files) and never at every
license name in the text: an awesome list mentions dozens of other projects' licenses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

_NAMES: tuple[tuple[str, str], ...] = (
    (r"apache(?:[- ]license)?(?:,? (?:version |v)?2(?:\.0)?)|apache-2\.0", "Apache-2.0"),
    (r"mit(?: license)?", "MIT"),
    (r"bsd[- ]3[- ]clause|(?:new|modified|3-clause) bsd", "BSD-3-Clause"),
    (r"bsd[- ]2[- ]clause|simplified bsd", "BSD-2-Clause"),
    (r"(?:gnu )?agpl(?:[- ]?v?3(?:\.0)?)?|affero", "AGPL-3.0"),
    (r"(?:gnu )?lgpl(?:[- ]?v?3(?:\.0)?)|lesser general public license v(?:ersion )?3", "LGPL-3.0"),
    (r"(?:gnu )?gpl[- ]?v?3(?:\.0)?|gnu general public license v(?:ersion )?3", "GPL-3.0"),
    (r"(?:gnu )?gpl[- ]?v?2(?:\.0)?|gnu general public license v(?:ersion )?2", "GPL-2.0"),
    (r"mpl[- ]?2(?:\.0)?|mozilla public license(?: 2\.0)?", "MPL-2.0"),
    (r"cc[- ]by[- ]nc[- ]sa(?:[- ]4\.0)?", "CC-BY-NC-SA-4.0"),
    (r"cc[- ]by[- ]nc(?:[- ]4\.0)?", "CC-BY-NC-4.0"),
    (r"cc[- ]by[- ]sa(?:[- ]4\.0)?", "CC-BY-SA-4.0"),
    (r"cc[- ]by(?:[- ]4\.0)?", "CC-BY-4.0"),
    (r"unlicense", "Unlicense"),
)
_ANY_NAME = "|".join(f"(?:{rx})" for rx, _ in _NAMES)
_SENTENCE = re.compile(
    rf"(?:licen[cs]ed under|released under|distributed under|licen[cs]e\s*[:=]\s*\**)"
    rf"\s*(?:the\s+)?\**({_ANY_NAME})\b",
    re.I,
)
_BADGE = re.compile(r"shields\.io/badge/licen[cs]e-([A-Za-z0-9.]+(?:--[A-Za-z0-9.]+)*)", re.I)
_SECTION = re.compile(r"^#{1,6}\s*licen[cs]e\b[^\n]*\n+(.{0,400})", re.I | re.M | re.S)
_FIELD = re.compile(
    r"""["']?license["']?\s*[:=]\s*(?:\{\s*text\s*=\s*)?["']([^"'\n]{1,64})["']""", re.I
)


def spdx_of(name: str) -> str | None:
    """The SPDX id for a license name as people write it, or None when not recognised."""
    text = name.strip().strip("*").replace("--", "-").replace("_", " ")
    for rx, spdx in _NAMES:
        if re.fullmatch(rf"(?:the\s+)?(?:{rx})(?:\s+license)?", text, re.I):
            return spdx
    return None


def _section_claims(readme: str) -> list[str]:
    found: list[str] = []
    for m in _SECTION.finditer(readme):
        first_words = re.search(rf"\b({_ANY_NAME})\b", m.group(1), re.I)
        if first_words:
            found.append(first_words.group(1))
    return found


def claimed_licenses(
    readme: str, package_files: Mapping[str, str] | None = None
) -> tuple[str, ...]:
    """SPDX ids that a README and package files (`pyproject.toml`, `setup.py`, `package.json`,
    `setup.cfg`, `Cargo.toml`) state for the repository, each once, in order of appearance."""
    names = [m.group(1) for m in _SENTENCE.finditer(readme)]
    names += [m.group(1).replace("--", "-") for m in _BADGE.finditer(readme)]
    names += _section_claims(readme)
    for text in (package_files or {}).values():
        names += [m.group(1) for m in _FIELD.finditer(text)]
    out: list[str] = []
    for name in names:
        spdx = spdx_of(name)
        if spdx and spdx not in out:
            out.append(spdx)
    return tuple(out)


def same_license(a: str, b: str) -> bool:
    """Whether two SPDX ids name the same license (`GPL-3.0-only` is `GPL-3.0`)."""

    def base(x: str) -> str:
        return re.sub(r"-(?:only|or-later)$|\+$", "", x.strip()).lower()

    return base(a) == base(b)
