"""`code_delivered`: code is available; when it was first seen and how long after the paper."""

from __future__ import annotations

import datetime as dt

from tracker.flags.dates import DateBasis, paper_date
from tracker.flags.facts import ProbeContext, claims, code_links, delivers_code, repo_note
from tracker.flags.probes.common import finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, LinkFacts, Outcome, PaperFacts


def _first_seen(lk: LinkFacts) -> dt.date | None:
    r = lk.repo
    when = (r.first_ok_at or r.last_checked_at) if r else None
    return when.date() if when else None


class CodeDelivered(Probe):
    code = "code_delivered"
    definition = (
        "code is available: records the day it was first seen and the days from the paper date"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        links = code_links(f)
        if not links and not claims(f.code):
            return finding(f, code, Outcome.NOT_AVAILABLE, "no code claimed or linked")
        good = [lk for lk in links if lk.repo is not None and delivers_code(lk.repo)]
        if not good:
            notes = [repo_note(lk) for lk in links] or ["no code link"]
            return finding(f, code, Outcome.FALSE, "no deliverable code found", *notes)
        first = min(good, key=lambda lk: _first_seen(lk) or dt.date.max)
        seen = _first_seen(first)
        when = paper_date(f)
        dated = when is not None and when.basis is not DateBasis.FIRST_SEEN
        days = (seen - when.start).days if seen and when and dated else None
        about = "about " if when is not None and when.monthly else ""
        if days is None:
            text = f"code available at {first.url}" + (f" since {seen}" if seen else "")
        elif days <= 0 or (when is not None and seen is not None and seen <= when.end):
            text = f"code available at {first.url}, already public when the paper appeared"
        else:
            text = f"code delivered on {seen}, {about}{days} days after the paper"
        return finding(
            f,
            code,
            Outcome.TRUE,
            text,
            repo_note(first),
            f.code.evidence,
            f"counted from {when.describe(f.arxiv_id)}"
            if when is not None and dated and when.basis is not DateBasis.SOURCE
            else "",
            subject=first.url,
            measure=None if days is None else max(days, 0),
            dated=seen,
        )
