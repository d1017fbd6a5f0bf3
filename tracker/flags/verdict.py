"""One verdict per paper that a person can read at a glance, derived from its findings.

The order is a judgement: a repository with code beats every other signal, then the problems a
reader would act on first (dead link, placeholder, overdue promise), then the uncertain ones.
An acknowledged finding still decides the verdict, which then says "(acknowledged)".
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from tracker.models import Availability, Finding, Outcome, PaperFacts


class VerdictKind(StrEnum):
    AVAILABLE = "available"
    WEIGHTS_MISSING = "weights_missing"
    DEAD = "dead"
    PLACEHOLDER = "placeholder"
    OVERDUE = "overdue"
    UNKNOWN = "unknown"
    OWNER_ONLY = "owner_only"
    PENDING = "pending"
    NO_LINK = "no_link"
    NONE = "none"


def _true(findings: dict[str, Finding], code: str) -> Finding | None:
    f = findings.get(code)
    return f if f is not None and f.outcome is Outcome.TRUE else None


_ORDER: tuple[tuple[str, VerdictKind, str | None], ...] = (
    ("code_link_dead", VerdictKind.DEAD, "dead link"),
    ("code_placeholder", VerdictKind.PLACEHOLDER, "placeholder"),
    ("link_to_owner_only", VerdictKind.OWNER_ONLY, "owner page only"),
    ("code_promised_missing", VerdictKind.OVERDUE, None),
    ("unknown", VerdictKind.UNKNOWN, "unknown"),
)
"""The problems that decide the verdict when no code is delivered, the first true one winning
(after a pending promise of code to a placeholder)."""


def verdict(facts: PaperFacts, findings: Iterable[Finding]) -> tuple[VerdictKind, str]:
    """The verdict kind and its readable line for one paper."""
    by_code = {f.code: f for f in findings}
    weights = _true(by_code, "weights_promised_missing")
    if _true(by_code, "code_delivered"):
        if weights:
            return _ack(facts, weights, VerdictKind.WEIGHTS_MISSING, "weights missing")
        return VerdictKind.AVAILABLE, "code available"
    promise = by_code.get("code_promised_missing")
    pending = promise is not None and promise.outcome is Outcome.FALSE and bool(promise.dated)
    if (
        pending
        and facts.code.status == Availability.PROMISED
        and _true(by_code, "code_placeholder")
    ):
        # an empty repository made ready for promised code: still inside its grace period
        assert promise is not None
        return VerdictKind.PENDING, promise.message
    for code, kind, text in _ORDER:
        hit = _true(by_code, code)
        if hit:
            return _ack(facts, hit, kind, text or hit.message)
    if pending:
        assert promise is not None
        return VerdictKind.PENDING, promise.message
    if weights:
        return _ack(facts, weights, VerdictKind.WEIGHTS_MISSING, "weights missing")
    if facts.code.status == Availability.MENTIONED_NO_LINK:
        said = facts.code.condition  # e.g. "upon request": only by asking the authors
        return VerdictKind.NO_LINK, f"code {said}, no link" if said else "code mentioned, no link"
    shared = by_code.get("weights_promised_missing")
    if shared is not None and shared.outcome is Outcome.FALSE and shared.subject:
        return VerdictKind.NONE, "no code claimed; weights released"
    return VerdictKind.NONE, "no code claimed"


def _ack(facts: PaperFacts, hit: Finding, kind: VerdictKind, text: str) -> tuple[VerdictKind, str]:
    return kind, f"{text} (acknowledged)" if hit.code in facts.acknowledged else text
