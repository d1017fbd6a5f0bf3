"""Verifying on the Hugging Face Hub the models repositories name as their weights.

A README that links `huggingface.co/lab/model`, calls `from_pretrained("lab/model")`, or points
at a collection or at the lab's Hub page says where weights should be; only the Hub can say
whether they are there. After the flag run's judgement has found those references in the stored
evidence, each one not looked up lately is asked for once: a model (existing, gated, private,
gone; its weight files), a collection or an organization (the models it lists, then those models
until one holds weight files, at most `MODELS_PER_LISTING`). Answers are stored like every other
Hub answer (`hf_repo`, a collection or organization under `collection/...` and `org/...` with
the listed models that hold weights as its `weight_files`). Wired store -> check -> store; the
look-ups are the network part, bounded per run. The flag run then counts a reference as weights
only when the Hub did not deny it (`tracker.flags.facts.hub_answer`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import httpx
from sqlalchemy import Engine

from tracker.check.huggingface import (
    Answer,
    fetch_hf_author_models,
    fetch_hf_collection_models,
    fetch_hf_repo,
)
from tracker.config import Settings, scrub
from tracker.flags.run import judge_repositories
from tracker.http import RUN_RETRY_BUDGET_S, HttpPolicy, RetryBudget, make_client
from tracker.models import HfCheckResult, HfRepoFacts, RepoStatus
from tracker.store.enrich import save_hf_results
from tracker.store.facts import hub_refs_to_verify

DEFAULT_BUDGET = 200
"""References looked up per run; the rest wait for the next run (never-asked first)."""
MAX_AGE = dt.timedelta(days=7)
MODELS_PER_LISTING = 5


def _listing(
    client: httpx.Client, s: Settings, kind: str, ref: str
) -> tuple[HfCheckResult, list[HfCheckResult]]:
    """A collection's or organization's answer, and the answers of the models it lists."""
    listed: Answer[tuple[str, ...]] = (
        fetch_hf_collection_models(client, s.hf_endpoint, ref, s.hf_token)
        if kind == "collection"
        else fetch_hf_author_models(client, s.hf_endpoint, ref, s.hf_token)
    )
    if listed.value is None:
        return HfCheckResult(ref, kind, listed.status, listed.reason, listed.http_status), []
    models: list[HfCheckResult] = []
    for model_id in listed.value[:MODELS_PER_LISTING]:
        models.append(fetch_hf_repo(client, s.hf_endpoint, "model", model_id, s.hf_token))
        if models[-1].facts is not None and models[-1].facts.weight_files:
            break
    holding = tuple(m.target for m in models if m.facts is not None and m.facts.weight_files)
    facts = HfRepoFacts(ref, kind, weight_files=holding, file_count=len(listed.value))
    return HfCheckResult(ref, kind, RepoStatus.OK, "", 200, facts), models


def verify_hub_models(
    engine: Engine,
    settings: Settings,
    *,
    budget: int = DEFAULT_BUDGET,
    policy: HttpPolicy | None = None,
) -> int:
    """Look up on the Hub what stored evidence names; returns how many references were asked."""
    judge_repositories(engine)
    cutoff = dt.datetime.now(dt.UTC) - MAX_AGE
    with engine.connect() as conn:
        keys = hub_refs_to_verify(conn, cutoff, budget)
    if not keys:
        return 0
    http = policy or HttpPolicy(
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_retries,
        secrets=settings.secrets(),
        retry_budget=RetryBudget(RUN_RETRY_BUDGET_S),
    )
    results: list[HfCheckResult] = []
    with make_client(http) as client:
        for key in keys:
            kind, _, ref = key.partition("/")
            if kind == "model":
                results.append(
                    fetch_hf_repo(client, settings.hf_endpoint, "model", ref, settings.hf_token)
                )
            else:
                listing, models = _listing(client, settings, kind, ref)
                results += [listing, *models]
    secrets = settings.secrets()
    clean = [replace(r, reason=scrub(r.reason, secrets)) for r in results]
    with engine.begin() as conn:
        save_hf_results(conn, clean)
    return len(keys)
