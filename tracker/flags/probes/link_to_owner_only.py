"""`link_to_owner_only`: the only code link is a user or organization page."""

from __future__ import annotations

from tracker.flags.facts import ProbeContext, code_links
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class LinkToOwnerOnly(Probe):
    code = "link_to_owner_only"
    definition = "the only code link is a user or organization page"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        owners = [
            lk for lk in f.links if lk.kind == "github_owner" and lk.role not in ("other", "data")
        ]
        if not owners:
            return finding(f, code, Outcome.FALSE, "no user or organization page linked")
        if code_links(f):
            return finding(
                f, code, Outcome.FALSE, "a repository is linked too", subject=owners[0].url
            )
        return finding(
            f,
            code,
            Outcome.TRUE,
            f"code link is a user/org page: {owners[0].url}",
            owners[0].sentence,
            severity=Severity.MEDIUM,
            subject=owners[0].url,
        )
