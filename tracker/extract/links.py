"""Find URLs in prose, trim them the way a reader would, and normalize them.

The raw text and its offset are kept apart from the canonical URL (corpus FORMAT rules), so a
report can always show what the paper actually wrote.
"""

from __future__ import annotations

import re
from typing import NamedTuple
from urllib.parse import urlsplit

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
# Hosts that prose often writes without a scheme; any other bare host needs a listed TLD.
_SCHEMELESS_HOSTS = (
    *CODE_HOSTS, *SHORTLINK_HOSTS, *DATA_HOSTS,
    "gist.github.com", "arxiv.org", "doi.org", "openreview.net", "colab.research.google.com",
    "sites.google.com", "paperswithcode.com", "modelscope.cn", "gitee.com", "codeocean.com",
    "pypi.org", "youtube.com", "youtu.be", "docs.google.com",
)  # fmt: skip
_HOST_ALT = "|".join(re.escape(h) for h in sorted(set(_SCHEMELESS_HOSTS), key=len, reverse=True))
_TLDS = "com|org|net|io|ai|dev|app|edu|gov|info|me|xyz|cn|de|uk|fr|jp|page|site|tech|science|cc"

# A URL runs until whitespace or a character that never appears unescaped in a URL in prose
# (including the full-width punctuation of CJK text and typographic quotes).
_URL_BODY = r"[^\s<>\"'`{}|\\^“”‘’«»，。；：！？、（）【】…]+"
URL_RE = re.compile(
    r"(?<![\w@.])(?:https?|ftp)://" + _URL_BODY
    + r"|(?<![\w@./-])www\.[a-z0-9-]+(?:\.[a-z0-9-]+)+(?:[/?#:]" + _URL_BODY + r")?"
    + r"|(?<![\w@./-])(?:[a-z0-9-]+\.)*(?:" + _HOST_ALT + r")/" + _URL_BODY
    + r"|(?<![\w@./-])[a-z0-9-]+\.github\.io\b(?:/" + _URL_BODY + r")?"
    + r"|(?<![\w@./-])[a-z0-9][a-z0-9-]*(?:\.[a-z0-9-]+)*\.(?:" + _TLDS + r")/" + _URL_BODY,
    re.IGNORECASE,
)  # fmt: skip
_LATEX_URL = re.compile(r"\\(?:url|href)\s*\{([^{}]+)\}")
_MARKDOWN_URL = re.compile(r"\]\(\s*<?([^()\s<>]+(?:\([^()\s]*\)[^()\s<>]*)*)>?\s*\)")
_ANCHOR = re.compile(r"://|www\.|\.[a-z]{2,6}/|\.github\.io", re.IGNORECASE)
"""Every URL holds one of these; the full pattern runs only on the word around each one."""
_TOKEN_END = re.compile(r"\S*")
_DOT_TLD_SLASH = re.compile(r"\.[a-z]{2,6}/")
"""The `.xx/` branch of `_ANCHOR` on lower-cased ASCII: its literal `.` lets `re` skip ahead in C."""
_PATH_START = re.compile(r"[/?#]")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)
_TRAILING = ".,;:!?'\"*`~"
_PAIRS = {")": "(", "]": "[", "}": "{", ">": "<"}


class Found(NamedTuple):
    """A URL found in text: the trimmed URL, the raw match and its offset."""

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


def _host_ok(url: str) -> bool:
    """A host with a dot and a letter in its last label: `1.5/2` or `3.1-8B/70B` are not URLs."""
    scheme = _SCHEME.match(url)
    rest = url[scheme.end() :] if scheme else url
    path = _PATH_START.search(rest)
    host = (rest[: path.start()] if path else rest).rsplit("@", 1)[-1].split(":", 1)[0]
    tld = host.rsplit(".", 1)[-1] if "." in host else ""
    return bool(tld) and tld.isalpha() and "[" not in host and "]" not in host


def find_urls(text: str) -> list[Found]:
    """Every URL in `text`, in order; LaTeX `\\url{}`/`\\href{}{}` and Markdown unwrapped."""
    # every URL holds a slash or `www.` (one scan of the lower case costs less than looking
    # for `w.` and `W.`: `str.find` skips ahead further on a longer needle)
    if "/" not in text and "www." not in text.lower():
        return []
    found: list[Found] = []
    taken: list[tuple[int, int]] = []
    if "\\" in text or "](" in text:
        for pattern in (_LATEX_URL, _MARKDOWN_URL):
            for m in pattern.finditer(text):
                url = trim(m.group(1).strip())
                if _host_ok(url):
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
            url = trim(m.group(0))
            if _host_ok(url):
                found.append(Found(url, m.group(0), m.start()))
    found.sort(key=lambda f: f.start)
    return found


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
    for needle in ("://", "www.", ".github.io"):
        at = low.find(needle)
        while at >= 0:
            out.append(at)
            at = low.find(needle, at + 1)
    if "/" in low:
        out += [m.start() for m in _DOT_TLD_SLASH.finditer(low)]
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
