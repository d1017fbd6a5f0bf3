"""Zenodo records given as a paper's code, through Zenodo's (InvenioRDM) REST API.

Per record: `GET /api/records/{id}` (title, resource type, license, version and concept DOIs,
the file list), the README and evidence files at the record's root
(`/files/{key}/content`), and for a software record the entries of each zip archive
(`/files/{key}/container`, InvenioRDM's listing). A source archive is the code: when it cannot
be listed (a `.tar.gz`, or a deployment without listings) nothing says it holds no source, so
the record's tree is left unanswered (`CheckResult.unanswered`) unless source was seen
elsewhere in it, and the record is never called a placeholder for an archive nobody opened.

A DOI of all versions (the concept DOI) names no record: `/api/records/{id}` answers 404 for
it, so a 404 is only final once `/versions/latest` has not found a record either; a concept
resolved to its latest version is that record (ok, the version in `topics`), a record merged
into another (`301`) is `moved`. `410 Gone` is a deleted record (dead after two checks).
The resource type goes to `topics` (`resource_type:dataset`), where the flag run reads that a
dataset is not code (`tracker.flags.judge`). A token (`ZENODO_TOKEN`) goes in
`Authorization: Bearer` to zenodo.org alone.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, ClassVar
from urllib.parse import quote, urlsplit

from tracker.check.api import (
    REDIRECTS,
    ApiAnswer,
    ApiChecker,
    HostClient,
    host_stop,
    need,
    parse_time,
)
from tracker.check.evidence import EVIDENCE_COLUMNS, EVIDENCE_FILES, derive, found, readme_path
from tracker.extract.licenses import spdx_of
from tracker.hosts import Host, host_name, path_of
from tracker.models import CheckResult, DueRepo, RepoFacts, RepoStatus
from tracker.tree import MAX_TREE_PATHS, source_files

ARCHIVES = (".zip", ".tar.gz", ".tgz", ".tar", ".tar.bz2", ".tar.xz", ".7z", ".rar")
LISTED = (".zip",)
"""Archives InvenioRDM lists (`RECORDS_RESOURCES_ZIP_FORMATS`)."""
MAX_TOPICS = 20
_RECORD_PATH = re.compile(r"/records/(\d+)$")
_TAG = re.compile(r"<[^>]+>")


class ZenodoChecker(ApiChecker):
    """Records on zenodo.org."""

    host: ClassVar[Host] = Host.ZENODO
    name: ClassVar[str] = "zenodo"
    default_api: ClassVar[str] = "https://{host}/api"

    def check(self, target: DueRepo) -> CheckResult:
        host = host_name(target.key)
        api = self.client(host)
        asked = path_of(target.name).removeprefix("records/")
        answer = self._follow(api, api.get_json(f"/records/{asked}"))
        if answer.status == 404 and answer.failure is None:
            latest = self._follow(api, api.get_json(f"/records/{asked}/versions/latest"))
            if latest.status != 404 or latest.failure is not None:
                answer = latest  # a record, or an answer that leaves the 404 unconfirmed
        if not answer.ok:
            return self.failed(target, answer)
        record = answer.data
        if not isinstance(record, dict) or not isinstance(record.get("metadata"), dict):
            return self.result(target, RepoStatus.UNKNOWN, "answered JSON that is no record", 200)
        return self._facts(api, host, asked, target, record)

    def _follow(self, api: HostClient, answer: ApiAnswer) -> ApiAnswer:
        """The answer, or the record one redirect on the same API leads to."""
        path = api.relative(answer.location) if answer.status in REDIRECTS else None
        if path is None or not _RECORD_PATH.search(path):
            return answer
        return api.get_json(path)

    def _facts(
        self, api: HostClient, host: str, asked: str, target: DueRepo, r: dict[str, Any]
    ) -> CheckResult:
        rid = str(r.get("id") or "")
        m: dict[str, Any] = r["metadata"]
        kind = _resource_type(m)
        files = _file_keys(r)
        paths, unread = _tree(api, rid, files, open_archives=kind in ("software", ""))
        texts = _files(api, rid, paths)
        readme_name = readme_path(paths)
        readme = texts.pop(readme_name, "") if readme_name else _text_of(m.get("description"))
        same = rid == asked or str(r.get("conceptrecid") or "") == asked
        facts = RepoFacts(
            full_name=f"{host}/records/{asked if same else rid}",
            description=_text_of(m.get("title"))[:500],
            homepage=f"https://{host}/records/{rid}",
            topics=_topics(m, rid, asked, r),
            created_at=parse_time(r.get("created")) or parse_time(m.get("publication_date")),
            pushed_at=parse_time(r.get("modified") or r.get("updated")),
            license_spdx=_license(m),
            latest_release_tag=str(m["version"]) if m.get("version") else None,
            readme_size=len(readme.encode()) if readme else None,
            readme_text=readme,
            tree_paths=paths,
            head_oid=rid,
            files=tuple(sorted(texts.items())),
        )
        result = found(target.key, derive(facts, empty=not files), empty=not files)
        if unread and source_files(paths) == 0:
            return replace(result, unanswered=frozenset(EVIDENCE_COLUMNS))
        return result


def _resource_type(m: dict[str, Any]) -> str:
    """`software`, `dataset`, `publication`...: Zenodo's `type`, or InvenioRDM's `id`
    (`publication-article` is a publication)."""
    rt = m.get("resource_type")
    if not isinstance(rt, dict):
        return ""
    value = rt.get("type") or rt.get("id") or ""
    return str(value).split("-", 1)[0].lower()


def _file_keys(r: dict[str, Any]) -> list[str]:
    """The record's file names: Zenodo lists them, InvenioRDM nests them under `entries`."""
    files = r.get("files")
    if isinstance(files, dict):
        files = files.get("entries") or []
        if isinstance(files, dict):
            files = list(files.values())
    return [str(f["key"]) for f in files or () if isinstance(f, dict) and f.get("key")]


def _tree(
    api: HostClient, rid: str, keys: list[str], *, open_archives: bool
) -> tuple[tuple[str, ...], bool]:
    """The record's files, with each listed zip's entries under `{key}/`; and whether an
    archive of a software record stayed closed."""
    paths: list[str] = []
    unread = False
    for key in keys:
        low = key.lower()
        if not (open_archives and low.endswith(ARCHIVES)):
            paths.append(key)
            continue
        inside = _listing(api, rid, key) if low.endswith(LISTED) else None
        if inside is None:
            paths.append(key)
            unread = True
        else:
            paths += [f"{key}/", *(f"{key}/{p}" for p in inside)]
    return tuple(sorted(set(paths)))[:MAX_TREE_PATHS], unread


def _listing(api: HostClient, rid: str, key: str) -> list[str] | None:
    """A zip's entries (folders ending in `/`), None when the API does not list it."""
    answer = api.get_json(f"/records/{rid}/files/{quote(key, safe='')}/container")
    if host_stop(answer) is not None:
        need(answer, "archive listing")  # raises HostStopped
    if not answer.ok or not isinstance(answer.data, dict) or answer.data.get("truncated"):
        return None
    out: list[str] = []
    _walk(answer.data.get("entries") or [], "", out)
    return out


def _walk(entries: list[Any], prefix: str, out: list[str]) -> None:
    for e in entries:
        if not isinstance(e, dict) or not e.get("key"):
            continue
        key = str(e["key"])
        path = key if key.startswith(prefix) else prefix + key
        if e.get("type") == "directory" or isinstance(e.get("entries"), list):
            out.append(path.rstrip("/") + "/")
            _walk(e.get("entries") or [], path.rstrip("/") + "/", out)
        else:
            out.append(path)


def _files(api: HostClient, rid: str, paths: tuple[str, ...]) -> dict[str, str]:
    """The README and evidence files at the record's root, by name."""
    present = set(paths)
    wanted = [p for p in (readme_path(paths), *EVIDENCE_FILES) if p and p in present]
    texts = {}
    for path in wanted:
        answer = api.get_text(f"/records/{rid}/files/{quote(path, safe='')}/content")
        texts[path] = str(need(answer, path))
    return texts


def _text_of(value: object) -> str:
    """Plain text of a field Zenodo may write in HTML (the description)."""
    return _TAG.sub("", value).strip() if isinstance(value, str) else ""


def _license(m: dict[str, Any]) -> str | None:
    """Zenodo's `license.id`, or InvenioRDM's first `rights` id, as SPDX."""
    lic = m.get("license")
    rights = m.get("rights") if isinstance(m.get("rights"), list) else []
    value = lic.get("id") if isinstance(lic, dict) else lic
    if not value and rights and isinstance(rights[0], dict):
        value = rights[0].get("id") or rights[0].get("title")
    if not isinstance(value, str) or not value.strip():
        return None
    return spdx_of(value) or "NOASSERTION"


def _topics(m: dict[str, Any], rid: str, asked: str, r: dict[str, Any]) -> tuple[str, ...]:
    """The resource type first, the version a concept DOI resolved to, whether a newer
    version exists, then the keywords."""
    out = [f"resource_type:{_resource_type(m) or 'unknown'}"]
    if rid != asked:
        out.append(f"version:{rid}")
    latest = _RECORD_PATH.search(urlsplit(str((r.get("links") or {}).get("latest") or "")).path)
    versions = (m.get("relations") or {}).get("version") or [{}]
    newer = (
        versions[0].get("is_last") is False or (r.get("versions") or {}).get("is_latest") is False
    )
    if newer or (latest and latest[1] != rid):
        out.append(f"newer_version:{latest[1] if latest and latest[1] != rid else 'yes'}")
    out += [str(k) for k in m.get("keywords") or () if isinstance(k, str)]
    return tuple(dict.fromkeys(out))[:MAX_TOPICS]
