"""Scenario model: repositories, users and events over time, read at a movable clock.

A scenario is plain JSON (see SCENARIO.md). It is parsed once into `World`; every endpoint then
asks the world "what is visible at time `now`?", so moving the clock (`GitHubEmulator.set_time`)
makes repositories appear, gain code, get renamed, deleted or blocked, with no re-parsing.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

DEFAULT_CREATED = "2023-01-01T00:00:00Z"
INLINE_LIMIT = 1_000_000
"""Bigger files have no inline content on GitHub's contents API (encoding "none")."""
FILLER = b"# synthetic file content\n"
LICENSE_PREFIXES = ("license", "licence", "copying")
README_PREFIXES = ("readme",)


def root_file(paths: Iterable[str], prefixes: tuple[str, ...]) -> str | None:
    """The root file GitHub would pick as README / LICENSE: name starts so, any case or suffix."""
    found = sorted(p for p in paths if "/" not in p and p.lower().startswith(prefixes))
    return found[0] if found else None


LICENSES: dict[str, tuple[str, str]] = {
    "MIT": ("mit", "MIT License"),
    "Apache-2.0": ("apache-2.0", "Apache License 2.0"),
    "BSD-3-Clause": ("bsd-3-clause", 'BSD 3-Clause "New" or "Revised" License'),
    "BSD-2-Clause": ("bsd-2-clause", 'BSD 2-Clause "Simplified" License'),
    "GPL-3.0": ("gpl-3.0", "GNU General Public License v3.0"),
    "GPL-2.0": ("gpl-2.0", "GNU General Public License v2.0"),
    "LGPL-3.0": ("lgpl-3.0", "GNU Lesser General Public License v3.0"),
    "AGPL-3.0": ("agpl-3.0", "GNU Affero General Public License v3.0"),
    "MPL-2.0": ("mpl-2.0", "Mozilla Public License 2.0"),
    "CC0-1.0": ("cc0-1.0", "Creative Commons Zero v1.0 Universal"),
    "CC-BY-4.0": ("cc-by-4.0", "Creative Commons Attribution 4.0 International"),
    "CC-BY-SA-4.0": ("cc-by-sa-4.0", "Creative Commons Attribution Share Alike 4.0 International"),
    "Unlicense": ("unlicense", "The Unlicense"),
    "BSL-1.0": ("bsl-1.0", "Boost Software License 1.0"),
    "EPL-2.0": ("epl-2.0", "Eclipse Public License 2.0"),
    "NOASSERTION": ("other", "Other"),
}


def parse_time(value: str | datetime) -> datetime:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    text = value.strip().replace("Z", "+00:00")
    if len(text) == 10:
        text += "T00:00:00+00:00"
    dt = datetime.fromisoformat(text)
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)


def iso(dt: datetime) -> str:
    return dt.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sha1(*parts: object) -> str:
    return hashlib.sha1("\x00".join(map(str, parts)).encode()).hexdigest()


def at_time(value: Any, now: datetime, default: Any = 0) -> Any:
    """A plain value, or a timeline `{date: value}` read at `now` (latest entry not after it)."""
    if not isinstance(value, dict):
        return default if value is None else value
    current = default
    for when, v in sorted(((parse_time(k), v) for k, v in value.items()), key=lambda p: p[0]):
        if when <= now:
            current = v
    return current


def timeline_dates(value: Any) -> list[datetime]:
    return [parse_time(k) for k in value] if isinstance(value, dict) else []


@dataclass
class Blob:
    path: str
    size: int
    content: bytes | None
    sha: str

    @classmethod
    def from_spec(cls, path: str, spec: Any) -> Blob:
        """`spec` is the text, or {"content": ..., "size": ..., "sha": ...}."""
        if isinstance(spec, str):
            spec = {"content": spec}
        content = spec.get("content")
        data = content.encode() if isinstance(content, str) else None
        size = int(spec.get("size", len(data) if data is not None else 0))
        sha = spec.get("sha") or _blob_sha(data, path, size)
        return cls(path, size, data, sha)

    def data(self) -> bytes | None:
        """Bytes as served; files given only by size get deterministic filler up to 1 MB."""
        if self.content is not None:
            return self.content
        if self.size > INLINE_LIMIT:
            return None
        return (FILLER * (self.size // len(FILLER) + 1))[: self.size]

    def text(self) -> str | None:
        data = self.data()
        if data is None or b"\x00" in data:
            return None
        return data.decode("utf-8", errors="replace")


def _blob_sha(data: bytes | None, path: str, size: int) -> str:
    if data is None:
        return sha1("blob", path, size)
    return hashlib.sha1(b"blob %d\x00" % len(data) + data).hexdigest()


@dataclass
class TreeEntry:
    name: str
    path: str
    type: str
    """"blob" or "tree"."""
    sha: str
    size: int | None = None
    blob: Blob | None = None

    @property
    def mode(self) -> str:
        return "040000" if self.type == "tree" else "100644"


@dataclass
class Commit:
    sha: str
    date: datetime
    message: str
    author: str
    files: dict[str, Blob]
    parents: list[str]
    _dirs: dict[str, list[TreeEntry]] | None = field(default=None, repr=False)

    def dirs(self) -> dict[str, list[TreeEntry]]:
        """Directory path ("" = root) -> sorted entries; computed once per commit."""
        if self._dirs is None:
            self._dirs = _build_dirs(self.files)
        return self._dirs

    @property
    def tree_sha(self) -> str:
        return self.dir_sha("")

    def dir_sha(self, path: str) -> str:
        return sha1("tree", *((e.name, e.sha) for e in self.dirs().get(path, [])))

    def entry(self, path: str) -> TreeEntry | None:
        path = path.strip("/")
        if not path:
            return TreeEntry("", "", "tree", self.tree_sha)
        parent, _, name = path.rpartition("/")
        for e in self.dirs().get(parent, []):
            if e.name == name:
                return e
        return None

    def walk(self) -> list[TreeEntry]:
        """Every entry, depth first, as git's recursive tree listing orders them."""
        out: list[TreeEntry] = []

        def visit(path: str) -> None:
            for e in self.dirs().get(path, []):
                out.append(e)
                if e.type == "tree":
                    visit(e.path)

        visit("")
        return out


def _build_dirs(files: dict[str, Blob]) -> dict[str, list[TreeEntry]]:
    children: dict[str, dict[str, TreeEntry]] = {"": {}}
    for path, blob in files.items():
        parts = path.split("/")
        for i in range(1, len(parts)):
            d = "/".join(parts[:i])
            children.setdefault(d, {})
            parent = "/".join(parts[: i - 1])
            children.setdefault(parent, {})[parts[i - 1]] = TreeEntry(parts[i - 1], d, "tree", "")
        parent = "/".join(parts[:-1])
        children.setdefault(parent, {})[parts[-1]] = TreeEntry(
            parts[-1], path, "blob", blob.sha, blob.size, blob
        )
    shas: dict[str, str] = {}
    for d in sorted(children, key=lambda p: -p.count("/") if p else 1):
        for e in children[d].values():
            if e.type == "tree":
                e.sha = shas[e.path]
        shas[d] = sha1("tree", *((n, e.sha) for n, e in sorted(children[d].items())))
    return {d: [entries[n] for n in sorted(entries)] for d, entries in children.items()}


@dataclass
class Release:
    id: int
    tag: str
    name: str
    date: datetime
    prerelease: bool
    draft: bool
    body: str
    assets: list[dict[str, Any]]


@dataclass
class RepoState:
    """What a repository looks like at one instant."""

    owner: str
    name: str
    deleted: bool
    blocked: dict[str, Any] | None
    private: bool
    archived: bool
    disabled: bool
    old_names: list[str]

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"


class Repo:
    """One repository across its whole history; read it with `state(now)` and `head(now)`."""

    def __init__(self, spec: dict[str, Any], default_id: int):
        if "full_name" in spec and "owner" not in spec:
            spec["owner"], spec["name"] = spec["full_name"].split("/", 1)
        self.spec = spec
        self.id = int(spec.get("id", default_id))
        self.owner = spec["owner"]
        self.name = spec["name"]
        self.created_at = parse_time(spec.get("created_at", DEFAULT_CREATED))
        self.default_branch = spec.get("default_branch", "main")
        self.license = spec.get("license")
        self.events = sorted(
            ({**e, "at": parse_time(e["at"])} for e in spec.get("events", [])),
            key=lambda e: e["at"],
        )
        self.commits = self._build_commits()
        self.releases = [
            Release(
                id=self.id * 1000 + i,
                tag=r["tag"],
                name=r.get("name", r["tag"]),
                date=parse_time(r.get("date", spec.get("created_at", DEFAULT_CREATED))),
                prerelease=bool(r.get("prerelease", False)),
                draft=bool(r.get("draft", False)),
                body=r.get("body", ""),
                assets=r.get("assets", []),
            )
            for i, r in enumerate(spec.get("releases", []))
        ]
        self.releases.sort(key=lambda r: r.date, reverse=True)

    def _build_commits(self) -> list[Commit]:
        spec = self.spec
        raw = spec.get("commits")
        if raw is None:
            raw = [{"date": iso(self.created_at), "message": "Initial commit", "files": {}}]
            raw[0]["files"].update(spec.get("files", {}))
        raw = sorted(raw, key=lambda c: parse_time(c["date"]))
        if raw:
            first = raw[0].setdefault("files", {})
            mentioned = {p for c in raw for p in c.get("files", {})}
            if spec.get("readme") is not None and not root_file(mentioned, README_PREFIXES):
                first["README.md"] = spec["readme"]
            if self.license and not root_file(mentioned, LICENSE_PREFIXES):
                first[spec.get("license_file", "LICENSE")] = spec.get(
                    "license_text", f"{self.license} license text\n"
                )
        commits: list[Commit] = []
        files: dict[str, Blob] = {}
        for i, c in enumerate(raw):
            files = dict(files)
            for path in c.get("removed", []):
                files.pop(path, None)
            for path, fspec in c.get("files", {}).items():
                files[path] = Blob.from_spec(path, fspec)
            if not files and not commits:
                continue
            date = parse_time(c["date"])
            commits.append(
                Commit(
                    sha=c.get("sha") or sha1("commit", self.id, i, iso(date)),
                    date=date,
                    message=c.get("message", "Update"),
                    author=c.get("author", self.owner),
                    files=files,
                    parents=[commits[-1].sha] if commits else [],
                )
            )
        return commits

    def state(self, now: datetime) -> RepoState | None:
        """None before the repository exists."""
        if now < self.created_at:
            return None
        spec = self.spec
        st = RepoState(
            owner=self.owner,
            name=self.name,
            deleted=False,
            blocked=None,
            private=bool(spec.get("private", False)),
            archived=bool(spec.get("archived", False)),
            disabled=bool(spec.get("disabled", False)),
            old_names=[],
        )
        for e in self.events:
            if e["at"] > now:
                break
            _apply_event(st, e)
        return st

    def head(self, now: datetime) -> Commit | None:
        current = None
        for c in self.commits:
            if c.date <= now:
                current = c
        return current

    def history(self, now: datetime) -> list[Commit]:
        """Visible commits, newest first."""
        return [c for c in reversed(self.commits) if c.date <= now]

    def visible_releases(self, now: datetime) -> list[Release]:
        return [r for r in self.releases if r.date <= now and not r.draft]

    def commit(self, ref: str, now: datetime) -> Commit | None:
        """Resolve HEAD, the default branch, or a (prefix of a) visible commit sha."""
        if ref in ("HEAD", self.default_branch, f"refs/heads/{self.default_branch}"):
            return self.head(now)
        for c in self.history(now):
            if len(ref) >= 7 and c.sha.startswith(ref):
                return c
            if c.tree_sha == ref:
                return c
        return None

    def value(self, key: str, now: datetime, default: Any = 0) -> Any:
        return at_time(self.spec.get(key), now, default)

    def pushed_at(self, now: datetime) -> datetime:
        head = self.head(now)
        return head.date if head else self.created_at

    def updated_at(self, now: datetime) -> datetime:
        """Latest visible change of any kind: the Last-Modified of everything about the repo."""
        dates = [self.created_at, self.pushed_at(now)]
        dates += [e["at"] for e in self.events if e["at"] <= now]
        dates += [r.date for r in self.visible_releases(now)]
        for key in ("stars", "forks", "watchers", "open_issues", "description", "topics"):
            dates += [d for d in timeline_dates(self.spec.get(key)) if d <= now]
        return max(dates)


def _apply_event(st: RepoState, e: dict[str, Any]) -> None:
    kind = e["type"]
    if kind in ("renamed", "transferred"):
        st.old_names.append(st.full_name)
        target = e["to"]
        if "/" in target:
            st.owner, st.name = target.split("/", 1)
        else:
            st.name = target
    elif kind == "deleted":
        st.deleted = True
    elif kind == "restored":
        st.deleted = False
    elif kind == "dmca":
        st.blocked = {
            "reason": "dmca",
            "created_at": iso(e["at"]),
            "html_url": e.get("notice_url", "https://github.com/github/dmca/blob/master/README.md"),
        }
    elif kind in ("private", "public"):
        st.private = kind == "private"
    elif kind in ("archived", "unarchived"):
        st.archived = kind == "archived"
    elif kind in ("disabled", "enabled"):
        st.disabled = kind == "disabled"
    else:
        raise ValueError(f"unknown repository event type: {kind!r}")


class World:
    """All repositories and accounts, indexed by every name each repository ever had."""

    def __init__(self, scenario: dict[str, Any]):
        self.scenario = scenario
        self.repos = [Repo(dict(s), 100_000 + i) for i, s in enumerate(scenario.get("repos", []))]
        self.by_id = {r.id: r for r in self.repos}
        self.by_name: dict[str, list[Repo]] = {}
        for r in self.repos:
            names = {f"{r.owner}/{r.name}".lower()}
            for e in r.events:
                if e["type"] in ("renamed", "transferred"):
                    st = r.state(e["at"] + timedelta(seconds=1))
                    if st:
                        names.add(st.full_name.lower())
            for n in names:
                self.by_name.setdefault(n, []).append(r)
        self.accounts = {a["login"].lower(): a for a in scenario.get("users", [])}

    def lookup(self, full_name: str, now: datetime) -> tuple[Repo | None, RepoState | None, bool]:
        """(repo, state, moved): the repo currently so named, else one renamed away from it."""
        key = full_name.lower()
        moved: tuple[Repo | None, RepoState | None, bool] = (None, None, False)
        for r in self.by_name.get(key, []):
            st = r.state(now)
            if st is None or st.deleted:
                continue
            if st.full_name.lower() == key:
                return r, st, False
            if key in (n.lower() for n in st.old_names):
                moved = (r, st, True)
        return moved

    def account(self, login: str) -> dict[str, Any] | None:
        """Declared accounts, or any owner of a repository (a plain user by default)."""
        acc = self.accounts.get(login.lower())
        if acc:
            return {"type": "User", "created_at": DEFAULT_CREATED, **acc}
        for r in self.repos:
            if r.owner.lower() == login.lower():
                return {"login": r.owner, "type": "User", "created_at": DEFAULT_CREATED}
        return None


def load_scenario(source: dict[str, Any] | str | Path) -> dict[str, Any]:
    """A scenario dict from a dict (deep-copied) or a JSON file, checked enough to fail early."""
    if isinstance(source, dict):
        data = json.loads(json.dumps(source))
    else:
        data = json.loads(Path(source).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("repos", []), list):
        raise ValueError("scenario must be an object with a 'repos' list")
    for i, repo in enumerate(data.get("repos", [])):
        if not (("owner" in repo and "name" in repo) or "full_name" in repo):
            raise ValueError(f"scenario repos[{i}] needs 'owner' and 'name' (or 'full_name')")
    return data
