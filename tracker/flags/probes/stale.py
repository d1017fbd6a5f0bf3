"""`stale`: no push to the main code repository for months (informational)."""

from __future__ import annotations

import datetime as dt

from tracker.flags.facts import ProbeContext
from tracker.flags.probes.common import finding, primary
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts


class Stale(Probe):
    code = "stale"
    definition = "no push for `--stale-months` months (default 12; informational)"

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        lk = primary(f)
        if lk is None or lk.repo is None or lk.repo.pushed_at is None:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no last-push date")
        pushed = lk.repo.pushed_at.date()
        if ctx.not_after(pushed + dt.timedelta(days=30 * ctx.stale_months - 1)):
            # a false answer is not stored, so its month count needs no note in the horizon
            months = (ctx.today - pushed).days // 30
            return finding(
                f,
                code,
                Outcome.FALSE,
                f"last push {months} months ago",
                subject=lk.url,
                measure=months,
            )
        months = ctx.periods_since(pushed, 30)
        return finding(
            f,
            code,
            Outcome.TRUE,
            f"no commit for {months} months",
            f"last push {lk.repo.pushed_at.date()}",
            subject=lk.url,
            measure=months,
            dated=lk.repo.pushed_at.date(),
        )
