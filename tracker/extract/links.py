"""Find URLs in prose, trim them the way a reader would, and normalize them.

The raw text and its offset are kept apart from the canonical URL (corpus FORMAT rules), so a
report can always show what the paper actually wrote.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from publicsuffixlist import PublicSuffixList

CODE_HOSTS = frozenset({"github.com", "gitlab.com", "bitbucket.org", "huggingface.co", "hf.co"})
SHORTLINK_HOSTS = frozenset(
    {
        "bit.ly", "aka.ms", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "buff.ly",
        "rebrand.ly", "cutt.ly", "shorturl.at", "rb.gy", "tiny.cc", "s.id", "lnkd.in", "t.ly",
        "v.gd", "dub.sh", "git.io", "tinyurl.at", "bitly.com", "y2u.be", "shorturl.me",
    }
)  # fmt: skip
DATA_HOSTS = frozenset(
    {
        "zenodo.org", "figshare.com", "drive.google.com", "osf.io", "kaggle.com", "dropbox.com",
        "data.mendeley.com", "dataverse.harvard.edu", "datadryad.org", "onedrive.live.com",
        "1drv.ms", "pan.baidu.com",
    }
)  # fmt: skip
_URL_BODY = r"[^\s<>\"'`{}|\\^“”‘’«»，。；：！？、（）【】…]+"
"""A URL runs until whitespace or a character that never appears unescaped in a URL in prose
(including the full-width punctuation of CJK text and typographic quotes)."""
_GLUE = ("at", "via", "from", "see")
"""Words a careless join glues to the link after them ("available athttp://…", "atwww.…")."""
_GLUED_SCHEME = "|".join(
    rf"(?<=\b{word}{scheme})" for word in _GLUE for scheme in ("http", "https", "ftp")
)
_GLUED_WWW = "|".join(rf"(?<=\b{word}www\.)" for word in _GLUE)
_HOST = r"[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.[a-z]{2,63}"
_WWW_REST = r"[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#:]" + _URL_BODY + r")?"
URL_RE = re.compile(
    r"(?<![\w@.])(?:https?|ftp)://" + _URL_BODY
    + r"|(?<![\w@./-])www\." + _WWW_REST
    + r"|(?<![\w@./-])(?!(?:" + "|".join(_GLUE) + r")www\.)" + _HOST
    + r"(?:/" + _URL_BODY + r"|(?![\w@(/-]|\.\w))"
    + r"|(?:https?|ftp)(?:" + _GLUED_SCHEME + r")://" + _URL_BODY
    + r"|www\.(?:" + _GLUED_WWW + r")" + _WWW_REST,
    re.IGNORECASE,
)  # fmt: skip
"""A scheme, `www.`, or a host name: a host without either is a link only if its suffix is a
public one (`_host_ok`). The glued forms come last, their lookbehinds after the literal they
follow, so that they cost nothing where no scheme or `www.` is."""
MAX_URL = 2000
"""Longer than any link a paper prints: such a run of characters is not a link."""
_LATEX_URL = re.compile(r"\\(?:url|href)\s*\{([^{}]+)\}")
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\)[^()\s<>]*)*)>?\s*\)")
_ANCHOR = re.compile(r"://|www\.|\.[a-z]{2}", re.IGNORECASE)
"""Every URL holds one of these; the full pattern runs only on the word around each one."""
_TOKEN_END = re.compile(r"\S*")
_DOT_WORD = re.compile(r"\.[a-z]{2}")
"""The `.xx` branch of `_ANCHOR` on lower-cased ASCII: its literal `.` lets `re` skip ahead in C."""
_PATH_START = re.compile(r"[/?#]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*`~"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}
_GLUED_SENTENCE = re.compile(r"(?<=[\w/])\.[A-Z][a-z]+$")
"""`…/repo.This`: the next sentence glued to a link whose full stop lost its space."""
_FILE_SUFFIXES = frozenset(
    {"py", "sh", "md", "pl", "rs", "cc", "so", "ps", "ml", "pm", "mk", "tf", "pt", "zip", "mov",
     "cu", "sc"}
)  # fmt: skip
"""Public suffixes that are also file extensions (`train.py`, `model.pt`): a name ending in
one, written with neither a scheme nor `www.`, is a file, not a link."""
_WORD_SUFFIXES = frozenset(
    {"in", "it", "to", "as", "is", "at", "be", "me", "us", "no", "do", "am", "an", "or", "on",
     "my", "we", "go", "id", "by", "if", "im"}
)  # fmt: skip
"""Public suffixes that are English words (`results.in`, a full stop that lost its space): a
bare name ending in one (no scheme, `www.` or path) is not a link."""


class Found(NamedTuple):
    """A URL found in text: the trimmed URL, the raw match and its offset.

    After a layout repair (`_layout`, `_breaks`) the URL is the raw text less the breaks and
    escapes that the repair dropped, so every character of it is one of the text's."""

    url: str
    raw: str
    start: int


def trim(url: str) -> str:
    """Drop trailing punctuation and closing brackets that have no opener inside the URL."""
    while url:
        last = url[-1]
        if last in _TRAILING or (last in _PAIRS and url.count(_PAIRS[last]) < url.count(last)):
            url = url[:-1]
        else:
            break
    return url


_PSL = PublicSuffixList()
"""The public suffix list the package ships, read at import (never fetched): read on first
use instead, its load would be timed with the first abstracts that hold a link."""
_ICANN: list[PublicSuffixList] = []


def registrable(host: str) -> bool:
    """`host` (lower case) has a known public suffix and a name registered under it."""
    return _PSL.privatesuffix(host, accept_unknown=False) is not None


def _site(host: str) -> bool:
    """A bare host that names a site rather than a domain: a project on a hosting suffix
    (`name.github.io`, `app.hf.space`) or a name under a registered one (`lab.example.ac.uk`).
    A bare registered domain (`wikipedia.org`) is more often named than linked."""
    if not _ICANN:  # bare hosts are rare: their ICANN list is read on first need
        _ICANN.append(PublicSuffixList(only_icann=True))
    if _PSL.publicsuffix(host) != _ICANN[0].publicsuffix(host):
        return True
    return _PSL.privatesuffix(host) != host


_CUE = re.compile(
    r"(?:\b(?:at|via|visit|see)|\b(?:available|hosted|released|found|accessible|downloaded)"
    r"\s+(?:on|from|in)|:)\W{0,2}$",
    re.IGNORECASE,
)
"""Words that place what follows: a bare domain after them is a link (`available at x.org`);
after others (`data from wikipedia.org`, `e.g., x.org`) it is a name."""


def _host_ok(url: str) -> bool:
    """A host with a dot and a letter in its last label (`1.5/2` or `3.1-8B/70B` are not
    URLs); without a scheme or `www.`, a name under a public suffix, and a bare name (no
    path) ending in lower case and not in a file extension or a word."""
    scheme = _SCHEME.match(url)
    rest = url[scheme.end() :] if scheme else url
    path = _PATH_START.search(rest)
    host = (rest[: path.start()] if path else rest).rsplit("@", 1)[-1].split(":", 1)[0]
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    if not (tld and tld.isalpha() and "[" not in host and "]" not in host):
        return False
    if scheme or host[:4].lower() == "www.":
        return True
    low = host.lower()
    if low in CODE_HOSTS or low in SHORTLINK_HOSTS or low in DATA_HOSTS:
        return True
    if tld.lower() in _FILE_SUFFIXES:
        return False
    if not path and (not tld.islower() or tld in _WORD_SUFFIXES):
        return False
    return registrable(low)


_SCHEME_GAP_HINT = re.compile(r":(?:\s+/|/\s+/|//\s)")
_SCHEME_GAP = re.compile(r"(?:https?|ftp)(\s*):(\s*)/(\s*)/(\s*)(?=[\w\[])", re.IGNORECASE)
_ESCAPE = re.compile(r"\\(?=[_%#&~$])")
_HOST_CUT = re.compile(
    r"://[A-Za-z0-9.-]*[A-Za-z0-9][.-](\s+)"
    r"(?=[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}(?![\w-]))"
)
"""A host cut after one of its dots or hyphens (`https://name.⏎github.io`,
`https://ocean-⏎ml.github.io`): the words after the break are the rest of a host name, which a
new sentence never is."""
_SPACE = re.compile(r"\s+")
_CONTINUES = re.compile(r"[\w~%][\w~%./?#=&+:-]*")
_STOPWORDS = frozenset(
    {"a", "all", "also", "an", "and", "are", "as", "at", "both", "by", "code", "data", "for",
     "from", "further", "in", "is", "it", "its", "more", "of", "on", "or", "our", "see", "such",
     "that", "the", "their", "these", "this", "to", "via", "we", "where", "which", "while",
     "with"}
)  # fmt: skip
"""Words that start the prose after a link rather than continue a link cut before them."""
_REPO_PARTS = {"github.com": 2, "gitlab.com": 2, "bitbucket.org": 2, "huggingface.co": 2}
"""Path segments a repository URL on a code host needs: a word after a cut short of them is
the missing part (`github.com/owner/⏎repo`)."""


def _layout(text: str) -> list[tuple[int, int]]:
    """Spans of `text` that layout put inside URLs before any URL is looked for: white space
    after `https:`, in `//` or after a dot of a host, and the backslash of LaTeX `\\_`, `\\%`."""
    cuts: list[tuple[int, int]] = []
    if "\\" in text:
        cuts += [(m.start(), m.start() + 1) for m in _ESCAPE.finditer(text)]
    if _SCHEME_GAP_HINT.search(text):
        for m in _SCHEME_GAP.finditer(text):
            cuts += [m.span(g) for g in range(1, 5) if m.end(g) > m.start(g)]
    if "://" in text:
        cuts += [m.span(1) for m in _HOST_CUT.finditer(text)]
    return cuts


def _breaks(text: str, found: list[Found]) -> list[tuple[int, int]]:
    """White space that a line break put after a `/` or `-` of a found URL, where the word
    after it goes on with the URL (`_continues`). Only a URL whose raw text ends on one of
    them can have been cut this way, so text without one costs a check per URL."""
    cuts: list[tuple[int, int]] = []
    for f in found:
        if f.raw[-1:] not in ("/", "-"):
            continue
        token, end = f.url, f.start + len(f.raw)
        while token[-1:] in ("/", "-"):
            space = _SPACE.match(text, end)
            more = _CONTINUES.match(text, space.end()) if space else None
            if space is None or more is None or not _continues(token, more.group(0)):
                break
            cuts.append(space.span())
            word_end = _TOKEN_END.match(text, space.end())
            end = word_end.end() if word_end else space.end()
            token += text[space.end() : end]
    return cuts


def _continues(token: str, word: str) -> bool:
    """Whether `word` goes on with the URL that `token` ends after a `/` or `-` and a break.

    It does when it looks like a path (it holds `/`, `_`, `-`, `=`, a digit or an inner `.`),
    when the cut left a hyphen (no URL ends on one), or when a code host's repository path is
    still missing a part; words that begin prose (`_STOPWORDS`) never do.
    """
    word = trim(word)
    if not word or word.lower() in _STOPWORDS:
        return False
    if token.endswith("-") or any(c in word for c in "/_-=?#&%~.") or not word.isalpha():
        return True
    host, _, path = token.split("//", 1)[-1].partition("/")
    return _REPO_PARTS.get(host.lower().removeprefix("www."), 0) > len(
        [s for s in path.split("/") if s]
    )


def find_urls(text: str) -> list[Found]:
    """Every URL in `text`, in order; LaTeX `\\url{}`/`\\href{}{}` and Markdown unwrapped,
    and URLs that layout broke (`_layout`, `_breaks`) joined again: the raw text is the
    text's own, the URL its characters less the breaks and escapes."""
    if text.isascii():
        low = text.lower()
        if "/" not in text and "www." not in low and not _DOT_WORD.search(low):
            return []
    cuts = _layout(text)
    found = _joined(text, cuts)
    more = _breaks(text, found)
    return _joined(text, sorted(cuts + more)) if more else found


def _joined(text: str, cuts: list[tuple[int, int]]) -> list[Found]:
    """`_find` on `text` less the spans `cuts`, with offsets and raw text in `text`."""
    if not cuts:
        return _find(text)
    kept: list[int] = []
    pos = 0
    for a, b in sorted(cuts):
        if a >= pos:
            kept.extend(range(pos, a))
            pos = b
        elif b > pos:
            pos = b
    kept.extend(range(pos, len(text)))
    joined = "".join(text[i] for i in kept)
    kept.append(len(text))
    out = []
    for f in _find(joined):
        start, end = kept[f.start], kept[f.start + len(f.raw) - 1] + 1
        out.append(Found(f.url, text[start:end], start))
    return out


def _find(text: str) -> list[Found]:
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    if "\\" in text or "](" in text:
        for pattern in (_LATEX_URL, _MARKDOWN_URL):
            for m in pattern.finditer(text):
                url = trim(m.group(1).strip())
                if _host_ok(url) and len(url) <= MAX_URL:
                    found.append(Found(url, m.group(0), m.start()))
                    taken.append(m.span(1))
    covered = 0
    for p in _anchors(text):
        if p < covered:
            continue
        back = max(0, p - 300)
        lo = max(
            p - 300, text.rfind(" ", back, p), text.rfind("\n", back, p), text.rfind("\t", back, p)
        )
        token = _TOKEN_END.match(text, p)
        hi = token.end() if token else p
        covered = hi
        for m in URL_RE.finditer(text, lo + 1 if lo >= 0 else 0, hi):
            if any(a <= m.start() < b for a, b in taken):
                continue
            raw = m.group(0)
            if "](" in raw:  # Markdown `[URL](URL)`: the text half ends at its bracket
                raw = raw[: raw.index("](")]
            url = trim(raw)
            glued = _GLUED_SENTENCE.search(url) if "/" in url else None
            if glued:
                url = url[: glued.start()]
            if not _host_ok(url) or len(url) > MAX_URL:
                continue
            if _bare(url) and not (
                _site(url.lower()) or _CUE.search(text, max(0, m.start() - 30), m.start())
            ):
                continue
            found.append(Found(url, raw, m.start()))
    found.sort(key=lambda f: f.start)
    return found


def _bare(url: str) -> bool:
    """Neither a scheme, `www.` nor anything after the host."""
    return "/" not in url and "?" not in url and "#" not in url and url[:4].lower() != "www."


def _anchors(text: str) -> list[int]:
    """Offsets where `_ANCHOR` matches, found with `str.find` on ASCII text (a regex alternation
    tries every offset; `find` skips ahead in C).

    `finditer` would skip an anchor inside another; both lie in one token, which the caller
    skips anyway, so listing every offset gives the same URLs.
    """
    if not text.isascii():  # re.I folds a few non-ASCII letters (K, ſ, ı, İ) onto ASCII ones
        return [m.start() for m in _ANCHOR.finditer(text)]
    low = text.lower()
    out = []
    for needle in ("://", "www."):
        at = low.find(needle)
        while at >= 0:
            out.append(at)
            at = low.find(needle, at + 1)
    out += [m.start() for m in _DOT_WORD.finditer(low)]
    return sorted(out)


def is_code_host(host: str) -> bool:
    return host in CODE_HOSTS or host.endswith(".github.io")


_PLAIN_URL = re.compile(r"[a-z][a-z0-9+.-]*://[!-Z\\^-~]*", re.IGNORECASE)
"""A URL `split_url` can cut without `urlsplit`: printable ASCII, no brackets (IPv6 hosts)."""


def split_url(url: str) -> tuple[str, str, str, str, str]:
    """`urlsplit(url)` as a plain tuple (scheme, netloc, path, query, fragment).

    Most URLs are printable ASCII with a scheme and no IPv6 host; for those the split is four
    `find`s, a fraction of `urlsplit`'s cost, with the same result. Raises `ValueError` as
    `urlsplit` does.
    """
    if not _PLAIN_URL.fullmatch(url):
        return tuple(urlsplit(url))  # type: ignore[return-value]
    colon = url.find(":")
    rest = url[colon + 3 :]
    cut = len(rest)
    for stop in "/?#":
        at = rest.find(stop)
        if 0 <= at < cut:
            cut = at
    netloc, path, query, fragment = rest[:cut], rest[cut:], "", ""
    if "#" in path:
        path, fragment = path.split("#", 1)
    if "?" in path:
        path, query = path.split("?", 1)
    return url[:colon].lower(), netloc, path, query, fragment


def normalize(url: str) -> str:
    """The canonical form of FORMAT.md. Idempotent: normalize(normalize(u)) == normalize(u)."""
    given = url.strip()
    url = given if _SCHEME.match(given) else "https://" + given.lstrip(":/")
    try:
        scheme, netloc, path, query, fragment = split_url(url)
    except ValueError:
        return given
    if not netloc:
        return given
    scheme = scheme.lower()
    host = netloc.lower()
    bare = host.removeprefix("www.")
    if is_code_host(bare):
        scheme, host = "https", bare
    if host in ("github.com", "gitlab.com", "bitbucket.org"):
        path = _repo_path(path, host)
    # `urlunsplit` with a host: the path after a host is empty or starts with `/`
    out = f"{scheme}://{host}{path.rstrip('/')}"
    if query:
        out += "?" + query
    if fragment:
        out += "#" + fragment
    return out.strip()


def _repo_path(path: str, host: str) -> str:
    """Drop `.git` from the repository name, and a bare `/tree/<branch>` on GitHub."""
    segs = [s for s in path.split("/") if s]
    if len(segs) >= 2:
        while segs[1].lower().endswith(".git"):
            segs[1] = segs[1][: -len(".git")]
        if not segs[1]:
            segs = segs[:1]
    if host == "github.com" and len(segs) == 4 and segs[2] in ("tree", "blob"):
        segs = segs[:2]
    return "/" + "/".join(segs) if segs else ""
