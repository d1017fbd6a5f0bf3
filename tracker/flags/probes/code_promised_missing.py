"""`code_promised_missing`: promised code that is still not there after the grace period."""

from __future__ import annotations

from tracker.flags.facts import (
    ProbeContext,
    claims,
    code_links,
    delivers_code,
    is_unsettled,
    not_yet_created,
    repo_note,
    unread_pages,
    unread_reason,
    unsettled_reason,
)
from tracker.flags.probes.common import against_deadline, finding
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, Outcome, PaperFacts, Severity


class CodePromisedMissing(Probe):
    code = "code_promised_missing"
    definition = (
        "the paper promises code (or says where it is) and no deliverable repository exists "
        "after the grace period: `--grace-days` (default 90, also `TRACKER_GRACE_DAYS`) "
        'from the paper date; from the venue date for "upon acceptance" when known; the end '
        'of the month for "in March 2025". A project page or shortlink that could not be '
        "read (403, 429, 5xx, timeout, or not read yet) makes it `not_available`, never "
        "true"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        links = code_links(f)
        if not links and not claims(f.code):
            why = (
                "code mentioned without a link"
                if f.code.status == "mentioned_no_link"
                else "no code claimed"
            )
            return finding(f, code, Outcome.NOT_AVAILABLE, why, f.code.evidence)
        good = [lk for lk in links if lk.repo is not None and delivers_code(lk.repo)]
        if good:
            return finding(
                f, code, Outcome.FALSE, f"code delivered at {good[0].url}", subject=good[0].url
            )
        awaited = [lk for lk in links if not_yet_created(lk, f, ctx)]
        unsettled = [lk for lk in links if is_unsettled(lk) and lk not in awaited]
        unread = unread_pages(f)
        if unsettled or unread:
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "cannot tell yet",
                *(unsettled_reason(lk) for lk in unsettled),
                *(unread_reason(lk) for lk in unread),
            )
        notes = tuple(
            f"{lk.url}: not created yet (404, never seen up)" if lk in awaited else repo_note(lk)
            for lk in links
        )
        return against_deadline(
            f,
            ctx,
            code,
            f.code,
            ("promised — due in {} days", "promised — overdue by {} days"),
            Severity.HIGH,
            notes,
            subject=links[0].url if links else "",
        )
