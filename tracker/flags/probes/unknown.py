"""`unknown`: a code link that could not be checked yet, with the reason."""

from __future__ import annotations

from tracker.flags.facts import (
    ProbeContext,
    code_links,
    delivers_code,
    is_unsettled,
    not_yet_created,
    unread_pages,
    unread_reason,
    unsettled_reason,
)
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.hosts import is_code_target
from tracker.models import Availability, Finding, LinkFacts, Outcome, PaperFacts


def _unread_code(f: PaperFacts) -> list[LinkFacts]:
    """Unread pages that matter: the paper claims code, or the page is given as its code."""
    if any(lk.repo is not None and delivers_code(lk.repo) for lk in code_links(f)):
        return []
    said = f.code.status != Availability.NONE
    return [lk for lk in unread_pages(f) if said or lk.role == "code"]


class Unknown(Probe):
    code = "unknown"
    definition = (
        "a code link could not be checked (not yet, rate limited, refused, 5xx, dead on one "
        "check only); the reason is in the evidence"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        checkable = [
            lk
            for lk in f.links
            if is_code_target(lk.kind, lk.role, lk.linked_repo) and lk.official != "community"
        ]
        unread = _unread_code(f)
        if not checkable and not unread:
            return finding(f, code, Outcome.NOT_AVAILABLE, "nothing to check")
        open_ = [lk for lk in checkable if is_unsettled(lk) and not not_yet_created(lk, f, ctx)]
        if not open_ and not unread:
            return finding(f, code, Outcome.FALSE, "every link was checked")
        first = (open_ or unread)[0]
        if f.code.status == Availability.RELEASED:
            message = f"code said to be at {first.url}, not verified"
        else:
            message = f"could not check {first.url}"
        return finding(
            f,
            code,
            Outcome.TRUE,
            message,
            *(unsettled_reason(lk) for lk in open_),
            *(unread_reason(lk) for lk in unread),
            subject=first.url,
        )
