"""Each probe on hand-built facts, including the traps that fool naive checks."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest

from tracker.extract.licenses import claimed_licenses
from tracker.flags.facts import ProbeContext
from tracker.flags.probes import PROBE_CODES, PROBES, run_probes
from tracker.flags.run import flag_paper
from tracker.models import (
    Availability,
    Finding,
    LinkFacts,
    Outcome,
    PaperFacts,
    RepoState,
    Severity,
    StatusClaim,
)

TODAY = dt.date(2025, 6, 1)
CTX = ProbeContext(today=TODAY, grace_days=90, stale_months=12)
T0 = dt.datetime(2025, 2, 10, 12, 0, tzinfo=dt.UTC)
URL = "https://github.com/lab/model"


def repo(**kw: object) -> RepoState:
    base: dict[str, object] = {
        "key": "lab/model",
        "full_name": "lab/model",
        "status": "ok",
        "stars": 10,
        "license_spdx": "MIT",
        "source_files": 12,
        "first_ok_at": T0,
        "pushed_at": T0,
        "last_checked_at": T0,
    }
    return RepoState(**{**base, **kw})  # type: ignore[arg-type]


def link(r: RepoState | None = None, **kw: object) -> LinkFacts:
    base: dict[str, object] = {
        "url": URL,
        "kind": "github_repo",
        "role": "code",
        "provenance": "abstract",
        "linked_repo": "lab/model",
        "repo": r,
    }
    return LinkFacts(**{**base, **kw})  # type: ignore[arg-type]


def paper(*links: LinkFacts, code: str | StatusClaim = "released", **kw: object) -> PaperFacts:
    claim = (
        code
        if isinstance(code, StatusClaim)
        else StatusClaim(
            Availability(code), "Code is at github.com/lab/model." if code != "none" else ""
        )
    )
    base: dict[str, object] = {
        "key": "arxiv:2501.00001",
        "title": "A paper",
        "published": dt.date(2025, 1, 1),
        "code": claim,
        "links": links,
    }
    return PaperFacts(**{**base, **kw})  # type: ignore[arg-type]


def answer(facts: PaperFacts, code: str) -> Finding:
    return {f.code: f for f in run_probes(facts, CTX)}[code]


def test_every_probe_has_a_definition_and_answers_once() -> None:
    assert len(set(PROBE_CODES)) == len(PROBES) == 14
    assert all(len(p.definition) > 30 for p in PROBES)
    found = run_probes(paper(link(repo())), CTX)
    assert [f.code for f in found] == list(PROBE_CODES)
    assert not [f for f in found if f.outcome is Outcome.ERROR]


def test_a_probe_that_fails_answers_error_and_the_others_still_answer() -> None:
    """Facts no check stores (a push date that is text) make `stale` raise; its answer is an
    ERROR naming the exception, and every other probe answers as on sound facts."""
    broken = paper(link(repo(pushed_at="2025-02-10")))
    found = {f.code: f for f in run_probes(broken, CTX)}
    assert found["stale"] == Finding(
        paper_key="arxiv:2501.00001",
        code="stale",
        outcome=Outcome.ERROR,
        severity=Severity.INFO,
        message="probe failed: AttributeError: 'str' object has no attribute 'date'",
    )
    sound = {f.code: f for f in run_probes(paper(link(repo())), CTX)}
    assert {c: f for c, f in found.items() if c != "stale"} == {
        c: f for c, f in sound.items() if c != "stale"
    }


def test_code_delivered_carries_the_day_and_the_days_from_the_paper() -> None:
    f = answer(paper(link(repo())), "code_delivered")
    assert f == Finding(
        paper_key="arxiv:2501.00001",
        code="code_delivered",
        outcome=Outcome.TRUE,
        severity=Severity.INFO,
        message="code delivered on 2025-02-10, 40 days after the paper",
        evidence=(f"{URL}: ok, 12 source files", "Code is at github.com/lab/model."),
        subject=URL,
        measure=40,
        dated=dt.date(2025, 2, 10),
    )
    assert flag_paper(paper(link(repo())), CTX).verdict == "code available"


def test_promise_overdue_after_grace_counts_from_paper_date() -> None:
    facts = paper(link(repo(status="empty", source_files=0)), code="promised")
    f = answer(facts, "code_promised_missing")
    assert (f.outcome, f.message, f.measure, f.dated) == (
        Outcome.TRUE,
        "promised — overdue by 61 days",
        61,
        dt.date(2025, 4, 1),
    )
    assert "due 2025-04-01: 90 days after the paper date 2025-01-01" in f.evidence
    assert flag_paper(facts, CTX).verdict == "placeholder"


def test_promise_without_link_is_overdue_and_is_the_verdict() -> None:
    facts = paper(code="promised", published=dt.date(2024, 12, 1))
    res = flag_paper(facts, CTX)
    assert res.verdict == "promised — overdue by 92 days"
    assert res.verdict_kind == "overdue"


def test_promise_within_grace_is_pending() -> None:
    facts = paper(code="promised", published=dt.date(2025, 5, 1))
    f = answer(facts, "code_promised_missing")
    assert (f.outcome, f.message) == (Outcome.FALSE, "promised — due in 59 days")
    assert flag_paper(facts, CTX).verdict == "promised — due in 59 days"


def test_upon_acceptance_counts_from_venue_date_when_known() -> None:
    claim = StatusClaim(
        Availability.PROMISED, "Code will be released upon acceptance.", "upon acceptance"
    )
    known = paper(code="promised", published=dt.date(2024, 6, 1), venue_date=dt.date(2025, 4, 1))
    known = replace(known, code=claim)
    assert answer(known, "code_promised_missing").message == "promised — due in 29 days"
    unknown_venue = replace(known, venue_date=None)
    f = answer(unknown_venue, "code_promised_missing")
    assert f.message == "promised — overdue by 275 days"
    assert any("venue date unknown" in e for e in f.evidence)


def test_named_month_is_the_deadline() -> None:
    claim = StatusClaim(Availability.PROMISED, "Code will be out in March 2025.", "in march 2025")
    f = answer(replace(paper(code="promised"), code=claim), "code_promised_missing")
    assert (f.outcome, f.measure, f.dated) == (Outcome.TRUE, 62, dt.date(2025, 3, 31))


def test_dead_needs_two_confirmations_and_a_definite_status() -> None:
    once = paper(link(repo(status="not_found", http_status=404, dead_confirmations=1)))
    assert answer(once, "code_link_dead").outcome is Outcome.NOT_AVAILABLE
    assert answer(once, "unknown").outcome is Outcome.TRUE
    twice = paper(link(repo(status="not_found", http_status=410, dead_confirmations=2)))
    f = answer(twice, "code_link_dead")
    assert (f.outcome, f.severity, f.subject) == (Outcome.TRUE, Severity.HIGH, URL)
    assert flag_paper(twice, CTX).verdict == "dead link"


def test_dead_domain_on_two_checks_is_dead() -> None:
    r = repo(status="unknown", status_reason="NXDOMAIN for lab.example", dead_confirmations=2)
    assert answer(paper(link(r)), "code_link_dead").outcome is Outcome.TRUE


def test_rate_limited_repository_is_unknown_never_dead() -> None:
    r = repo(
        status="unknown", status_reason="429 rate limited", http_status=429, dead_confirmations=0
    )
    facts = paper(link(r), code="promised", published=dt.date(2023, 1, 1))
    by = {f.code: f for f in run_probes(facts, CTX)}
    assert by["code_link_dead"].outcome is Outcome.NOT_AVAILABLE
    assert by["code_promised_missing"].outcome is Outcome.NOT_AVAILABLE
    assert by["unknown"].outcome is Outcome.TRUE
    assert by["unknown"].evidence == (f"{URL}: unknown (429 rate limited)",)
    assert flag_paper(facts, CTX).verdict == "unknown"


def test_coming_soon_text_in_a_repo_with_code_is_not_a_placeholder() -> None:
    r = repo(placeholder=True, placeholder_reasons=("README says coming soon",), source_files=40)
    facts = paper(link(r), code="promised")
    f = answer(facts, "code_placeholder")
    assert f.outcome is Outcome.FALSE
    assert f.evidence == (
        f"{URL}: ok, 40 source files",
        "ignored placeholder text (README says coming soon): the repository has source files",
    )
    assert answer(facts, "code_delivered").outcome is Outcome.TRUE
    assert flag_paper(facts, CTX).verdict == "code available"


def test_readme_only_repository_is_a_placeholder() -> None:
    r = repo(placeholder=True, placeholder_reasons=("README says coming soon",), source_files=None)
    f = answer(paper(link(r)), "code_placeholder")
    assert (f.outcome, f.message) == (Outcome.TRUE, f"placeholder: {URL}")
    assert f.evidence == (f"{URL}: placeholder (README says coming soon)",)


def test_awesome_list_linking_others_models_delivers_neither_code_nor_weights() -> None:
    awesome = repo(
        key="fan/awesome-llms",
        full_name="fan/awesome-llms",
        source_files=0,
        has_weights=True,
        weights_evidence=(
            "https://huggingface.co/meta-llama/Llama-3-8B",
            "https://huggingface.co/Qwen/Qwen2-7B",
        ),
    )
    lk = link(
        awesome,
        url="https://github.com/fan/awesome-llms",
        role="other",
        linked_repo="fan/awesome-llms",
    )
    facts = replace(
        paper(lk, code="none"),
        weights=StatusClaim(Availability.PROMISED, "We will release the weights.", ""),
        published=dt.date(2024, 1, 1),
    )
    by = {f.code: f for f in run_probes(facts, CTX)}
    assert by["code_delivered"].outcome is Outcome.NOT_AVAILABLE
    assert by["weights_promised_missing"].outcome is Outcome.TRUE
    res = flag_paper(facts, CTX)
    assert (res.verdict_kind, res.verdict) == ("weights_missing", "weights missing")


def test_own_weights_in_the_code_repository_count() -> None:
    r = repo(has_weights=True, weights_evidence=("release asset model.safetensors",))
    facts = replace(
        paper(link(r)), weights=StatusClaim(Availability.PROMISED, "Weights soon.", "soon")
    )
    f = answer(facts, "weights_promised_missing")
    assert (f.outcome, f.evidence) == (
        Outcome.FALSE,
        ("release asset model.safetensors", "confidence: high (weight files seen)"),
    )


def test_readme_claiming_a_license_the_repo_does_not_carry() -> None:
    claims = claimed_licenses("# Model\n\n## License\n\nThis project is under the MIT License.\n")
    assert claims == ("MIT",)
    facts = paper(link(repo(license_spdx=None, license_claims=claims)))
    by = {f.code: f for f in run_probes(facts, CTX)}
    assert by["no_license"].outcome is Outcome.TRUE
    assert by["license_mismatch"].outcome is Outcome.TRUE
    assert (
        by["license_mismatch"].message
        == "README or package metadata says MIT; LICENSE file holds none"
    )


def test_license_claims_that_agree_or_cannot_be_compared() -> None:
    same = paper(link(repo(license_spdx="GPL-3.0", license_claims=("GPL-3.0",))))
    assert answer(same, "license_mismatch").outcome is Outcome.FALSE
    other = paper(link(repo(license_spdx="Apache-2.0", license_claims=("MIT",))))
    assert answer(other, "license_mismatch").outcome is Outcome.TRUE
    unknown_file = paper(link(repo(license_spdx="NOASSERTION", license_claims=("MIT",))))
    assert answer(unknown_file, "license_mismatch").outcome is Outcome.NOT_AVAILABLE
    assert answer(unknown_file, "no_license").outcome is Outcome.FALSE


def test_license_parser_ignores_other_projects_licenses_in_a_list() -> None:
    readme = "# Awesome\n- [A](x) MIT\n- [B](y) Apache 2.0 licensed model\n"
    assert claimed_licenses(readme) == ()
    pkg = {
        "pyproject.toml": '[project]\nlicense = {text = "Apache-2.0"}\n',
        "package.json": '{"license": "BSD-3-Clause"}',
    }
    assert claimed_licenses("Licensed under the Apache License, Version 2.0.", pkg) == (
        "Apache-2.0",
        "BSD-3-Clause",
    )
    assert claimed_licenses("![l](https://img.shields.io/badge/license-MIT-blue)") == ("MIT",)


def test_stale_archived_and_moved() -> None:
    old = dt.datetime(2023, 1, 5, tzinfo=dt.UTC)
    facts = paper(
        link(repo(pushed_at=old, archived=True, full_name="lab-org/model2", status="moved"))
    )
    by = {f.code: f for f in run_probes(facts, CTX)}
    assert (by["stale"].outcome, by["stale"].measure, by["stale"].severity) == (
        Outcome.TRUE,
        29,
        Severity.INFO,
    )
    assert by["archived"].outcome is Outcome.TRUE
    assert by["moved"].message == "link should be updated to lab-org/model2"
    fresh = paper(link(repo()))
    assert {f.code: f.outcome for f in run_probes(fresh, CTX)}["moved"] is Outcome.FALSE


def test_owner_page_only_and_project_page_without_code() -> None:
    owner = LinkFacts(
        url="https://github.com/lab",
        kind="github_owner",
        role="code",
        provenance="abstract",
        sentence="Code: https://github.com/lab",
    )
    res = flag_paper(paper(owner), CTX)
    assert (res.verdict_kind, res.verdict) == ("owner_only", "owner page only")
    page = LinkFacts(
        url="https://lab.github.io/model",
        kind="github_pages",
        role="project",
        provenance="abstract",
        resolve_status="ok",
    )
    f = answer(
        paper(page, code="promised", published=dt.date(2025, 5, 20)), "project_page_without_code"
    )
    assert (f.outcome, f.severity) == (Outcome.TRUE, Severity.LOW)
    assert answer(paper(page, link(repo())), "project_page_without_code").outcome is Outcome.FALSE


def test_community_reimplementation_does_not_keep_a_promise() -> None:
    lk = link(repo(), official="community")
    facts = paper(lk, code="promised", published=dt.date(2024, 1, 1))
    assert answer(facts, "code_delivered").outcome is Outcome.FALSE
    assert answer(facts, "code_promised_missing").outcome is Outcome.TRUE


def test_no_code_claimed_and_mentioned_without_link() -> None:
    assert flag_paper(paper(code="none"), CTX).verdict == "no code claimed"
    res = flag_paper(paper(code="mentioned_no_link"), CTX)
    assert (res.verdict_kind, res.verdict) == ("no_link", "code mentioned, no link")
    asked = StatusClaim(
        Availability.MENTIONED_NO_LINK, "Code is available upon request.", "upon request"
    )
    res = flag_paper(paper(code=asked), CTX)
    assert (res.verdict_kind, res.verdict) == ("no_link", "code upon request, no link")
    assert answer(paper(code=asked), "code_promised_missing").outcome is Outcome.NOT_AVAILABLE


@pytest.mark.parametrize("code", ["code_link_dead", "code_promised_missing"])
def test_acknowledged_verdict_says_so(code: str) -> None:
    dead = repo(status="not_found", http_status=404, dead_confirmations=3)
    facts = replace(
        paper(link(dead), published=dt.date(2024, 1, 1)), acknowledged=frozenset({code})
    )
    res = flag_paper(facts, CTX)
    expected = "dead link (acknowledged)" if code == "code_link_dead" else "dead link"
    assert res.verdict == expected


def test_unchecked_links_say_why() -> None:
    gitlab = link(
        None,
        url="https://gitlab.com/lab/model",
        kind="gitlab_repo",
        linked_repo="gitlab.com/lab/model",
    )
    keyless = link(None, url="https://gitlab.com/lab", kind="gitlab_repo", linked_repo=None)
    github = link(None)
    f = answer(paper(gitlab, keyless, github), "unknown")
    assert f.evidence == (
        "https://gitlab.com/lab/model: not checked yet",
        "https://gitlab.com/lab: no checker reads this link",
        f"{URL}: not checked yet",
    )
