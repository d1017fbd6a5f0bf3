"""`code_link_dead`: a code repository that is definitely gone, told apart from one not
created yet."""

from __future__ import annotations

from tracker.flags.facts import (
    ProbeContext,
    code_links,
    is_dead,
    is_unsettled,
    not_yet_created,
    repo_note,
    unsettled_reason,
)
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class CodeLinkDead(Probe):
    code = "code_link_dead"
    definition = (
        "a code repository answered 404/410/451, or its domain is dead, on two checks (403, "
        '429, 5xx and timeouts never count); a repository never seen up is "not created '
        'yet" until the deadline, not dead'
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        links = code_links(f)
        if not links:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no code link")
        awaited = [lk for lk in links if not_yet_created(lk, f, ctx)]
        dead = [
            lk for lk in links if lk.repo is not None and is_dead(lk.repo) and lk not in awaited
        ]
        if dead:
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"dead link: {dead[0].url}",
                *(repo_note(lk) for lk in dead),
                severity=Severity.HIGH,
                subject=dead[0].url,
            )
        if awaited:
            return finding(
                f,
                code,
                Outcome.FALSE,
                f"not created yet: {awaited[0].url}",
                *(f"{lk.url}: 404 and never seen up, inside the grace period" for lk in awaited),
                subject=awaited[0].url,
            )
        if all(is_unsettled(lk) for lk in links):
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "cannot tell yet",
                *(unsettled_reason(lk) for lk in links),
            )
        return finding(
            f, code, Outcome.FALSE, "no code link is dead", *(repo_note(lk) for lk in links)
        )
