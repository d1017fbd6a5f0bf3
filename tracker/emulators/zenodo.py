"""A Zenodo (InvenioRDM) REST API emulator: records, their files, zip listings, versions.

It answers the way Zenodo documents where that matters to a checker: `GET /api/records/{id}`
gives the record in Zenodo's JSON (`metadata.resource_type.type`, `metadata.license.id`, `doi`
and `conceptdoi`, `files` with `key` and `size`, `links.latest`); a concept (all-versions) id
is not a record and answers 404 there, while `/api/records/{id}/versions/latest` redirects
(`302`) from a concept or any version to the latest version; a deleted record answers `410`;
a record merged into another answers `301` to it; a file's bytes are at
`/files/{key}/content` and a zip's entries at `/files/{key}/container` (InvenioRDM's
container listing, nested `entries`); a bad token is a `401`; requests are counted in a fixed
window with `X-RateLimit-Limit/Remaining/Reset` (an epoch second) and `429` over the limit.
Scenario::

    {
      "records": {
        "123": {"title": "...", "resource_type": "software", "license": "mit",
                "concept": "120", "version": "v1.0", "publication_date": "2024-05-01",
                "keywords": ["graphs"], "files": {"README.md": "# Tool",
                                                  "tool-v1.0.zip": {"tool/run.py": "..."}},
                "container": True, "deleted": False, "merged_into": None},
      },
      "tokens": ["zenodo-valid"],
      "mode": "api",            # "html": every answer an HTML page; "login": 302 to sign-in
      "rate_limit": {"limit": 100, "window_s": 60},
    }

A file whose value is a mapping is an archive of those entries; `container: False` turns the
listing off (a deployment without it, or a `.tar.gz`, which no listing reads).
"""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import unquote

from tracker.emulators.base import EmulatorServer, Request, Response
from tracker.emulators.ratelimit import FixedWindow

_NOT_FOUND = {"status": 404, "message": "The persistent identifier does not exist."}


class ZenodoEmulator(EmulatorServer):
    """Serves `/api/records/...` for the records of a scenario."""

    def __init__(self, scenario: dict[str, Any] | None = None, faults=None, port: int = 0):
        super().__init__(faults=faults, port=port)
        scenario = scenario or {}
        self.records: dict[str, dict[str, Any]] = {
            str(k): dict(v) for k, v in scenario.get("records", {}).items()
        }
        self.tokens: set[str] = set(scenario.get("tokens", []))
        self.mode: str = scenario.get("mode", "api")
        self.window = FixedWindow.from_scenario(scenario.get("rate_limit"), 100, 60)

    def handle(self, req: Request) -> Response:
        if self.mode == "html":
            return Response.text("<html><body>Zenodo</body></html>", 200, "text/html")
        if self.mode == "login":
            return Response(302, b"", {"Location": "/login/?next=%2Fapi%2Frecords"})
        remaining, reset = self.window.hit()
        headers = {
            "X-RateLimit-Limit": str(self.window.limit),
            "X-RateLimit-Remaining": str(max(remaining, 0)),
            "X-RateLimit-Reset": str(int(time.time()) + reset),
        }
        if remaining < 0:
            headers["Retry-After"] = str(reset)
            body = {"status": 429, "message": "Too many requests."}
            return Response.json(body, status=429, headers=headers)
        auth = req.headers.get("authorization", "")
        if auth and auth.removeprefix("Bearer ") not in self.tokens:
            body = {
                "status": 401,
                "message": "The server could not verify that you are authorized.",
            }
            return Response.json(body, status=401, headers=headers)
        resp = self._route(req)
        resp.headers.update(headers)
        return resp

    def _route(self, req: Request) -> Response:
        parts = [unquote(p) for p in req.path.split("/") if p]
        if len(parts) < 3 or parts[:2] != ["api", "records"]:
            return Response.json({"status": 404, "message": "Not found."}, status=404)
        rid, rest = parts[2], parts[3:]
        if rest == ["versions", "latest"]:
            return self._latest(rid)
        with self.lock:
            record = self.records.get(rid)
        if record is None:
            return Response.json(_NOT_FOUND, status=404)
        if record.get("deleted"):
            return Response.json({"status": 410, "message": "The record has been deleted."}, 410)
        if record.get("merged_into"):
            tail = "/" + "/".join(rest) if rest else ""
            return Response(301, b"", {"Location": f"/api/records/{record['merged_into']}{tail}"})
        if not rest:
            return Response.json(self._record(rid, record))
        if len(rest) >= 3 and rest[0] == "files" and rest[-1] in ("content", "container"):
            return self._file(record, "/".join(rest[1:-1]), rest[-1])
        return Response.json({"status": 404, "message": "Not found."}, status=404)

    def _latest(self, rid: str) -> Response:
        with self.lock:
            concept = self.records[rid].get("concept", rid) if rid in self.records else rid
            versions = [k for k, r in self.records.items() if r.get("concept", k) == concept]
        live = [k for k in versions if not self.records[k].get("deleted")]
        if not live:
            return Response.json(_NOT_FOUND, status=404)
        return Response(302, b"", {"Location": f"/api/records/{max(live, key=int)}"})

    def _record(self, rid: str, r: dict[str, Any]) -> dict[str, Any]:
        concept = str(r.get("concept", int(rid) - 1))
        with self.lock:
            siblings = [k for k, x in self.records.items() if str(x.get("concept")) == concept]
        latest = max([rid, *siblings], key=int)
        base = "https://zenodo.org/api/records"
        metadata: dict[str, Any] = {
            "title": r.get("title", f"Record {rid}"),
            "doi": f"10.5281/zenodo.{rid}",
            "publication_date": r.get("publication_date", "2024-01-01"),
            "description": r.get("description", "<p>Deposited with the paper.</p>"),
            "access_right": "open",
            "resource_type": {"title": r.get("resource_type", "software").title(),
                              "type": r.get("resource_type", "software")},
            "keywords": list(r.get("keywords", [])),
            "relations": {"version": [{"index": 0, "is_last": latest == rid,
                                       "parent": {"pid_type": "recid", "pid_value": concept}}]},
        }  # fmt: skip
        if r.get("version"):
            metadata["version"] = r["version"]
        if r.get("license"):
            metadata["license"] = {"id": r["license"]}
        files = r.get("files", {})
        return {
            "created": r.get("created", "2024-01-01T00:00:00.000000+00:00"),
            "modified": r.get("modified", "2024-06-01T00:00:00.000000+00:00"),
            "id": int(rid),
            "conceptrecid": concept,
            "doi": f"10.5281/zenodo.{rid}",
            "conceptdoi": f"10.5281/zenodo.{concept}",
            "doi_url": f"https://doi.org/10.5281/zenodo.{rid}",
            "metadata": metadata,
            "title": metadata["title"],
            "links": {
                "self": f"{base}/{rid}",
                "html": f"https://zenodo.org/records/{rid}",
                "latest": f"{base}/{latest}",
                "latest_html": f"https://zenodo.org/records/{latest}",
            },
            "files": [
                {
                    "id": f"{i:08x}-0000-0000-0000-000000000000",
                    "key": key,
                    "size": _size(value),
                    "checksum": "md5:00000000000000000000000000000000",
                    "links": {"self": f"{base}/{rid}/files/{key}/content"},
                }
                for i, (key, value) in enumerate(files.items())
            ],
            "stats": {"downloads": r.get("downloads", 0), "views": r.get("views", 0)},
            "state": "done",
            "submitted": True,
        }

    def _file(self, r: dict[str, Any], key: str, what: str) -> Response:
        value = r.get("files", {}).get(key)
        if value is None:
            return Response.json({"status": 404, "message": "File not found."}, status=404)
        if what == "content":
            return Response.text(value if isinstance(value, str) else "PK\x03\x04")
        if not isinstance(value, dict) or not key.endswith(".zip") or not r.get("container", True):
            return Response.json({"status": 404, "message": "No extractor found."}, status=404)
        entries = _tree(value)
        return Response.json({"entries": entries, "total": len(value), "truncated": False})


def _size(value: Any) -> int:
    if isinstance(value, str):
        return len(value.encode())
    return sum(len(v.encode()) for v in value.values())


def _tree(files: dict[str, str]) -> list[dict[str, Any]]:
    """An archive's entries nested by folder, each named by its own key (not the full path)."""
    root: dict[str, Any] = {}
    for path, text in files.items():
        node = root
        *folders, name = path.split("/")
        for folder in folders:
            node = node.setdefault(folder, {})
        node[name] = text

    def entries(node: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for key, value in sorted(node.items()):
            if isinstance(value, dict):
                out.append({"key": key, "type": "directory", "entries": entries(value)})
            else:
                out.append({"key": key, "type": "file", "size": len(value.encode())})
        return out

    return entries(root)
