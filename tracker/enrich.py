"""`enrich`: discovery for stored papers under a budget, wired store -> check -> store.

Papers are read in one short transaction, discovered concurrently (only the network is
concurrent; per-host pacing lives in the web policy), and each paper's findings are saved in its
own transaction as it finishes, so an interrupted run keeps what it learned.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace

from sqlalchemy import Engine

from tracker.check.discover import Discoverer, Discovery
from tracker.check.web import HostGate, Resolver, WebPolicy, system_resolver
from tracker.config import Settings, scrub
from tracker.http import RUN_RETRY_BUDGET_S, HttpPolicy, RetryBudget, make_client
from tracker.models import EnrichSummary
from tracker.store.enrich import (
    count_to_enrich,
    papers_to_enrich,
    save_arxiv_date,
    save_discovered,
    save_enrichment,
    save_found_arxiv_id,
    save_hf_results,
    save_reads,
    save_resolutions,
)

DEFAULT_BUDGET = 50
WORKERS = 4


@dataclass(frozen=True)
class EnrichOptions:
    """Knobs of one enrich pass beyond `Settings`."""

    budget: int = DEFAULT_BUDGET
    """Papers looked at in this run; the rest wait for the next one."""
    pdf: bool = True
    resolver: Resolver = system_resolver
    connect_to: Mapping[str, str] = field(default_factory=dict)
    host_interval_s: float = 0.25
    http: HttpPolicy | None = None
    workers: int = WORKERS


def _http_policy(settings: Settings, options: EnrichOptions) -> HttpPolicy:
    if options.http is not None:
        return options.http
    return HttpPolicy(
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_retries,
        secrets=settings.secrets(),
        retry_budget=RetryBudget(RUN_RETRY_BUDGET_S),
    )


def _scrubbed(d: Discovery, secrets: tuple[str, ...]) -> Discovery:
    """Server text (notes, read and Hub reasons) without any secret a server echoed."""
    if not secrets:
        return d
    return replace(
        d,
        notes=tuple(scrub(n, secrets) for n in d.notes),
        reads=tuple((u, st, scrub(why, secrets)) for u, st, why in d.reads),
        hf=tuple(replace(h, reason=scrub(h.reason, secrets)) for h in d.hf),
    )


def _save(engine: Engine, d: Discovery) -> int:
    pid = d.target.paper_id
    with engine.begin() as conn:
        new = save_discovered(conn, pid, d.found)
        save_resolutions(conn, pid, d.resolved)
        # a shortlink is only as read as the page it led to
        alias_of = {final: alias for alias, final in d.resolved}
        behind = [(alias_of[u], st, why) for u, st, why in d.reads if u in alias_of and st != "ok"]
        save_reads(conn, pid, [*d.reads, *behind])
        if d.published is not None and not d.target.dated:
            save_arxiv_date(conn, pid, d.published)
        save_hf_results(conn, d.hf)
        found_id = d.arxiv_id if d.arxiv_id_found else None
        if found_id:
            save_found_arxiv_id(conn, pid, found_id)
        save_enrichment(
            conn,
            pid,
            complete=d.unknown == 0,
            links_found=len(d.found),
            arxiv_id_found=found_id,
            notes=d.notes,
        )
    return new


def enrich_papers(
    engine: Engine,
    settings: Settings,
    *,
    options: EnrichOptions | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> EnrichSummary:
    """Discover code and weights for up to `options.budget` papers not yet enriched;
    `progress` is told how many of how many were looked at, after each."""
    opts = options or EnrichOptions()
    with engine.connect() as conn:
        waiting = count_to_enrich(conn)
        targets = papers_to_enrich(conn, max(0, opts.budget))
    policy = WebPolicy(
        allow_private=settings.allow_private,
        resolver=opts.resolver,
        connect_to=dict(opts.connect_to),
        gate=HostGate(interval_s=opts.host_interval_s),
    )
    totals: dict[str, int] = dict.fromkeys(
        ("enriched", "links", "ids", "hf", "web", "refused", "unknown"), 0
    )
    notes: list[str] = []
    with make_client(_http_policy(settings, opts)) as client:
        finder = Discoverer(client, settings, policy, pdf=opts.pdf)
        with ThreadPoolExecutor(max_workers=max(1, opts.workers)) as pool:
            for found in pool.map(finder.discover, targets):
                d = _scrubbed(found, settings.secrets())
                totals["links"] += _save(engine, d)
                totals["enriched"] += 1
                totals["ids"] += d.arxiv_id_found
                totals["hf"] += len(d.hf)
                totals["web"] += d.web_resolved
                totals["refused"] += d.refused
                totals["unknown"] += d.unknown
                notes.extend(f"{d.target.title[:60]}: {n}" for n in d.notes)
                if progress is not None:
                    progress(totals["enriched"], len(targets))
    return EnrichSummary(
        papers_considered=len(targets),
        papers_enriched=totals["enriched"],
        links_found=totals["links"],
        arxiv_ids_found=totals["ids"],
        hf_repos_checked=totals["hf"],
        web_resolved=totals["web"],
        refused=totals["refused"],
        unknown=totals["unknown"],
        over_budget=max(0, waiting - len(targets)),
        notes=tuple(notes),
    )
