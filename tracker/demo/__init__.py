"""The bundled example, offline: a listing and local services that answer for every link in it.

`tracker demo` runs the stages of `tracker run` against the project's own emulators (GitHub,
GitLab, the Hugging Face Hub, arXiv and the web) loaded with `scenario.json`, so a fresh install shows
each kind of verdict without network access or tokens. The scenario's dates are moved by whole
days so that its `now` is today: the story (and the verdicts) read the same on any day.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tracker.config import Settings
from tracker.demo.pdf import text_pdf
from tracker.emulators.arxiv import ArxivEmulator
from tracker.emulators.base import EmulatorServer
from tracker.emulators.github import GitHubEmulator
from tracker.emulators.gitlab import GitLabEmulator
from tracker.emulators.huggingface import HuggingFaceEmulator
from tracker.emulators.software_heritage import SoftwareHeritageEmulator
from tracker.emulators.wayback import WaybackEmulator
from tracker.emulators.web import WebEmulator
from tracker.enrich import EnrichOptions
from tracker.flags.verdict import VerdictKind
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import CheckSummary, EnrichSummary, PaperView, ReportSummary
from tracker.pipeline import RunPlan

HERE = Path(__file__).resolve().parent
LISTING = HERE / "hf-trending.txt"
SCENARIO = HERE / "scenario.json"
DEMO_TOKEN = "demo-token"
"""The GitHub emulator's only valid token: with a token, checks take the GraphQL path."""

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}(?=$|T\d{2}:\d{2}:\d{2}(?:\.\d+)?Z$)")


def _shift(value: Any, days: int) -> Any:
    """`value` with every ISO date (in strings and in timeline keys) moved by `days`."""
    if isinstance(value, dict):
        return {_shift(k, days): _shift(v, days) for k, v in value.items()}
    if isinstance(value, list):
        return [_shift(v, days) for v in value]
    if isinstance(value, str) and (m := _DATE.match(value)):
        day = dt.date.fromisoformat(m.group(0)) + dt.timedelta(days=days)
        return day.isoformat() + value[m.end() :]
    return value


def load_scenario(today: dt.date | None = None, path: Path = SCENARIO) -> dict[str, Any]:
    """The demo scenario with its clock on `today` (UTC today by default)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    start = dt.date.fromisoformat(raw["now"][:10])
    return dict(_shift(raw, ((today or dt.datetime.now(dt.UTC).date()) - start).days))


_NOWHERE = "http://127.0.0.1:9"
"""A closed local port: look-ups there end at once, and nothing leaves the machine."""


def _no_dns(host: str) -> list[str]:
    """Nothing resolves: a host the emulators do not serve stays unknown, never the internet."""
    return []


@dataclass(frozen=True)
class Services:
    """The emulators of one demo run, and how to point the pipeline at them."""

    github: GitHubEmulator
    hub: HuggingFaceEmulator
    arxiv: ArxivEmulator
    web: WebEmulator
    web_hosts: tuple[str, ...]
    hosts: dict[str, EmulatorServer] = field(default_factory=dict)
    """Code hosts other than GitHub (`gitlab.com`...), each served by its emulator."""
    archives: tuple[EmulatorServer, ...] = ()
    """Software Heritage and the Wayback Machine, when the demo serves them."""

    def settings(self, db_url: str) -> Settings:
        """Only the emulators' endpoints and the demo token: no environment token leaks in."""
        swh, wayback = self._archive_urls()
        return Settings(
            db_url=db_url,
            github_token=DEMO_TOKEN,
            github_api_url=self.github.url,
            hf_endpoint=self.hub.url,
            arxiv_api_url=f"{self.arxiv.url}/api/query",
            swh_api_url=swh,
            wayback_api_url=wayback,
        )

    def _archive_urls(self) -> tuple[str, str]:
        """The archive emulators' addresses (without them, the archives stay out of reach)."""
        if len(self.archives) != 2:
            return _NOWHERE, _NOWHERE
        swh, wayback = self.archives
        return f"{swh.url}/api/1", wayback.url

    def plan(self) -> RunPlan:
        """The stages of `tracker run` with its defaults, every host served by an emulator."""
        return RunPlan(
            enrich=self.enrich_options(),
            check={"max_age": dt.timedelta(hours=12), "connect_to": self.check_routes()},
        )

    def check_routes(self) -> dict[str, str]:
        """Code hosts other than GitHub, served by their emulators (as `--connect-to`)."""
        return {host: emu.url for host, emu in self.hosts.items()}

    def enrich_options(self) -> EnrichOptions:
        """Project pages and shortlinks served by the web emulator, as curl's --connect-to."""
        return EnrichOptions(
            connect_to=dict.fromkeys(self.web_hosts, self.web.url),
            resolver=_no_dns,
            host_interval_s=0,
        )


def _arxiv_papers(papers: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entries with `pdf_text` lines get a real PDF showing them."""
    out = []
    for p in papers:
        entry = {k: v for k, v in p.items() if k != "pdf_text"}
        if p.get("pdf_text"):
            entry["pdf"] = text_pdf(p["pdf_text"])
        out.append(entry)
    return out


@contextmanager
def services(scenario: dict[str, Any]) -> Iterator[Services]:
    """Start the emulators on free local ports; they stop when the block ends."""
    pages = scenario["web"]["pages"]
    hosts = tuple(sorted({urlsplit(f"//{key}").hostname or "" for key in pages} - {""}))
    arxiv = {**scenario["arxiv"], "papers": _arxiv_papers(scenario["arxiv"]["papers"])}
    with ExitStack() as stack:
        gh = stack.enter_context(GitHubEmulator({**scenario["github"], "now": scenario["now"]}))
        hub = stack.enter_context(HuggingFaceEmulator(scenario["huggingface"]))
        ax = stack.enter_context(ArxivEmulator(arxiv))
        web = stack.enter_context(WebEmulator(scenario["web"]))
        code_hosts: dict[str, EmulatorServer] = {
            "gitlab.com": stack.enter_context(GitLabEmulator(scenario.get("gitlab", {}))),
        }
        archives = (
            stack.enter_context(SoftwareHeritageEmulator(scenario.get("software_heritage", {}))),
            stack.enter_context(WaybackEmulator(scenario.get("wayback", {}))),
        )
        yield Services(gh, hub, ax, web, hosts, code_hosts, archives)


_VERDICT_ORDER = {kind.value: i for i, kind in enumerate(VerdictKind)}


def _counted(counts: Counter[str], order: dict[str, int] | None = None) -> str:
    keys = sorted(counts, key=lambda k: ((order or {}).get(k, len(order or {})), k))
    return ", ".join(f"{counts[k]} {k}" for k in keys) or "none"


def what_it_showed(
    papers: Sequence[PaperView],
    summary: ReportSummary,
    found: EnrichSummary,
    checked: CheckSummary,
) -> list[str]:
    """A few lines that say what the run demonstrated, counted from what was stored: verdicts
    and flags as every report counts them (`summary`, `tracker.store.summary`)."""
    verdicts = Counter(summary.verdicts)
    discovered = Counter(
        lk.provenance for p in papers for lk in p.links if lk.provenance != "abstract"
    )
    statuses = Counter(
        lk.repo_status or "unchecked"
        for p in papers
        for lk in p.links
        if lk.kind in REPO_LINK_KINDS
    )
    flags = Counter(summary.flagged)
    return [
        f"{len(papers)} papers from the bundled listing, checked against local emulators of "
        "GitHub, GitLab, the Hugging Face Hub, arXiv and the web (no network, no account)",
        f"verdicts: {_counted(verdicts, _VERDICT_ORDER)}",
        f"beyond the abstract: {sum(discovered.values())} links found ({_counted(discovered)}); "
        f"arXiv IDs matched by exact title: {found.arxiv_ids_found}; "
        f"Hub repositories checked: {found.hf_repos_checked}",
        f"code hosts ({checked.transport}): {checked.checked} repositories checked; "
        f"linked repositories {_counted(statuses)}",
        f"flags: {_counted(flags)}",
    ]
