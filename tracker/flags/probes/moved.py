"""`moved`: a linked repository answers under another name, so the link should be updated."""

from __future__ import annotations

from tracker.flags.facts import ProbeContext, is_up
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, LinkFacts, Outcome, PaperFacts, Severity


def _renamed_to(lk: LinkFacts) -> str | None:
    r = lk.repo
    if r is None or not is_up(r):
        return None
    if r.status == "moved" or (lk.linked_repo and r.key != lk.linked_repo):
        return r.full_name or r.key
    if r.full_name and lk.linked_repo and r.full_name.lower() != lk.linked_repo:
        return r.full_name
    return None


class Moved(Probe):
    code = "moved"
    definition = "a linked repository was renamed or transferred: the link should be updated"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        links = [lk for lk in f.links if lk.linked_repo and lk.repo is not None]
        if not links:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no checked repository link")
        for lk in links:
            target = _renamed_to(lk)
            if target:
                return finding(
                    f,
                    code,
                    Outcome.TRUE,
                    f"link should be updated to {target}",
                    f"{lk.url} now answers as {target}",
                    severity=Severity.LOW,
                    subject=lk.url,
                )
        return finding(f, code, Outcome.FALSE, "links point at current names")
