"""Documents a README sends its reader to inside the same repository (`MODEL_ZOO.md`,
`docs/TRAINING.md`, `GETTING_STARTED.md`): where many ML repositories keep their trained models,
their tables of results and the commands that train and evaluate.

The check stage reads up to `MAX_LINKED_DOCS` of them beside the README
(`tracker.check.evidence.docs_to_read`) and stores them with the other evidence files; the flag
run reads them as part of the README (`tracker.flags.checklist`, `tracker.flags.weights`), and a
linked document that was not read is evidence not seen, never evidence of absence. Pure: README
text and tree paths in, paths out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from urllib.parse import unquote

MAX_LINKED_DOCS = 4
"""Documents read per repository: the most relevant first (`_RELEVANT`), the rest unread."""
STORED_CHARS = 65536
"""Evidence files, linked documents among them, are stored up to this many characters
(`tracker.check.evidence.MAX_FILE_CHARS`); a document this long was read only in part."""
DOC_SUFFIXES = (".md", ".markdown", ".mdown", ".rst", ".txt")
_NOT_READ = re.compile(
    r"^(?:contributing|code[_-]of[_-]conduct|licen[cs]e|copying|notice|changelog|changes"
    r"|history|news|security|support|citation|authors|contributors|maintainers|governance"
    r"|third[_-]party|acknowledg(?:e)?ments?|faq|requirements[\w.-]*)(?:\.\w+)?$",
    re.I,
)
"""Documents that say who may do what, not how the work is reproduced; `requirements*.txt`
is dependency evidence the tree already gives."""
_RELEVANT = re.compile(
    r"model|zoo|checkpoint|ckpt|weight|pre-?train|train|fine-?tun|eval|test|result|benchmark"
    r"|reproduc|experiment|getting[_ -]?started|get[_ -]?started|usage|inference|install"
    r"|quick[_ -]?start|demo|leaderboard|performance",
    re.I,
)
_MD_LINK = re.compile(r"\[([^\]\n]{0,300})\]\(\s*<?([^)\s>]+)>?(?:\s+(?:\"[^\"]*\"|'[^']*'))?\s*\)")
_REF_LINK = re.compile(r"^\s{0,3}\[([^\]\n]{1,300})\]:\s*<?(\S+?)>?(?:\s+.*)?$", re.M)
_HTML_LINK = re.compile(r"<a\s[^>]*?href\s*=\s*[\"']([^\"']+)[\"'][^>]*>([^<]{0,300})", re.I)
_RST_LINK = re.compile(r"`([^`<\n]{0,300})<([^>`\s]+)>`_{1,2}")
_BLOB = re.compile(r"^https?://github\.com/([^/]+/[^/]+)/(?:blob|tree|raw)/[^/]+/(.+)$", re.I)


@dataclass(frozen=True, slots=True)
class DocLink:
    """One in-repository document the README links, and the line that links it."""

    path: str
    line: str


def _target(raw: str, full_name: str) -> str | None:
    """The repository path a link target names, or None for a link elsewhere."""
    url = raw.strip().split("#", 1)[0].split("?", 1)[0]
    if not url:
        return None
    blob = _BLOB.match(url)
    if blob:
        if not full_name or blob.group(1).lower() != full_name.lower():
            return None
        url = blob.group(2)
    elif re.match(r"^[a-z][a-z0-9+.-]*:", url, re.I) or url.startswith("//"):
        return None
    parts: list[str] = []
    for part in unquote(url).lstrip("/").split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            return None  # the root README cannot leave the repository
        parts.append(part)
    return "/".join(parts) or None


def _line_at(text: str, at: int) -> str:
    start = text.rfind("\n", 0, at) + 1
    end = text.find("\n", at)
    return text[start : end if end >= 0 else len(text)].strip()


def _links(readme: str) -> Iterable[tuple[int, str, str]]:
    """(offset, link text, target) of every link form a README writes."""
    for m in _MD_LINK.finditer(readme):
        yield m.start(), m.group(1), m.group(2)
    for m in _REF_LINK.finditer(readme):
        yield m.start(), m.group(1), m.group(2)
    for m in _HTML_LINK.finditer(readme):
        yield m.start(), m.group(2), m.group(1)
    for m in _RST_LINK.finditer(readme):
        yield m.start(), m.group(1), m.group(2)


def is_doc(path: str) -> bool:
    """Whether a repository path is a document a README may send its reader to."""
    name = path.rsplit("/", 1)[-1]
    return name.lower().endswith(DOC_SUFFIXES) and not _NOT_READ.match(name)


def linked_docs(readme: str, paths: Iterable[str], full_name: str = "") -> tuple[DocLink, ...]:
    """The documents of this repository's tree that the README links, each once: those whose
    path or link text names models, results, training or evaluation first, then the rest in
    README order. Links to the README itself, to folders, to other repositories and to
    documents the tree does not hold are left out (`full_name` recognises the repository's own
    `github.com/<owner>/<name>/blob/...` links)."""
    files = {p for p in paths if not p.endswith("/")}
    root_readmes = {p for p in files if "/" not in p and p.lower().startswith("readme.")}
    found: dict[str, tuple[int, int, DocLink]] = {}
    for at, text, raw in sorted(_links(readme)):
        path = _target(raw, full_name)
        if path is None or path not in files or path in root_readmes or not is_doc(path):
            continue
        if path not in found:
            rank = 0 if _RELEVANT.search(path) or _RELEVANT.search(text) else 1
            found[path] = (rank, len(found), DocLink(path, _line_at(readme, at)))
    return tuple(d for _, _, d in sorted(found.values(), key=lambda v: (v[0], v[1])))


def read_in_part(text: str) -> bool:
    """Whether a stored document was cut at `STORED_CHARS`: what it lacks may come later."""
    return len(text) >= STORED_CHARS


def docs_read_and_unread(
    readme: str, paths: Iterable[str], files: Iterable[str], full_name: str = ""
) -> tuple[tuple[DocLink, ...], tuple[DocLink, ...]]:
    """The linked documents whose text was stored (`files`), and those that were not."""
    have = set(files)
    links = linked_docs(readme, paths, full_name)
    return (
        tuple(d for d in links if d.path in have),
        tuple(d for d in links if d.path not in have),
    )
