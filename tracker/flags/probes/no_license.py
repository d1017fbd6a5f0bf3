"""`no_license`: the main code repository has no license file."""

from __future__ import annotations

from tracker.flags.facts import ProbeContext
from tracker.flags.probes.common import finding, primary
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class NoLicense(Probe):
    code = "no_license"
    definition = "the main code repository has no license file"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        lk = primary(f)
        if lk is None or lk.repo is None:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
        spdx = lk.repo.license_spdx
        if not spdx:
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"no license file in {lk.url}",
                severity=Severity.MEDIUM,
                subject=lk.url,
            )
        if spdx == "NOASSERTION":
            return finding(
                f, code, Outcome.FALSE, "a license file GitHub cannot identify", subject=lk.url
            )
        return finding(f, code, Outcome.FALSE, f"licensed {spdx}", subject=lk.url)
