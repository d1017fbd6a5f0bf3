"""Flagging stored papers: read facts, run the pure probes, store answers and verdicts.

The only module of `tracker.flags` that touches the database (through `tracker.store`), so
`tracker run`, `tracker flag` and `tracker ack` share one code path.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from sqlalchemy import Engine

from tracker.config import Settings
from tracker.flags.facts import ProbeContext
from tracker.flags.judge import RULES_VERSION, columns, judge
from tracker.flags.probes import run_probes
from tracker.flags.verdict import verdict
from tracker.models import FlagSummary, Outcome, PaperFacts
from tracker.store.facts import iter_paper_facts
from tracker.store.findings import PaperFlags, save_findings
from tracker.store.judged import pending_judgements, save_judgements
from tracker.store.rollup import fingerprint, rollup_links, save_mark


def flag_paper(facts: PaperFacts, ctx: ProbeContext) -> PaperFlags:
    """Every probe's answer and the verdict for one paper (pure)."""
    findings = run_probes(facts, ctx)
    kind, text = verdict(facts, findings)
    true = sorted({f.code for f in findings if f.outcome is Outcome.TRUE} - {"code_delivered"})
    return PaperFlags(
        facts.key,
        findings,
        kind.value,
        text,
        flags=" ".join(c for c in true if c not in facts.acknowledged),
        acknowledged=" ".join(c for c in true if c in facts.acknowledged),
        rollup=rollup_links(facts.links),
        release_days=next(
            (
                f.measure
                for f in findings
                if f.code == "code_delivered" and f.outcome is Outcome.TRUE
            ),
            None,
        ),
    )


def judge_repositories(engine: Engine, *, everything: bool = False) -> int:
    """Judge the stored evidence of every repository whose evidence or rules changed since its
    last judgement (all of them with `everything`); no network. Returns how many changed."""
    changed = 0
    with engine.connect() as conn:
        for batch in pending_judgements(conn, RULES_VERSION, everything=everything):
            changed += save_judgements(conn, [(p, columns(judge(p.evidence))) for p in batch])
            conn.commit()
    return changed


def flag_papers(
    engine: Engine,
    settings: Settings,
    *,
    keys: Sequence[str] | None = None,
    today: dt.date | None = None,
) -> FlagSummary:
    """Flag every stored paper (or those with `keys`); one transaction per batch.

    A run over every paper also marks the rolled-up link columns current (`tracker.store.rollup`)
    as of what the database held when it started.
    """
    ctx = ProbeContext(
        today=today or dt.datetime.now(dt.UTC).date(),
        grace_days=settings.grace_days,
        stale_months=settings.stale_months,
    )
    flagged: Counter[str] = Counter()
    verdicts: Counter[str] = Counter()
    papers = 0
    judge_repositories(engine)
    with engine.connect() as conn:
        mark = fingerprint(conn) if keys is None else None
        for batch in iter_paper_facts(conn, keys):
            results = [flag_paper(f, ctx) for f in batch]
            save_findings(conn, results)
            conn.commit()
            for facts, res in zip(batch, results, strict=True):
                papers += 1
                verdicts[res.verdict_kind] += 1
                flagged.update(
                    f.code
                    for f in res.findings
                    if f.outcome is Outcome.TRUE and f.code not in facts.acknowledged
                )
        if mark is not None:
            save_mark(conn, mark)
            conn.commit()
    return FlagSummary(papers=papers, flagged=dict(flagged), verdicts=dict(verdicts))
