"""`archived`: a reachable code repository is archived (read-only)."""

from __future__ import annotations

from tracker.flags.facts import ProbeContext
from tracker.flags.probes.common import checked_up, finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class Archived(Probe):
    code = "archived"
    definition = "a reachable code repository is archived (read-only)"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        up = checked_up(f)
        if not up:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
        gone = [lk for lk in up if lk.repo is not None and lk.repo.archived]
        if gone:
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"archived (read-only): {gone[0].url}",
                severity=Severity.LOW,
                subject=gone[0].url,
            )
        return finding(f, code, Outcome.FALSE, "not archived", subject=up[0].url)
