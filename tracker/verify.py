"""Verifying on the Hugging Face Hub the models repositories name as their weights.

A README that links `huggingface.co/lab/model` or calls `from_pretrained("lab/model")` says
where weights should be; only the Hub can say whether they are there. After the flag run's
judgement has found those references in the stored evidence, each model not looked up lately is
asked for once (existing, gated, private, gone; its weight files), and the answer is stored
like every other Hub answer (`hf_repo`). Wired store -> check -> store; the look-ups are the
network part, bounded by a budget per run. The flag run then counts a referenced model as
weights only when the Hub did not deny it (`tracker.flags.facts.own_weights_evidence`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine

from tracker.check.huggingface import fetch_hf_repo
from tracker.config import Settings
from tracker.flags.run import judge_repositories
from tracker.http import HttpPolicy, make_client
from tracker.store.enrich import save_hf_results
from tracker.store.facts import hub_models_to_verify

DEFAULT_BUDGET = 200
"""Hub look-ups per run; the rest wait for the next run (oldest answers first)."""
MAX_AGE = dt.timedelta(days=7)


def verify_hub_models(
    engine: Engine,
    settings: Settings,
    *,
    budget: int = DEFAULT_BUDGET,
    policy: HttpPolicy | None = None,
) -> int:
    """Look up on the Hub the models stored evidence names; returns how many were asked."""
    judge_repositories(engine)
    cutoff = dt.datetime.now(dt.UTC) - MAX_AGE
    with engine.connect() as conn:
        ids = hub_models_to_verify(conn, cutoff, budget)
    if not ids:
        return 0
    http = policy or HttpPolicy(
        timeout_s=settings.timeout_s, max_attempts=settings.max_retries, secrets=settings.secrets()
    )
    with make_client(http) as client:
        results = [
            fetch_hf_repo(client, settings.hf_endpoint, "model", i, settings.hf_token) for i in ids
        ]
    with engine.begin() as conn:
        save_hf_results(conn, results)
    return len(results)
