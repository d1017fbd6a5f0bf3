"""`license_restrictive`: the main code repository's license restricts use."""

from __future__ import annotations

from tracker.extract.licenses import is_restrictive_spdx
from tracker.flags.facts import ProbeContext, held_license
from tracker.flags.probes.common import finding, primary
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class LicenseRestrictive(Probe):
    code = "license_restrictive"
    definition = (
        "the main code repository's license restricts use: non-commercial, research or "
        "academic use only, no derivatives (the phrase of the license file, or a "
        "CC-BY-NC/ND id, is the evidence)"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        lk = primary(f)
        if lk is None or lk.repo is None:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
        r = lk.repo
        if r.license_terms:
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"licensed, restricted: {r.license_terms}",
                f"license file of {lk.url}: {r.license_spdx or 'unidentified'}",
                severity=Severity.LOW,
                subject=lk.url,
            )
        held = held_license(r)
        if held and is_restrictive_spdx(held):
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"licensed, restricted: {held}",
                severity=Severity.LOW,
                subject=lk.url,
            )
        if r.license_spdx == "NOASSERTION" and r.kind is None:
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "the license file's text was not read",
                subject=lk.url,
            )
        return finding(
            f, code, Outcome.FALSE, f"no use restriction found ({r.license_spdx or 'none'})"
        )
