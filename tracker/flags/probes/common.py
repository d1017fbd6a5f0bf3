"""What several probes share: building a finding, the reachable repositories in order, the
promise deadline, and the readings of a linked Hub model.

Readings of the facts every part of `tracker.flags` uses live in `tracker.flags.facts`; these
are the ones only probes need.
"""

from __future__ import annotations

import datetime as dt

from tracker.flags.facts import (
    ProbeContext,
    code_links,
    deadline,
    delivers_code,
    derived,
    is_up,
    not_public,
)
from tracker.flags.weights import hub_ref_of_url
from tracker.models import Finding, LinkFacts, Outcome, PaperFacts, Severity, StatusClaim


def finding(
    f: PaperFacts,
    code: str,
    outcome: Outcome,
    message: str,
    *evidence: str,
    severity: Severity = Severity.INFO,
    subject: str = "",
    measure: int | None = None,
    dated: dt.date | None = None,
) -> Finding:
    """One probe's answer; empty evidence lines are left out."""
    # positional: every paper gets one finding per probe, and keywords cost more to pass
    return Finding(
        f.key,
        code,
        outcome,
        severity,
        message,
        tuple(filter(None, evidence)) if evidence else (),
        subject,
        measure,
        dated,
    )


def _sorted_up(f: PaperFacts) -> tuple[LinkFacts, ...]:
    up = [lk for lk in code_links(f) if lk.repo is not None and is_up(lk.repo)]
    return tuple(sorted(up, key=lambda lk: not delivers_code(lk.repo)))  # type: ignore[arg-type]


def checked_up(f: PaperFacts) -> tuple[LinkFacts, ...]:
    """Code links whose repository answered, best first: delivering ones before placeholders."""
    return derived(f, _sorted_up)


def primary(f: PaperFacts) -> LinkFacts | None:
    """The main code repository's link: the best that answered (`checked_up`)."""
    up = checked_up(f)
    return up[0] if up else None


def against_deadline(
    f: PaperFacts,
    ctx: ProbeContext,
    code: str,
    claim: StatusClaim,
    messages: tuple[str, str],
    severity: Severity,
    extra: tuple[str, ...] = (),
    subject: str = "",
) -> Finding:
    """A promise with nothing delivered: pending until its deadline, true once overdue."""
    when = deadline(claim, f, ctx.grace_days)
    if when is None:
        return finding(f, code, Outcome.NOT_AVAILABLE, "paper date unknown", claim.evidence)
    notes = [claim.evidence, f"due {when.due}: {when.basis}", *extra]
    late = ctx.days_since(when.due)
    if late <= 0:
        return finding(f, code, Outcome.FALSE, messages[0].format(-late), *notes, dated=when.due)
    return finding(
        f,
        code,
        Outcome.TRUE,
        messages[1].format(late),
        *notes,
        severity=severity,
        measure=late,
        dated=when.due,
        subject=subject,
    )


def is_hub_ref(lk: LinkFacts) -> bool:
    """A Hub model, collection or organization page the paper links."""
    return lk.kind in ("hf_model", "hf_other") and hub_ref_of_url(lk.url) is not None


def hub_has_weights(lk: LinkFacts) -> bool:
    """The Hub answered and the model holds weight files (or is gated: they exist behind a
    form). A model never looked up is not evidence either way."""
    h = lk.hub
    return h is not None and h.status == "ok" and (h.weight_files > 0 or bool(h.gated))


def hub_unsettled(lk: LinkFacts) -> bool:
    """The Hub has not said whether the linked model is public (not asked, rate limited, 5xx,
    a refusal that is not the anonymous 401)."""
    h = lk.hub
    return h is None or (h.status not in ("ok", "moved", "blocked") and not not_public(h))


def hub_note(lk: LinkFacts) -> str:
    """One line of evidence about what the Hub said of a linked model."""
    h = lk.hub
    if h is None:
        return f"{lk.url}: not looked up on the Hub yet"
    if h.status == "ok":
        gated = f", gated ({h.gated})" if h.gated else ""
        return f"{lk.url}: on the Hub, {h.weight_files} weight files{gated}"
    return f"{lk.url}: Hub answered {h.status} ({h.status_reason or 'no reason given'})"
