"""Which license a repository claims in prose or package metadata, as SPDX ids.

`license_mismatch` compares these claims with the license GitHub detects in the LICENSE file, so
the parser looks only where authors state their own license (a README "License" section, a
"licensed under" sentence, a license badge, `license` fields of package files) and never at every
license name in the text: an awesome list mentions dozens of other projects' licenses.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Callable, Mapping

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
    (r"cc[- ]by[- ]nc[- ]nd(?:[- ]4\.0)?", "CC-BY-NC-ND-4.0"),
    (r"cc[- ]by[- ]nd(?:[- ]4\.0)?", "CC-BY-ND-4.0"),
    (r"cc[- ]by[- ]nc[- ]sa(?:[- ]4\.0)?", "CC-BY-NC-SA-4.0"),
    (r"cc[- ]by[- ]nc(?:[- ]4\.0)?", "CC-BY-NC-4.0"),
    (r"cc[- ]by[- ]sa(?:[- ]4\.0)?", "CC-BY-SA-4.0"),
    (r"cc[- ]by(?:[- ]4\.0)?", "CC-BY-4.0"),
    (r"unlicense", "Unlicense"),
    (r"creativeml[- ]openrail[- ]m", "LicenseRef-CreativeML-OpenRAIL-M"),
    (r"bigscience[- ]openrail[- ]m", "LicenseRef-BigScience-OpenRAIL-M"),
    (r"bigcode[- ]openrail[- ]m", "LicenseRef-BigCode-OpenRAIL-M"),
    (r"openrail\+\+", "LicenseRef-OpenRAIL++"),
    (r"openrail[- ]m", "LicenseRef-OpenRAIL-M"),
    (r"openrail", "LicenseRef-OpenRAIL"),
    *(
        (
            rf"(?:meta[- ])?llama[- ]?{re.escape(v)}(?: community license(?: agreement)?)?",
            f"LicenseRef-Llama{v}",
        )
        for v in ("3.1", "3.2", "3.3", "2", "3", "4")
    ),
)
# SPDX ids (and the Hugging Face Hub's license ids) that the name table above does not spell,
# matched whole and case-insensitively: package metadata writes these verbatim.
_IDS: dict[str, str] = {
    spdx.lower(): spdx
    for spdx in [
        "GPL-2.0-only",
        "GPL-2.0-or-later",
        "GPL-3.0-only",
        "GPL-3.0-or-later",
        "LGPL-2.1",
        "LGPL-2.1-only",
        "LGPL-2.1-or-later",
        "LGPL-3.0-only",
        "LGPL-3.0-or-later",
        "AGPL-3.0-only",
        "AGPL-3.0-or-later",
        "BSD-3-Clause-Clear",
        "BSD-2-Clause-Patent",
        "0BSD",
        "ISC",
        "Zlib",
        "BSL-1.0",
        "CC0-1.0",
        "EPL-1.0",
        "EPL-2.0",
        "MPL-1.1",
        "WTFPL",
        "AFL-3.0",
        "Artistic-2.0",
        "ECL-2.0",
        "EUPL-1.1",
        "EUPL-1.2",
        "OFL-1.1",
        "OSL-3.0",
        "PostgreSQL",
        "NCSA",
        "MS-PL",
        "PDDL-1.0",
        "ODbL-1.0",
        "ODC-By-1.0",
        "CDLA-Permissive-1.0",
        "CDLA-Permissive-2.0",
        "CDLA-Sharing-1.0",
        "LPPL-1.3c",
        "Etalab-2.0",
        "Apache-1.1",
        "Python-2.0",
        "CC-BY-2.0",
        "CC-BY-2.5",
        "CC-BY-3.0",
        "CC-BY-SA-3.0",
        "CC-BY-NC-2.0",
        "CC-BY-NC-3.0",
        "CC-BY-NC-SA-2.0",
        "CC-BY-NC-SA-3.0",
        "CC-BY-NC-ND-3.0",
        "CC-BY-ND-3.0",
    ]
} | {
    "lgpl-2.1": "LGPL-2.1",
    "bsd-3-clause": "BSD-3-Clause",
    "bsd-2-clause": "BSD-2-Clause",
    "odbl": "ODbL-1.0",
    "odc-by": "ODC-By-1.0",
    "pddl": "PDDL-1.0",
    "bigscience-bloom-rail-1.0": "LicenseRef-BigScience-BLOOM-RAIL-1.0",
    "deepfloyd-if-license": "LicenseRef-DeepFloyd-IF",
    "gemma": "LicenseRef-Gemma",
    "apple-ascl": "LicenseRef-Apple-ASCL",
    "c-uda": "LicenseRef-C-UDA",
}
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


_FULL_NAMES = tuple(
    (re.compile(rf"(?:the\s+)?(?:{rx})(?:\s+license)?", re.I), spdx) for rx, spdx in _NAMES
)


def spdx_of(name: str) -> str | None:
    """The SPDX id for a license name as people write it, or None when not recognised."""
    text = name.strip().strip("*").replace("--", "-").replace("_", " ")
    if len(text) > 200:
        return None
    for full, spdx in _FULL_NAMES:
        if full.fullmatch(text):
            return spdx
    lower = text.lower()
    return _IDS.get(lower) or _IDS.get(lower.replace(" ", "-"))


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


# --- package metadata ------------------------------------------------------------------------

# Trove classifiers name licenses in their own words; the ones with one clear SPDX id.
_CLASSIFIERS: dict[str, str] = {
    "mit license": "MIT",
    "mit no attribution license (mit-0)": "MIT-0",
    "apache software license": "Apache-2.0",
    "bsd license": "",  # which BSD is not said
    "isc license (iscl)": "ISC",
    "the unlicense (unlicense)": "Unlicense",
    "mozilla public license 2.0 (mpl 2.0)": "MPL-2.0",
    "gnu general public license v2 (gplv2)": "GPL-2.0",
    "gnu general public license v2 or later (gplv2+)": "GPL-2.0-or-later",
    "gnu general public license v3 (gplv3)": "GPL-3.0",
    "gnu general public license v3 or later (gplv3+)": "GPL-3.0-or-later",
    "gnu lesser general public license v2 (lgplv2)": "LGPL-2.0",
    "gnu lesser general public license v3 (lgplv3)": "LGPL-3.0",
    "gnu affero general public license v3": "AGPL-3.0",
    "gnu affero general public license v3 or later (agplv3+)": "AGPL-3.0-or-later",
    "boost software license 1.0 (bsl-1.0)": "BSL-1.0",
    "zlib/libpng license": "Zlib",
    "eclipse public license 2.0 (epl-2.0)": "EPL-2.0",
}
_CLASSIFIER = re.compile(r"License\s*::\s*(?:OSI Approved\s*::\s*)?([^\"'\n,\]]{1,100})")
_SETUP_PY = re.compile(r"""(?<![\w.])license\s*=\s*(?:[rbuRBU]?)(["'])([^"'\n]{1,100})\1""")
_CFG_SECTION = re.compile(r"^\s*\[([^\]\n]{1,100})\]", re.M)
_CFG_LICENSE = re.compile(r"^license\s*[=:]\s*([^\n#;]{1,100})", re.M | re.I)
_YAML_LICENSE = re.compile(r"""^[ \t]{0,12}license[ \t]*:[ \t]*["']?([^"'\n#]{1,100})""", re.M)
_R_LICENSE = re.compile(r"^License:[ \t]*([^\n]{1,200})", re.M)
_JSON_LICENSE = re.compile(r""""license"\s*:\s*"([^"\n]{1,100})\"""")
_EXPRESSION_SPLIT = re.compile(r"\s+(?:OR|AND|WITH)\s+|\s*[|/]\s*|\s*\+\s*", re.I)
_FRONT_KEY = re.compile(r"""([A-Za-z_]{1,40})[ \t]*:[ \t]*["']?([^"'\n#]{0,120})""")
_R_NAMES = {
    "gpl-2": "GPL-2.0",
    "gpl-3": "GPL-3.0",
    "gpl (>= 2)": "GPL-2.0-or-later",
    "gpl (>= 3)": "GPL-3.0-or-later",
    "gpl (>= 2.0)": "GPL-2.0-or-later",
    "gpl (>= 3.0)": "GPL-3.0-or-later",
    "lgpl-2": "LGPL-2.0",
    "lgpl-2.1": "LGPL-2.1",
    "lgpl-3": "LGPL-3.0",
    "lgpl (>= 2.1)": "LGPL-2.1-or-later",
    "lgpl (>= 3)": "LGPL-3.0-or-later",
    "agpl-3": "AGPL-3.0",
    "apache license (== 2.0)": "Apache-2.0",
    "apache license (>= 2)": "Apache-2.0",
    "apache license 2.0": "Apache-2.0",
    "bsd_3_clause": "BSD-3-Clause",
    "bsd_2_clause": "BSD-2-Clause",
    "cc by 4.0": "CC-BY-4.0",
    "cc by-nc 4.0": "CC-BY-NC-4.0",
    "cc by-nc-sa 4.0": "CC-BY-NC-SA-4.0",
    "cc0": "CC0-1.0",
}


def _ids(value: str) -> list[str]:
    """SPDX ids named by a metadata value: a name, an id, or an expression of them
    (`MIT OR Apache-2.0`, Cargo's old `MIT/Apache-2.0`, R's `MIT + file LICENSE`)."""
    out: list[str] = []
    for part in _EXPRESSION_SPLIT.split(value.strip()[:200]):
        part = part.strip()
        if part.startswith("(") and part.endswith(")"):
            part = part[1:-1].strip()
        if not part or part.lower() in ("file license", "file licence"):
            continue
        spdx = spdx_of(part) or _R_NAMES.get(part.lower())
        if spdx and spdx not in out:
            out.append(spdx)
    return out


def _classifier_ids(text: str) -> list[str]:
    out: list[str] = []
    for m in _CLASSIFIER.finditer(text):
        name = m.group(1).strip().lower()
        spdx = _CLASSIFIERS.get(name)
        if spdx is None:
            spdx = spdx_of(name) or ""
        if spdx:
            out.append(spdx)
    return out


def _toml(text: str) -> dict[str, object]:
    try:
        return tomllib.loads(text)
    except Exception:  # malformed or pathologically nested files state nothing
        return {}


def _table(doc: Mapping[str, object], *keys: str) -> Mapping[str, object]:
    node: object = doc
    for key in keys:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node if isinstance(node, Mapping) else {}


def _pyproject(text: str) -> list[str]:
    doc = _toml(text)
    project = _table(doc, "project")
    values: list[str] = []
    for key in ("license", "license-expression"):
        value = project.get(key)
        if isinstance(value, str):
            values.append(value)
        elif isinstance(value, Mapping) and isinstance(value.get("text"), str):
            values.append(str(value["text"]))
    poetry = _table(doc, "tool", "poetry").get("license")
    if isinstance(poetry, str):
        values.append(poetry)
    found = [spdx for v in values for spdx in _ids(v)]
    classifiers = project.get("classifiers")
    if isinstance(classifiers, list):
        found += _classifier_ids("\n".join(c for c in classifiers if isinstance(c, str)))
    return found


def _cargo(text: str) -> list[str]:
    value = _table(_toml(text), "package").get("license")
    return _ids(value) if isinstance(value, str) else []


def _setup_cfg(text: str) -> list[str]:
    found: list[str] = []
    sections = list(_CFG_SECTION.finditer(text))
    for i, m in enumerate(sections):
        if m.group(1).strip().lower() != "metadata":
            continue
        end = sections[i + 1].start() if i + 1 < len(sections) else len(text)
        body = text[m.end() : end]
        for lic in _CFG_LICENSE.finditer(body):
            found += _ids(lic.group(1))
        found += _classifier_ids(body)
    return found


def _package_json(text: str) -> list[str]:
    try:
        doc = json.loads(text)
    except Exception:  # malformed or pathologically nested: fall back to the field itself
        return [s for m in _JSON_LICENSE.finditer(text[:100_000]) for s in _ids(m.group(1))]
    if not isinstance(doc, dict):
        return []
    values: list[object] = [doc.get("license")]
    legacy = doc.get("licenses")
    if isinstance(legacy, list):
        values += legacy
    found: list[str] = []
    for value in values:
        if isinstance(value, Mapping):
            value = value.get("type")
        if isinstance(value, str):
            found += _ids(value)
    return found


def _front_matter(text: str) -> dict[str, str]:
    """Top-level scalar keys of a Markdown file's YAML front matter (`---` ... `---`)."""
    lines = text.split("\n", 400)[:400]
    if not lines or lines[0].strip() != "---":
        return {}
    keys: dict[str, str] = {}
    last = ""
    for line in lines[1:]:
        if line.strip() in ("---", "..."):
            return keys
        m = _FRONT_KEY.match(line)
        if m:
            last = m.group(1).lower()
            keys.setdefault(last, m.group(2).strip())
        elif last and not keys.get(last) and line.lstrip().startswith("- "):
            keys[last] = line.lstrip()[2:].strip().strip("\"'")
    return {}


def _license_ref(name: str) -> str:
    return "LicenseRef-" + (re.sub(r"[^A-Za-z0-9.]+", "-", name).strip("-.") or "other")


def _model_card(text: str) -> list[str]:
    meta = _front_matter(text)
    value = meta.get("license", "")
    if not value or value.lower() == "unknown":
        return []
    if value.lower() == "other":
        name = meta.get("license_name", "")
        if not name:
            return [_license_ref("other")]
        return [spdx_of(name) or _license_ref(name)]
    return [spdx_of(value) or _license_ref(value)]


def _conda(text: str) -> list[str]:
    values = dict.fromkeys(m.group(1) for m in _YAML_LICENSE.finditer(text))
    return [s for v in values for s in _ids(v)]


def _description(text: str) -> list[str]:
    m = _R_LICENSE.search(text)
    return _ids(m.group(1)) if m else []


def _setup_py(text: str) -> list[str]:
    found = [s for m in _SETUP_PY.finditer(text) for s in _ids(m.group(2))]
    return found + _classifier_ids(text)


def _reader(path: str) -> Callable[[str], list[str]] | None:
    name = path.replace("\\", "/").rsplit("/", 1)[-1].lower()
    if name in ("meta.yaml", "meta.yml", "environment.yml", "environment.yaml"):
        return _conda
    return {
        "setup.py": _setup_py,
        "setup.cfg": _setup_cfg,
        "pyproject.toml": _pyproject,
        "package.json": _package_json,
        "cargo.toml": _cargo,
        "description": _description,
        "readme.md": _model_card,
    }.get(name)


def package_license_claims(files: Mapping[str, str]) -> tuple[tuple[str, str], ...]:
    """(path, SPDX id) per package metadata file that states a license, in the files' order.

    Reads setup.py (`license=` and `License ::` classifiers), setup.cfg (`[metadata] license`),
    pyproject.toml (`[project] license` as a string, `{text = ...}` or `license-expression`, and
    `[tool.poetry] license`), package.json, Cargo.toml, R's DESCRIPTION, conda's meta.yaml or
    environment file, and a Hugging Face model card (README.md front matter `license:`; for
    `license: other`, its `license_name`, mapped when known, else `LicenseRef-<name>`). An
    expression (`MIT OR Apache-2.0`) gives each id. Names that map to no id are left out:
    only the model card, whose field is the Hub's license menu, keeps an unknown name, because
    "other" there is itself a statement that the terms are custom.
    """
    out: list[tuple[str, str]] = []
    for path, text in files.items():
        read = _reader(path)
        if read is None:
            continue
        seen: set[str] = set()
        for spdx in read(text):
            if spdx not in seen:
                seen.add(spdx)
                out.append((path, spdx))
    return tuple(out)


# --- restrictive terms -----------------------------------------------------------------------

_NC = r"non-?commercial"
_RESTRICTIVE = re.compile(
    "|".join(
        (
            r"\bcc[- ]by[- ](?:nc[- ]nd|nc[- ]sa|nc|nd)(?:[- ]\d\.\d)?\b",
            r"\battribution[- ](?:non-?commercial|no-?derivatives|no-?derivs)"
            r"(?:[- ](?:share-?alike|no-?derivatives|no-?derivs))?(?:[ -]\d\.\d(?: international)?)?",
            r"\b(?:only|solely|exclusively)\s+(?:be\s+used\s+)?for\s+(?:your\s+)?(?:internal\s+)?"
            rf"(?:(?:{_NC}\s+(?:research\s+)?(?:use|uses|purposes?))"
            r"|(?:research|academic|scientific|educational|evaluation|personal)"
            r"(?:\s+(?:and|or)\s+(?:research|academic|scientific|educational|evaluation))?"
            r"(?:\s+(?:research|use|uses|purposes?)){0,2})",
            rf"\bfor\s+(?:{_NC})(?:\s+(?:and|or)\s+(?:research|academic|scientific|educational))?"
            r"(?:\s+(?:research|academic|scientific|educational))?\s+(?:use|uses|purposes?)"
            r"(?:\s+only)?",
            rf"\b(?:{_NC}|research|academic|scientific|educational|evaluation)"
            rf"(?:\s+(?:and|or|/)\s+(?:{_NC}|research|academic|scientific|educational|evaluation))?"
            r"\s+(?:use|purposes?)\s+only\b",
            r"\bevaluation\s+only\b",
            r"\b(?:not\s+(?:be\s+)?(?:intended\s+|licensed\s+|permitted\s+|allowed\s+)?for|no)"
            r"\s+(?:any\s+)?commercial\s+(?:use|uses|purposes?|exploitation)",
            r"\b(?:may|must|shall|can|could|will)\s*not\s+be\s+used\s+(?:for|in)\s+(?:any\s+)?"
            r"commercial\s+(?:purposes?|use|uses|applications?|products?|settings?|services?)",
            r"\b(?:cannot|can't|may\s+not|must\s+not|shall\s+not)\s+be\s+used\s+commercially",
            r"\bcommercial\s+(?:use|usage|purposes?)\s+(?:is\s+|are\s+)?(?:strictly\s+)?"
            r"(?:prohibited|forbidden|not\s+(?:permitted|allowed))",
            r"\bprohibits?\s+(?:any\s+)?commercial\s+(?:use|usage)",
            rf"\b(?:only|solely|exclusively)\s+(?:be\s+used\s+)?for\s+(?:{_NC})\s+"
            r"(?:research|teaching|academic|educational|scientific)\b",
            r"\bcommercial\s+(?:use|usage|exploitation)\b[^.;]{0,100}?\b(?:is|are)\s+"
            r"(?:strictly\s+)?(?:prohibited|forbidden|not\s+(?:permitted|allowed))",
            r"\bno\s+derivative\s+works?\b|\bno-?derivatives\b",
            r"\b(?:may|must|shall)\s+not\s+(?:create|make|distribute|share|modify)"
            r"(?:\s+(?:or|and|any|,)\s*\w{1,12}){0,3}\s+derivative\s+works?",
        )
    ),
    re.I,
)
_RESTRICTIVE_ID = re.compile(r"cc-by-(?:nc|nd|nc-nd|nc-sa)(?:-[\d.]+)?(?:-[a-z]{2,})?", re.I)


def restrictive_terms(text: str) -> str | None:
    """The phrase that makes a license text restrictive, as written (whitespace folded, at most
    120 characters), or None.

    Restrictive means it withholds what an open release needs: commercial use (CC BY-NC, "for
    non-commercial research purposes only", "may not be used for commercial purposes"),
    derivatives (CC BY-ND, "no derivative works"), or any use beyond research, teaching or
    evaluation ("academic use only", "evaluation only"). Every pattern carries its own limiting
    word (only, not, no, non-commercial), so permissive texts that grant commercial use ("for
    any purpose, including commercial", "to sell copies") are not matched.
    """
    folded = " ".join(text.split())
    m = _RESTRICTIVE.search(folded)
    return m.group(0)[:120] if m else None


def is_restrictive_spdx(spdx: str) -> bool:
    """Whether an SPDX id alone withholds commercial use or derivatives: the Creative Commons
    NonCommercial and NoDerivatives licenses (CC-BY-NC-*, CC-BY-ND-*, CC-BY-NC-ND-*,
    CC-BY-NC-SA-*), also as `LicenseRef-` names. Other custom licenses (Llama, OpenRAIL, any
    unknown `LicenseRef-`) are not judged by their id: their text decides (`restrictive_terms`).
    """
    name = spdx.strip()
    if name[:11].lower() == "licenseref-":
        name = name[11:]
    return bool(_RESTRICTIVE_ID.fullmatch(name.replace("_", "-").replace(" ", "-")))


_TEXT_IDS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(rx, re.I), spdx)
    for rx, spdx in (
        (r"attribution-noncommercial-sharealike\s+4\.0", "CC-BY-NC-SA-4.0"),
        (r"attribution-noncommercial-noderivatives\s+4\.0", "CC-BY-NC-ND-4.0"),
        (r"attribution-noncommercial\s+4\.0", "CC-BY-NC-4.0"),
        (r"attribution-noderivatives\s+4\.0", "CC-BY-ND-4.0"),
        (r"attribution-sharealike\s+4\.0", "CC-BY-SA-4.0"),
        (
            r"creative\s+commons\s+attribution\s+4\.0|\battribution\s+4\.0\s+international",
            "CC-BY-4.0",
        ),
        (r"gnu\s+affero\s+general\s+public\s+license", "AGPL-3.0"),
        (r"gnu\s+lesser\s+general\s+public\s+license\s+version\s+3", "LGPL-3.0"),
        (r"gnu\s+general\s+public\s+license\s+version\s+3", "GPL-3.0"),
        (r"gnu\s+general\s+public\s+license\s+version\s+2", "GPL-2.0"),
        (r"apache\s+license,?\s+version\s+2\.0", "Apache-2.0"),
        (r"mozilla\s+public\s+license,?\s+(?:version\s+)?2\.0", "MPL-2.0"),
        (
            r"free\s+and\s+unencumbered\s+software\s+released\s+into\s+the\s+public\s+domain",
            "Unlicense",
        ),
        (r"\bmit\s+license\b|permission\s+is\s+hereby\s+granted,\s+free\s+of\s+charge", "MIT"),
    )
)
_BSD = re.compile(r"redistribution\s+and\s+use\s+in\s+source\s+and\s+binary\s+forms", re.I)
_BSD_THIRD = re.compile(r"neither\s+the\s+name", re.I)
TEXT_HEAD = 3000
"""Characters of a license file read to identify it: every license names itself early."""


def license_of_text(text: str) -> str | None:
    """The SPDX id a license file's text shows, for the files GitHub cannot identify
    (`NOASSERTION`): its title or its opening grant, read from the first characters only."""
    head = text[:TEXT_HEAD]
    for rx, spdx in _TEXT_IDS:
        if rx.search(head):
            return spdx
    if _BSD.search(head):
        return "BSD-3-Clause" if _BSD_THIRD.search(text[: TEXT_HEAD * 2]) else "BSD-2-Clause"
    return None
