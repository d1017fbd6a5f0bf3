"""Where weights live, as stated in a repository's own files: Hub references and checkpoint links.

The verdict engine asks whether a paper's weights were released. Authors answer in many forms: a
Hugging Face Hub link or `from_pretrained("owner/name")` call in the README, a Google Drive or
Zenodo link in a "Pretrained models" table, a `scripts/download_weights.sh` that fetches release
assets. These functions read stored text only (no network), so they can run on every stored
snapshot again when the rules change.

Every scan is a single pass over the text with bounded repetitions, and every bounded scan stops
at the character that would start the next candidate, so adversarial input (megabytes of
`![![![` or `huggingface.co/` repeated) costs linear time rather than a regex restart per
character. Nothing here raises on arbitrary text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "CheckpointLink",
    "HubRef",
    "checkpoint_links",
    "hub_refs",
    "is_download_script",
]

LINE_CHARS = 200
"""Longest `line` kept as evidence; a longer line is cut to the characters around the match."""


@dataclass(frozen=True, slots=True)
class HubRef:
    """A Hugging Face Hub reference found in a text."""

    repo_id: str
    """`owner/name` for a model, dataset or space; `owner/slug` for a collection; `owner` for an
    organization or user page. Case as written."""
    kind: str
    """"model" | "dataset" | "space" | "collection" | "org"."""
    how: str
    """"link" | "from_pretrained" | "hf_hub_download" | "snapshot_download" | "cli" | "pipeline"
    | "load_dataset": the form the reference took, which tells a download from a mention."""
    where: str
    """The file it was found in, as passed by the caller."""
    line: str
    """The line it was found on, stripped, at most 200 characters."""


@dataclass(frozen=True, slots=True)
class CheckpointLink:
    """A file-host or release-asset link that may hold checkpoints."""

    url: str
    """The URL as written, trailing punctuation removed (`https://` added when written without)."""
    host: str
    """"google_drive" | "dropbox" | "onedrive" | "zenodo" | "figshare" | "github_release" |
    "baidu" | "other" (a direct link to a file with a weight extension)."""
    where: str
    line: str
    weight_context: bool
    """Whether a weight word (weights, checkpoint, ckpt, pretrained, model zoo, trained model, a
    weight file extension) appears on the same line, in the header of the Markdown table the link
    sits in, in the nearest preceding Markdown heading, or anywhere in the file when the file is a
    download script. A Drive link under "Datasets" is data; under "Pretrained models" it is
    weights."""


# --- shared text helpers ---------------------------------------------------------------------

# Characters that end a URL or identifier in prose, Markdown, HTML and shell.
_STOP = r"\s<>\"'`()\[\]{}|\\^"
_TRAILING = ".,;:!?*'\"`>"

_WEIGHT_WORD = re.compile(
    r"(?<![A-Za-z])(?:weights|weight\s+files?|checkpoints?|ckpts?|pre-?trained|model[\s_-]?zoo"
    r"|trained[\s_-]models?)(?![A-Za-z])"
    r"|\.(?:pth|pt|safetensors|ckpt|bin)(?![A-Za-z0-9])",
    re.I,
)

# Spans whose URLs are pictures, not references: Markdown images, <img> tags, badge services.
# Each class excludes the character that opens the next candidate, so a failed attempt never
# rescans text that a later attempt scans again.
_EMBED = re.compile(
    r"!\[[^\[\]\n]{0,500}\]\(\s{0,20}[^\s()\[\]<>]{0,2000}"
    r"|<img\b[^<>]{0,4000}"
    r"|(?:https?://)?(?:img\.shields\.io|badgen\.net|badge\.fury\.io)/[^" + _STOP + r"]{0,2000}",
    re.I,
)


class _Lines:
    """Line lookup by offset: a newline index built once, so each match costs O(log n)."""

    __slots__ = ("_breaks", "_text")

    def __init__(self, text: str) -> None:
        self._text = text
        self._breaks = [m.start() for m in re.finditer("\n", text)]

    def line_at(self, pos: int) -> str:
        """The stripped line holding `pos`; a line over 200 characters is cut around `pos`."""
        i = bisect_right(self._breaks, pos - 1)
        start = self._breaks[i - 1] + 1 if i > 0 else 0
        end = self._breaks[i] if i < len(self._breaks) else len(self._text)
        return _cut(self._text, start, end, pos)


def _cut(text: str, start: int, end: int, pos: int) -> str:
    if end - start <= 2 * LINE_CHARS:
        line = text[start:end].strip()
        if len(line) <= LINE_CHARS:
            return line
    lo = max(start, min(pos - LINE_CHARS // 4, end - LINE_CHARS))
    return text[lo : min(end, lo + LINE_CHARS)].strip()


class _Spans:
    """Sorted, disjoint spans with a membership test by offset."""

    __slots__ = ("_ends", "_starts")

    def __init__(self, spans: Iterator[tuple[int, int]]) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for s, e in spans:
            if self._ends and s <= self._ends[-1]:
                self._ends[-1] = max(self._ends[-1], e)
            else:
                self._starts.append(s)
                self._ends.append(e)

    def holds(self, pos: int) -> bool:
        i = bisect_right(self._starts, pos) - 1
        return i >= 0 and pos < self._ends[i]


def _embeds(text: str) -> _Spans:
    return _Spans(m.span() for m in _EMBED.finditer(text))


# --- Hub references --------------------------------------------------------------------------

_RESERVED = frozenset(
    [
        "models",
        "datasets",
        "spaces",
        "docs",
        "papers",
        "blog",
        "collections",
        "settings",
        "join",
        "login",
        "logout",
        "tasks",
        "learn",
        "pricing",
        "organizations",
        "posts",
        "api",
        "new",
        "new-dataset",
        "new-space",
        "new-collection",
        "new-model",
        "search",
        "chat",
        "enterprise",
        "welcome",
        "notifications",
        "billing",
        "changelog",
        "contact",
        "brand",
        "terms-of-service",
        "privacy",
        "inference-api",
        "inference-endpoints",
        "oauth",
        "front",
        "assets",
        "static-proxy",
        "avatars",
        "huggingchat",
        "hub",
        "sitemap.xml",
        "robots.txt",
    ]
)
_PLACEHOLDER_OWNERS = frozenset(
    [
        "username",
        "user",
        "user-name",
        "user_name",
        "hf-username",
        "hf_username",
        "hf-user",
        "org",
        "org-name",
        "org_name",
        "organization",
        "organisation",
        "owner",
        "namespace",
        "xxx",
        "xxxx",
        "example",
        "name",
        "repo",
    ]
)
_PLACEHOLDER_NAMES = frozenset(
    [
        "model-name",
        "model_name",
        "modelname",
        "repo-name",
        "repo_name",
        "dataset-name",
        "dataset_name",
        "model-id",
        "model_id",
        "repo-id",
        "repo_id",
        "space-name",
        "space_name",
        "xxx",
        "xxxx",
    ]
)
# First segments of strings passed to loaders that are local directories, not Hub owners.
_LOCAL_OWNERS = frozenset(
    [
        "output",
        "outputs",
        "checkpoints",
        "checkpoint",
        "ckpt",
        "ckpts",
        "models",
        "data",
        "results",
        "runs",
        "weights",
        "pretrained",
        "pretrained_models",
        "pretrained-models",
        "saved_models",
        "save",
        "exp",
        "exps",
        "experiments",
        "logs",
        "tmp",
        "cache",
        "local",
        "work_dirs",
        "workdir",
    ]
)
_SEGMENT = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_.-]{0,94}[A-Za-z0-9_])?")
_FILE_SUFFIX = re.compile(
    r"\.(?:pth|pt|bin|ckpt|safetensors|json|ya?ml|pkl|h5|onnx|txt|npz|npy|zip|tar|gz|tgz|py)$",
    re.I,
)

_HUB_LINK = re.compile(
    r"(?<![\w.@/-])(?:https?://)?(?:www\.)?(?:huggingface\.co|hf\.co)/([^" + _STOP + r"]{0,500})",
    re.I,
)
_CALL = re.compile(
    r"\b(from_pretrained|hf_hub_download|snapshot_download|load_dataset|pipeline)[ \t]{0,8}\("
)
_CLI = re.compile(r"(?<![\w-])(?:huggingface-cli|hf)[ \t]{1,8}download(?=[ \t])")
_ARGS_CHARS = 600
_FIRST_STRING = re.compile(r"\s*([\"'])([^\"'\n]{1,200})\1")
_REPO_TYPE = re.compile(r"(?<![\w.])repo_type\s*=\s*[\"'](model|dataset|space)[\"']")
_KEYWORD = {
    "from_pretrained": "pretrained_model_name_or_path",
    "hf_hub_download": "repo_id",
    "snapshot_download": "repo_id",
    "load_dataset": "path",
    "pipeline": "model",
}
_KEYWORD_ARG = {
    name: re.compile(rf"(?<![\w.]){kw}\s*=\s*([\"'])([^\"'\n]{{1,200}})\1")
    for name, kw in _KEYWORD.items()
}
_CLI_VALUE_OPTIONS = frozenset(
    [
        "--repo-type",
        "--revision",
        "--local-dir",
        "--cache-dir",
        "--include",
        "--exclude",
        "--token",
        "--local-dir-use-symlinks",
        "--max-workers",
    ]
)


def _valid_segment(seg: str) -> bool:
    return bool(_SEGMENT.fullmatch(seg)) and "--" not in seg and ".." not in seg


def _placeholder(owner: str, name: str) -> bool:
    lo, ln = owner.lower(), name.lower()
    return (
        lo in _PLACEHOLDER_OWNERS
        or ln in _PLACEHOLDER_NAMES
        or lo.startswith("your")
        or ln.startswith("your")
    )


def _repo_id(value: str, *, from_code: bool) -> str | None:
    """`owner/name` when `value` is one, else None (a local path, placeholder or template).

    Strings passed to loaders may be local directories (`outputs/checkpoint-500`), so loader
    arguments also reject common output-directory owners and file names.
    """
    parts = value.split("/")
    if len(parts) != 2 or not all(_valid_segment(p) for p in parts):
        return None
    owner, name = parts
    if _placeholder(owner, name):
        return None
    if from_code and (
        owner.lower() in _LOCAL_OWNERS
        or _FILE_SUFFIX.search(name)
        or re.fullmatch(r"checkpoint[-_]\d+", name, re.I)
    ):
        return None
    return value


def _from_link(path: str) -> tuple[str, str] | None:
    """(kind, repo_id) for the part of a Hub URL after the host, or None."""
    path = re.split(r"[?#]", path, maxsplit=1)[0].rstrip(_TRAILING).rstrip("/")
    segs = path.split("/")
    if not segs or not segs[0]:
        return None
    head = segs[0].lower()
    if head in ("datasets", "spaces", "collections"):
        if len(segs) < 3:
            return None
        owner, name = segs[1], segs[2].rstrip(_TRAILING)
        kind = {"datasets": "dataset", "spaces": "space", "collections": "collection"}[head]
    elif head in _RESERVED:
        return None
    elif len(segs) == 1:
        owner = segs[0]
        if not _valid_segment(owner) or _placeholder(owner, ""):
            return None
        return "org", owner
    else:
        owner, name = segs[0], segs[1].rstrip(_TRAILING)
        kind = "model"
    name = name.removesuffix(".git")
    if not (_valid_segment(owner) and _valid_segment(name)) or _placeholder(owner, name):
        return None
    if (owner.lower(), name.lower()) == ("huggingface", "badges"):
        return None  # the Hub's own badge images
    return kind, f"{owner}/{name}"


def _call_ref(func: str, args: str) -> tuple[str, str] | None:
    """(kind, repo_id) named by a loader call's argument text, or None for variables."""
    value = None
    if func != "pipeline":
        first = _FIRST_STRING.match(args)
        if first:
            value = first.group(2)
    if value is None:
        kw = _KEYWORD_ARG[func].search(args)
        if kw:
            value = kw.group(2)
    if value is None:
        return None
    repo = _repo_id(value, from_code=True)
    if repo is None:
        return None
    kind = "model"
    if func == "load_dataset":
        kind = "dataset"
    elif func in ("hf_hub_download", "snapshot_download"):
        typed = _REPO_TYPE.search(args)
        if typed:
            kind = typed.group(1)
    return kind, repo


def _cli_ref(rest: str) -> tuple[str, str] | None:
    """(kind, repo_id) from the words after `huggingface-cli download` / `hf download`."""
    command = re.split(r"\n|;|&&|\|\||\||#", rest.replace("\\\n", " "), maxsplit=1)[0]
    tokens = [t.strip("\"'`") for t in command.split()]
    kind = "model"
    repo: str | None = None
    skip = False
    for i, tok in enumerate(tokens):
        if skip:
            skip = False
            continue
        if tok.startswith("--repo-type"):
            value = tok.partition("=")[2] or (tokens[i + 1] if i + 1 < len(tokens) else "")
            if value.strip("\"'") in ("dataset", "space"):
                kind = value.strip("\"'")
            skip = "=" not in tok
        elif tok.startswith("-"):
            skip = tok in _CLI_VALUE_OPTIONS
        elif repo is None:
            repo = _repo_id(tok, from_code=True) or ""
    return (kind, repo) if repo else None


def _with_limits(rx: re.Pattern[str], text: str) -> Iterator[tuple[re.Match[str], int]]:
    """Each match with where its argument text must end: 600 characters on, or the next match,
    whichever is first. Argument windows never overlap, so reading them all stays linear."""
    matches = list(rx.finditer(text))
    for i, m in enumerate(matches):
        limit = m.end() + _ARGS_CHARS
        if i + 1 < len(matches):
            limit = min(limit, matches[i + 1].start())
        yield m, limit


def hub_refs(text: str, where: str = "README.md") -> tuple[HubRef, ...]:
    """Hugging Face Hub repositories, collections and organizations that `text` refers to.

    Links (`huggingface.co/...`, `hf.co/...`) and code forms that load from the Hub
    (`X.from_pretrained("o/n")`, `pipeline(..., model="o/n")`, `hf_hub_download`,
    `snapshot_download`, `load_dataset`, `huggingface-cli download` / `hf download`) count.
    Variables, f-strings, local paths, placeholders (`your-username/...`, `<org>/<model>`) and
    URLs inside images or badges do not; a badge's link target does. Bare legacy ids without an
    owner (`"gpt2"`) are not returned: they name someone else's base model, never the paper's own.
    Each (kind, repo id ignoring case) appears once, at its first occurrence, in text order.
    """
    embeds = _embeds(text)
    found: list[tuple[int, str, str, str]] = []
    for m in _HUB_LINK.finditer(text):
        if embeds.holds(m.start()):
            continue
        ref = _from_link(m.group(1))
        if ref:
            found.append((m.start(), ref[0], ref[1], "link"))
    for m, limit in _with_limits(_CALL, text):
        func = m.group(1)
        end = text.find(")", m.end(), limit)
        ref = _call_ref(func, text[m.end() : end if end >= 0 else limit])
        if ref:
            found.append((m.start(), ref[0], ref[1], func))
    for m, limit in _with_limits(_CLI, text):
        ref = _cli_ref(text[m.end() : limit])
        if ref:
            found.append((m.start(), ref[0], ref[1], "cli"))
    found.sort(key=lambda f: f[0])
    lines = _Lines(text)
    seen: set[tuple[str, str]] = set()
    out: list[HubRef] = []
    for pos, kind, repo, how in found:
        key = (kind, repo.lower())
        if key not in seen:
            seen.add(key)
            out.append(HubRef(repo, kind, how, where, lines.line_at(pos)))
    return tuple(out)


# --- checkpoint links ------------------------------------------------------------------------

_WEIGHT_EXT = re.compile(
    r"\.(?:pth|pt|pth\.tar|safetensors|ckpt|bin|h5|hdf5|onnx|gguf|pdparams|pkl|npz|tflite"
    r"|caffemodel|msgpack)$",
    re.I,
)
_IMAGE_EXT = re.compile(r"\.(?:svg|png|jpe?g|gif|webp)$", re.I)
_ARCHIVE_EXT = re.compile(r"\.(?:zip|tar|tar\.gz|tgz|tar\.xz|tar\.bz2|7z)$", re.I)
"""Archives hold checkpoints as often as data: one counts only in a weights context
(`_archive_weighty`)."""
_ARCHIVE_NAME = re.compile(r"checkpoint|ckpt|weights|pretrained|model", re.I)
_DATA_WORDS = re.compile(
    r"(?<![A-Za-z])(?:data(?:sets?)?|corpus|corpora|annotations?|images|videos|features"
    r"|splits?|samples)(?![A-Za-z])",
    re.I,
)
_KNOWN_HOSTS = (
    r"(?:drive|docs|drive\.usercontent)\.google\.com|(?:www\.|dl\.)?dropbox\.com"
    r"|dl\.dropboxusercontent\.com|onedrive\.live\.com|1drv\.ms|[A-Za-z0-9-]{1,63}\.sharepoint\.com"
    r"|zenodo\.org|(?:[A-Za-z0-9-]{1,63}\.)?figshare\.com|(?:pan|yun)\.baidu\.com|github\.com"
)
_URL = re.compile(
    r"(?:https?://|(?<![\w@/.:-])www\.)[^" + _STOP + r"]{1,2000}"
    r"|(?<![\w@/.:-])(?:" + _KNOWN_HOSTS + r")/[^" + _STOP + r"]{0,2000}",
    re.I,
)
_GITHUB_RELEASE = re.compile(r"/[^/]+/[^/]+/releases/download/", re.I)
_FENCE = re.compile(r"\s{0,3}(?:```|~~~)")
_HEADING = re.compile(r"\s{0,3}#{1,6}(?:\s|$)")
_SETEXT = re.compile(r"\s{0,3}(?:=+|-+)\s*")
_TABLE_RULE_CHARS = frozenset("|:- \t\r")
_MARKDOWN_SUFFIXES = (".md", ".markdown", ".mdx", ".mkd", ".mdown")


def _host_kind(url: str) -> str | None:
    """Which file host `url` points to, or None when it cannot hold a checkpoint download."""
    rest = re.sub(r"^https?://", "", url, flags=re.I)
    cut = len(rest)
    for sep in "/?#":
        i = rest.find(sep)
        if 0 <= i < cut:
            cut = i
    host = rest[:cut].rpartition("@")[2].partition(":")[0].lower()
    full_path = rest[cut:]
    path = re.split(r"[?#]", full_path, maxsplit=1)[0]
    lower = path.lower()
    if host.startswith("www."):
        host = host[4:]
    if "/badge" in lower or _IMAGE_EXT.search(path):
        return None
    if host.endswith(("huggingface.co", "hf.co")) or host in ("shields.io", "img.shields.io"):
        return None  # Hub links are hub_refs' business
    if host in ("drive.google.com", "drive.usercontent.google.com") or (
        host == "docs.google.com" and lower.startswith(("/uc", "/file/"))
    ):
        return "google_drive"
    if host.endswith(("dropbox.com", "dropboxusercontent.com")):
        return "dropbox"
    if host in ("onedrive.live.com", "1drv.ms") or host.endswith("sharepoint.com"):
        return "onedrive"
    if host.endswith("zenodo.org") and lower.startswith(
        ("/record/", "/records/", "/doi/", "/api/records/", "/api/files/")
    ):
        return "zenodo"
    if host in ("doi.org", "dx.doi.org") and lower.startswith("/10.5281/zenodo"):
        return "zenodo"
    if host.endswith("figshare.com") or (
        host in ("doi.org", "dx.doi.org") and lower.startswith("/10.6084/")
    ):
        return "figshare"
    if host in ("pan.baidu.com", "yun.baidu.com"):
        return "baidu"
    if host == "github.com" and _GITHUB_RELEASE.match(path):
        return "github_release"
    if _WEIGHT_EXT.search(path):
        return "other"
    if _ARCHIVE_EXT.search(path):
        return "archive"
    return None


def _table_rule(line: str) -> bool:
    """Whether `line` is a Markdown table's delimiter row (`| --- | :-: |`)."""
    return "|" in line and "-" in line and set(line) <= _TABLE_RULE_CHARS


def _is_markdown(where: str) -> bool:
    name = where.replace("\\", "/").rsplit("/", 1)[-1].lower()
    return name.endswith(_MARKDOWN_SUFFIXES) or name == "readme"


def _line_contexts(text: str, markdown: bool) -> Iterator[tuple[int, str, str]]:
    """(offset, line, context) per line: context is the Markdown heading and table header
    that the line sits under (empty outside Markdown)."""
    heading = ""
    header = ""
    in_table = False
    in_fence = False
    prev = ""
    offset = 0
    for line in text.split("\n"):
        context = ""
        if markdown:
            if _FENCE.match(line):
                in_fence = not in_fence
                in_table = False
            elif not in_fence:
                if _HEADING.match(line):
                    heading = line
                    in_table = False
                elif prev.strip() and _SETEXT.fullmatch(line) and "|" not in prev:
                    heading = prev
                elif _table_rule(line) and "|" in prev:
                    header, in_table = prev, True
                elif in_table and "|" not in line:
                    in_table = False
            context = heading + "\n" + header if in_table and not in_fence else heading
        yield offset, line, context
        offset += len(line) + 1
        prev = line


_SENTENCE_END = re.compile(r"[.!?](?:\s|$)")


def _open_clause(line: str) -> str:
    """The clause a line leaves open for the next one: its text after its last sentence end,
    when the line does not itself end a sentence ("... our pretrained weights from" wrapped
    before the link, "Pretrained weights:" above it); empty for a blank line or a heading."""
    text = line.strip()
    if not text or text.startswith(("#", "|")) or text.endswith((".", "!", "?")):
        return ""
    ends = list(_SENTENCE_END.finditer(text))
    return text[ends[-1].end() :] if ends else text


def _archive_weighty(url: str, line: str, context: str, script_wide: bool) -> bool:
    """A `.zip`/`.tar` link holds checkpoints when its file is named for them, a download
    script fetches weights, or it sits under a weights heading or table header ("Pre-trained
    models", "Checkpoints") on a line that does not name data. The line's own weight words are
    not enough: "the dataset (data.zip) and the pretrained weights" names both."""
    name = re.split(r"[?#]", url, maxsplit=1)[0].rsplit("/", 1)[-1]
    if _ARCHIVE_NAME.search(name) or script_wide:
        return True
    if _DATA_WORDS.search(name) or _DATA_WORDS.search(re.sub(r"\([^)]*\)", "", line)):
        return False
    return bool(context and _WEIGHT_WORD.search(context))


def checkpoint_links(
    text: str, where: str = "README.md", *, weights_page: bool = False
) -> tuple[CheckpointLink, ...]:
    """Links to file hosts and release assets that may hold checkpoints, each URL once.

    Hosts: Google Drive (`drive.google.com`, `docs.google.com/uc`), Dropbox, OneDrive
    (`1drv.ms`, SharePoint), Zenodo records and `10.5281` DOIs, figshare, Baidu pan, GitHub
    release assets (`/releases/download/`), and any other direct link to a file with a weight
    extension (`.pth`, `.safetensors`, ...) or an archive (`.zip`, `.tar`, ..., host `archive`,
    in a weights context only when `_archive_weighty` says so). Hugging Face links are left to
    `hub_refs`; images and badges are skipped. A URL written twice is reported once, at its first occurrence, with
    `weight_context` true when any occurrence has it (and that occurrence's line). In a
    download script that names weights, or a `weights_page` (a model zoo page the README sends
    its reader to for the trained models), every link is in a weights context.
    """
    embeds = _embeds(text)
    script_wide = weights_page or (
        is_download_script(where, text) and bool(_WEIGHT_WORD.search(text))
    )
    markdown = _is_markdown(where)
    order: list[str] = []
    by_url: dict[str, CheckpointLink] = {}
    lead = ""
    for offset, line, context in _line_contexts(text, markdown):
        said, lead = lead, _open_clause(line)
        if "." not in line:
            continue
        for m in _URL.finditer(line):
            if embeds.holds(offset + m.start()):
                continue
            url = m.group(0).rstrip(_TRAILING)
            if not url.lower().startswith(("http://", "https://")):
                url = "https://" + url
            host = _host_kind(url)
            if host is None:
                continue
            if host == "archive":
                weighty = _archive_weighty(url, line, context, script_wide)
            else:
                weighty = (
                    script_wide
                    or bool(_WEIGHT_WORD.search(line))
                    or bool(context and _WEIGHT_WORD.search(context))
                    or bool(said and _WEIGHT_WORD.search(said))
                )
            known = by_url.get(url)
            if known is not None and (known.weight_context or not weighty):
                continue
            if known is None:
                order.append(url)
            snippet = _cut(line, 0, len(line), m.start())
            by_url[url] = CheckpointLink(url, host, where, snippet, weighty)
    return tuple(by_url[u] for u in order)


# --- download scripts ------------------------------------------------------------------------

_SCRIPT_SUFFIXES = (".sh", ".bash", ".zsh", ".py", ".ps1", ".bat", ".cmd")
_SHELL_OR_PYTHON = (".sh", ".bash", ".zsh", ".py")
_WEIGHT_STEM = re.compile(r"weights?|models?|checkpoints?|ckpts?|pretrained", re.I)
_MAKEFILES = frozenset({"makefile", "gnumakefile", "justfile", ".justfile"})
_TARGET = re.compile(
    r"^([A-Za-z0-9_.-]{1,80})(?:[ \t][^:=\n]{0,200})?:(?!=)", re.M
)  # make `name:` and just `name args:`
_TARGET_WORD = re.compile(r"weights?|download|checkpoints?|ckpts?|pretrained", re.I)
_FETCH = re.compile(
    r"\b(?:wget|curl|gdown)\b|\bhf_hub_download\s*\(|huggingface-cli\s+download"
    r"|(?<![\w-])hf\s+download\b|\bsnapshot_download\s*\(|\bload_state_dict_from_url\s*\("
)
_SHEBANG = re.compile(r"#![^\n]{0,200}?\b(?:sh|bash|zsh|python[\d.]*)\b")


def is_download_script(path: str, text: str = "") -> bool:
    """Whether the file at `path` exists to fetch files, most likely weights.

    By name: `download*.sh|py` (`scripts/download_models.sh`, `download-weights.py`),
    `get_weights.sh`, `fetch_checkpoints.py`. By content: a Makefile or justfile with a target
    named for weights, downloads or checkpoints; a shell or Python file (by suffix or shebang)
    whose body fetches with wget, curl, gdown, `hf_hub_download`, `snapshot_download`,
    `huggingface-cli download` / `hf download` or `torch.hub.load_state_dict_from_url`.
    """
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    lower = name.lower()
    stem, dot, suffix = lower.rpartition(".")
    if not dot:
        stem, suffix = lower, ""
    suffix = "." + suffix if dot else ""
    if suffix in _SCRIPT_SUFFIXES:
        if stem.startswith("download"):
            return True
        verb, sep, rest = stem.replace("-", "_").partition("_")
        if sep and verb in ("get", "fetch", "pull") and _WEIGHT_STEM.search(rest):
            return True
    if lower in _MAKEFILES or suffix in (".mk", ".just"):
        return any(_TARGET_WORD.search(m.group(1)) for m in _TARGET.finditer(text))
    if suffix in _SHELL_OR_PYTHON or (not suffix and _SHEBANG.match(text)):
        return bool(_FETCH.search(text))
    return False
