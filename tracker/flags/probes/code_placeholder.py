"""`code_placeholder`: every reachable code repository is empty or README-only."""

from __future__ import annotations

from tracker.flags.facts import ProbeContext, is_placeholder, repo_note
from tracker.flags.probes.common import checked_up, finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class CodePlaceholder(Probe):
    code = "code_placeholder"
    definition = (
        "every reachable code repository is empty or README-only; a repository with source "
        "files is never a placeholder, whatever its README says, and neither is a model "
        "card, a reading list or a docs site (judged as such)"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        up = checked_up(f)
        if not up:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
        held = [lk for lk in up if is_placeholder(lk.repo)]  # type: ignore[arg-type]
        if held and len(held) == len(up):
            return finding(
                f,
                code,
                Outcome.TRUE,
                f"placeholder: {held[0].url}",
                *(repo_note(lk) for lk in held),
                severity=Severity.MEDIUM,
                subject=held[0].url,
            )
        r = up[0].repo
        assert r is not None
        leftover = ", ".join(r.placeholder_reasons)
        notes = [repo_note(up[0])]
        if r.placeholder and leftover:
            notes.append(f"ignored placeholder text ({leftover}): the repository has source files")
        return finding(
            f, code, Outcome.FALSE, f"code present at {up[0].url}", *notes, subject=up[0].url
        )
