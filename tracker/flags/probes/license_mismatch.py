"""`license_mismatch`: the license a README or package metadata claims is not the license file's."""

from __future__ import annotations

from tracker.extract.licenses import same_license
from tracker.flags.facts import ProbeContext, held_license
from tracker.flags.probes.common import finding, primary
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class LicenseMismatch(Probe):
    code = "license_mismatch"
    definition = (
        "the README or package metadata (`setup.py`, `setup.cfg`, `pyproject.toml`, "
        "`package.json`, a model card's front matter) claims a license the LICENSE file "
        "does not hold"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        lk = primary(f)
        if lk is None or lk.repo is None:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
        held, said = held_license(lk.repo), lk.repo.license_claims
        if not said:
            return finding(
                f,
                code,
                Outcome.FALSE,
                "no license claimed in README or package metadata",
                subject=lk.url,
            )
        if held == "NOASSERTION":
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "the license file is not identifiable",
                f"claimed: {', '.join(said)}",
                subject=lk.url,
            )
        wrong = [c for c in said if not held or not same_license(c, held)]
        if not wrong:
            return finding(
                f, code, Outcome.FALSE, f"claims match the {held} license file", subject=lk.url
            )
        return finding(
            f,
            code,
            Outcome.TRUE,
            f"README or package metadata says {', '.join(wrong)}; LICENSE file holds {held or 'none'}",
            f"claimed: {', '.join(said)}",
            f"license file: {held or 'none'}",
            severity=Severity.MEDIUM,
            subject=lk.url,
        )
