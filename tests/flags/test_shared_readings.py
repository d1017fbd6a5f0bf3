"""The readings probes share are worked out once per paper (`tracker.flags.facts.derived`):
that memo must never change an answer. On varied facts, judging a paper whose memo is full
(judged before, under another day and other thresholds) equals judging a fresh copy, and each
shared reading equals its plain definition.

`benchmarks/bench_flag.py --against` holds a whole flag run to an earlier checkout, row by row."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from hypothesis import given, settings
from hypothesis import strategies as st

from tracker.flags.facts import (
    NOT_CODE_ROLES,
    READ_DEFINITELY,
    READ_KINDS,
    ProbeContext,
    code_links,
    delivers_code,
    is_up,
    unread_pages,
)
from tracker.flags.probes.common import checked_up
from tracker.flags.run import flag_paper
from tracker.hosts import is_code_target
from tracker.models import (
    Availability,
    HubState,
    LinkFacts,
    PaperFacts,
    RepoState,
    StatusClaim,
)

T0 = dt.datetime(2024, 3, 1, tzinfo=dt.UTC)
DAYS = st.integers(min_value=-400, max_value=400)


def _when(days: int | None) -> dt.datetime | None:
    return None if days is None else T0 + dt.timedelta(days=days)


hubs = st.builds(
    HubState,
    status=st.sampled_from(["ok", "not_found", "forbidden", "unknown", "unchecked", "moved"]),
    status_reason=st.sampled_from(["", "401: missing token", "429"]),
    weight_files=st.integers(0, 3),
    gated=st.sampled_from([None, "auto"]),
)


@st.composite
def repos(draw: st.DrawFn) -> RepoState:
    status = draw(
        st.sampled_from(["ok", "moved", "empty", "not_found", "unknown", "unchecked", "blocked"])
    )
    return RepoState(
        key=draw(st.sampled_from(["lab/model", "lab/other", "old/name"])),
        full_name=draw(st.sampled_from(["lab/model", "Lab/Model", "new/name", ""])),
        status=status,
        status_reason=draw(st.sampled_from(["", "nxdomain", "403: rate limited"])),
        http_status=draw(st.sampled_from([None, 404, 410, 403, 500])),
        dead_confirmations=draw(st.integers(0, 3)),
        stars=draw(st.one_of(st.none(), st.integers(0, 50))),
        archived=draw(st.booleans()),
        pushed_at=_when(draw(st.one_of(st.none(), DAYS))),
        license_spdx=draw(st.sampled_from([None, "MIT", "NOASSERTION", "CC-BY-NC-4.0"])),
        license_claims=draw(st.sampled_from([(), ("MIT",), ("Apache-2.0",)])),
        placeholder=draw(st.sampled_from([None, True, False])),
        placeholder_reasons=draw(st.sampled_from([(), ("coming soon",)])),
        has_weights=draw(st.sampled_from([None, True, False])),
        weights_evidence=draw(
            st.sampled_from(
                [
                    (),
                    ("file model.pth",),
                    ("Hub model/lab/model",),
                    ("checkpoint link https://huggingface.co/other/m/",),
                ]
            )
        ),
        source_files=draw(st.sampled_from([None, 0, 12])),
        first_ok_at=_when(draw(st.one_of(st.none(), DAYS))),
        last_checked_at=_when(draw(st.one_of(st.none(), DAYS))),
        ever_up=draw(st.booleans()),
        kind=draw(st.sampled_from([None, "code", "model_card", "reading_list"])),
        license_terms=draw(st.sampled_from(["", "non-commercial use only"])),
        hub_models=draw(st.sampled_from([(), (("model/lab/model", HubState("ok", "", 2)),)])),
    )


links = st.builds(
    LinkFacts,
    url=st.sampled_from(
        [
            "https://github.com/lab/model",
            "https://github.com/lab",
            "https://huggingface.co/lab/model",
            "https://lab.github.io/model",
            "https://bit.ly/x",
        ]
    ),
    kind=st.sampled_from(
        ["github_repo", "github_owner", "hf_model", "hf_space", "project_page", "shortlink"]
    ),
    role=st.sampled_from(["code", "weights", "data", "other"]),
    provenance=st.just("abstract"),
    official=st.sampled_from(["official", "likely_official", "community"]),
    linked_repo=st.sampled_from([None, "lab/model", "old/name"]),
    resolve_status=st.sampled_from([None, "ok", "not_found", "unknown", "blocked"]),
    hub=st.one_of(st.none(), hubs),
    repo=st.one_of(st.none(), repos()),
)
claims = st.builds(
    StatusClaim,
    status=st.sampled_from(list(Availability)),
    evidence=st.sampled_from(["", "Code will be released."]),
    condition=st.sampled_from(["", "upon acceptance", "in March 2024"]),
)
papers = st.builds(
    PaperFacts,
    key=st.just("arxiv:2403.00001"),
    title=st.just("A paper"),
    published=st.one_of(st.none(), st.dates(dt.date(2023, 6, 1), dt.date(2024, 12, 31))),
    venue_date=st.one_of(st.none(), st.just(dt.date(2024, 6, 1))),
    first_seen=st.one_of(st.none(), st.just(dt.date(2024, 3, 2))),
    arxiv_id=st.sampled_from([None, "2403.00001", "hep-th/9901001"]),
    code=claims,
    weights=claims,
    links=st.lists(links, max_size=4).map(tuple),
    acknowledged=st.sampled_from([frozenset(), frozenset({"no_license", "stale"})]),
)
contexts = st.builds(
    ProbeContext,
    today=st.dates(dt.date(2023, 1, 1), dt.date(2026, 1, 1)),
    grace_days=st.sampled_from([0, 30, 90]),
    stale_months=st.sampled_from([1, 12]),
)


@settings(max_examples=300, deadline=None)
@given(papers, contexts, contexts)
def test_a_paper_judged_before_is_judged_as_a_fresh_one(
    facts: PaperFacts, earlier: ProbeContext, ctx: ProbeContext
) -> None:
    flag_paper(facts, earlier)
    assert facts.derived  # the memo is in use, or this test proves nothing
    fresh = replace(facts)
    assert not fresh.derived
    assert flag_paper(facts, ctx) == flag_paper(fresh, ctx)
    assert flag_paper(facts, ctx) == flag_paper(fresh, ctx)  # both memos full now


@settings(max_examples=300, deadline=None)
@given(papers)
def test_shared_readings_are_their_plain_definitions(facts: PaperFacts) -> None:
    for _ in range(2):  # worked out, then remembered
        assert code_links(facts) == tuple(
            lk
            for lk in facts.links
            if is_code_target(lk.kind, lk.role, lk.linked_repo)
            and lk.role not in NOT_CODE_ROLES
            and lk.official != "community"
        )
        up = [lk for lk in code_links(facts) if lk.repo is not None and is_up(lk.repo)]
        assert checked_up(facts) == tuple(
            [lk for lk in up if delivers_code(lk.repo)]  # type: ignore[arg-type]
            + [lk for lk in up if not delivers_code(lk.repo)]  # type: ignore[arg-type]
        )
        assert unread_pages(facts) == tuple(
            lk
            for lk in facts.links
            if lk.kind in READ_KINDS
            and lk.official != "community"
            and lk.role not in ("data", "other")
            and lk.resolve_status not in READ_DEFINITELY
        )


def test_other_facts_get_their_own_readings() -> None:
    """`dataclasses.replace` (how a paper's facts are amended) starts an empty memo."""
    up = RepoState(key="lab/model", status="ok", source_files=3)
    code = LinkFacts("https://github.com/lab/model", "github_repo", "code", "abstract", repo=up)
    page = LinkFacts("https://lab.github.io/m", "project_page", "code", "abstract")
    facts = PaperFacts("arxiv:2403.00001", "A paper", dt.date(2024, 3, 1), links=(code,))
    assert code_links(facts) == (code,) and unread_pages(facts) == ()
    other = replace(facts, links=(page,))
    assert code_links(other) == () and unread_pages(other) == (page,)
    assert code_links(facts) == (code,)
