"""`project_page_without_code`: a project page is linked and no code repository is."""

from __future__ import annotations

from tracker.flags.facts import (
    PROJECT_KINDS,
    ProbeContext,
    claims,
    code_links,
    unread_pages,
    unread_reason,
)
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class ProjectPageWithoutCode(Probe):
    code = "project_page_without_code"
    definition = "a project page is linked but no code repository is"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        pages = [lk for lk in f.links if lk.kind in PROJECT_KINDS and lk.official != "community"]
        if not pages:
            return finding(f, code, Outcome.FALSE, "no project page linked")
        if code_links(f):
            return finding(
                f, code, Outcome.FALSE, "a code repository is linked", subject=pages[0].url
            )
        unread = [lk for lk in unread_pages(f) if lk.kind in PROJECT_KINDS]
        if unread:
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "the project page was not read",
                *(unread_reason(lk) for lk in unread),
                subject=unread[0].url,
            )
        sev = Severity.LOW if claims(f.code) else Severity.INFO
        return finding(
            f,
            code,
            Outcome.TRUE,
            f"project page without a code link: {pages[0].url}",
            f.code.evidence,
            severity=sev,
            subject=pages[0].url,
        )
