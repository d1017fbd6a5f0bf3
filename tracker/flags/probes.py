"""The probes: yes/no questions about one paper, answered from stored facts only.

Each probe has a written definition (shown by `tracker show` and in the README) and a pure
function from `PaperFacts` to one `Finding`. TRUE means the problem (or, for `code_delivered`,
the event) is present; FALSE that it is not; NOT_AVAILABLE that the facts cannot tell yet.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from tracker.extract.licenses import is_restrictive_spdx, same_license
from tracker.flags.dates import DateBasis, paper_date
from tracker.flags.facts import (
    PROJECT_KINDS,
    ProbeContext,
    claims,
    code_links,
    deadline,
    delivers_code,
    derived,
    held_license,
    is_dead,
    is_placeholder,
    is_unsettled,
    is_up,
    not_public,
    not_yet_created,
    open_weights,
    own_weights_evidence,
    repo_note,
    unread_pages,
    unread_reason,
    unsettled_reason,
)
from tracker.flags.weights import hub_ref_of_url
from tracker.hosts import is_code_target
from tracker.models import (
    Availability,
    Finding,
    LinkFacts,
    Outcome,
    PaperFacts,
    Severity,
    StatusClaim,
)

ProbeFn = Callable[[PaperFacts, ProbeContext], Finding]


@dataclass(frozen=True, slots=True)
class Probe:
    code: str
    definition: str
    run: ProbeFn


def _f(
    f: PaperFacts,
    code: str,
    outcome: Outcome,
    message: str,
    *evidence: str,
    severity: Severity = Severity.INFO,
    subject: str = "",
    measure: int | None = None,
    dated: dt.date | None = None,
) -> Finding:
    # positional: every paper gets one finding per probe, and keywords cost more to pass
    return Finding(
        f.key,
        code,
        outcome,
        severity,
        message,
        tuple(filter(None, evidence)),
        subject,
        measure,
        dated,
    )


def _sorted_up(f: PaperFacts) -> tuple[LinkFacts, ...]:
    up = [lk for lk in code_links(f) if lk.repo is not None and is_up(lk.repo)]
    return tuple(sorted(up, key=lambda lk: not delivers_code(lk.repo)))  # type: ignore[arg-type]


def _checked_up(f: PaperFacts) -> tuple[LinkFacts, ...]:
    """Code links whose repository answered, best first: delivering ones before placeholders."""
    return derived(f, _sorted_up)


def _first_seen(lk: LinkFacts) -> dt.date | None:
    r = lk.repo
    when = (r.first_ok_at or r.last_checked_at) if r else None
    return when.date() if when else None


def code_delivered(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "code_delivered"
    links = code_links(f)
    if not links and not claims(f.code):
        return _f(f, code, Outcome.NOT_AVAILABLE, "no code claimed or linked")
    good = [lk for lk in links if lk.repo is not None and delivers_code(lk.repo)]
    if not good:
        notes = [repo_note(lk) for lk in links] or ["no code link"]
        return _f(f, code, Outcome.FALSE, "no deliverable code found", *notes)
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
    return _f(
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


def code_promised_missing(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "code_promised_missing"
    links = code_links(f)
    if not links and not claims(f.code):
        why = (
            "code mentioned without a link"
            if f.code.status == "mentioned_no_link"
            else "no code claimed"
        )
        return _f(f, code, Outcome.NOT_AVAILABLE, why, f.code.evidence)
    good = [lk for lk in links if lk.repo is not None and delivers_code(lk.repo)]
    if good:
        return _f(f, code, Outcome.FALSE, f"code delivered at {good[0].url}", subject=good[0].url)
    awaited = [lk for lk in links if not_yet_created(lk, f, ctx)]
    unsettled = [lk for lk in links if is_unsettled(lk) and lk not in awaited]
    unread = unread_pages(f)
    if unsettled or unread:
        return _f(
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
    return _against_deadline(
        f,
        ctx,
        code,
        f.code,
        ("promised — due in {} days", "promised — overdue by {} days"),
        Severity.HIGH,
        notes,
        subject=links[0].url if links else "",
    )


def _against_deadline(
    f: PaperFacts,
    ctx: ProbeContext,
    code: str,
    claim: StatusClaim,
    messages: tuple[str, str],
    severity: Severity,
    extra: tuple[str, ...] = (),
    subject: str = "",
) -> Finding:
    """A promise with nothing delivered: pending until its deadline, true once overdue."""
    when = deadline(claim, f, ctx.grace_days)
    if when is None:
        return _f(f, code, Outcome.NOT_AVAILABLE, "paper date unknown", claim.evidence)
    notes = [claim.evidence, f"due {when.due}: {when.basis}", *extra]
    late = ctx.days_since(when.due)
    if late <= 0:
        return _f(f, code, Outcome.FALSE, messages[0].format(-late), *notes, dated=when.due)
    return _f(
        f,
        code,
        Outcome.TRUE,
        messages[1].format(late),
        *notes,
        severity=severity,
        measure=late,
        dated=when.due,
        subject=subject,
    )


def code_link_dead(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "code_link_dead"
    links = code_links(f)
    if not links:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no code link")
    awaited = [lk for lk in links if not_yet_created(lk, f, ctx)]
    dead = [lk for lk in links if lk.repo is not None and is_dead(lk.repo) and lk not in awaited]
    if dead:
        return _f(
            f,
            code,
            Outcome.TRUE,
            f"dead link: {dead[0].url}",
            *(repo_note(lk) for lk in dead),
            severity=Severity.HIGH,
            subject=dead[0].url,
        )
    if awaited:
        return _f(
            f,
            code,
            Outcome.FALSE,
            f"not created yet: {awaited[0].url}",
            *(f"{lk.url}: 404 and never seen up, inside the grace period" for lk in awaited),
            subject=awaited[0].url,
        )
    if all(is_unsettled(lk) for lk in links):
        return _f(
            f,
            code,
            Outcome.NOT_AVAILABLE,
            "cannot tell yet",
            *(unsettled_reason(lk) for lk in links),
        )
    return _f(f, code, Outcome.FALSE, "no code link is dead", *(repo_note(lk) for lk in links))


def code_placeholder(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "code_placeholder"
    up = _checked_up(f)
    if not up:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
    held = [lk for lk in up if is_placeholder(lk.repo)]  # type: ignore[arg-type]
    if held and len(held) == len(up):
        return _f(
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
    return _f(f, code, Outcome.FALSE, f"code present at {up[0].url}", *notes, subject=up[0].url)


def _weights_links(f: PaperFacts) -> list[LinkFacts]:
    return [
        lk
        for lk in f.links
        if (lk.kind == "hf_model" or lk.role == "weights") and lk.official != "community"
    ]


def weights_promised_missing(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "weights_promised_missing"
    wlinks = _weights_links(f)
    hub = [lk for lk in wlinks if hub_has_weights(lk)]
    if hub:
        return _f(
            f,
            code,
            Outcome.FALSE,
            f"weights on the Hub at {hub[0].url}",
            *(hub_note(lk) for lk in hub),
            "confidence: high (the Hub lists weight files or a gate)",
            subject=hub[0].url,
        )
    unverified = [lk for lk in wlinks if is_hub_ref(lk) and hub_unsettled(lk)]
    repos = [*code_links(f), *(lk for lk in f.links if lk.role == "weights")]
    for lk in repos:
        own = own_weights_evidence(lk.repo) if lk.repo is not None else ()
        if own:
            return _f(
                f,
                code,
                Outcome.FALSE,
                f"weights found in {lk.url}",
                *own,
                _found_confidence(own),
                subject=lk.url,
            )
    if not claims(f.weights) and not wlinks:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no weights claimed", f.weights.evidence)
    open_ = [(lk, x) for lk in repos if lk.repo is not None for x in open_weights(lk.repo)]
    if open_:
        return _f(
            f,
            code,
            Outcome.NOT_AVAILABLE,
            f"the weights {open_[0][0].url} points at are not confirmed",
            *(f"{lk.url}: {x}" for lk, x in open_),
            subject=open_[0][0].url,
        )
    unsettled = [lk for lk in code_links(f) if is_unsettled(lk)]
    unread = unread_pages(f)
    if unsettled or unverified or unread:
        return _f(
            f,
            code,
            Outcome.NOT_AVAILABLE,
            "cannot tell yet",
            *(hub_note(lk) for lk in unverified),
            *(unsettled_reason(lk) for lk in unsettled),
            *(unread_reason(lk) for lk in unread),
        )
    return _against_deadline(
        f,
        ctx,
        code,
        f.weights,
        ("weights due in {} days", "weights missing — overdue by {} days"),
        Severity.MEDIUM,
        (_missing_confidence(repos),),
    )


_STRONG = ("release asset ", "file ", "LFS pattern ", "Hub ")


def _found_confidence(own: tuple[str, ...]) -> str:
    """High when weight files were seen (in the tree, a release, LFS, or on the Hub); medium
    when only a checkpoint link or a download script points at them (not fetched)."""
    if any(x.startswith(_STRONG) for x in own):
        return "confidence: high (weight files seen)"
    return "confidence: medium (a checkpoint link or download script; the files were not fetched)"


def _missing_confidence(repos: list[LinkFacts]) -> str:
    """High when every linked repository's whole evidence was read and judged; medium when
    one was judged before evidence was stored (only its README's Hub links were looked at)."""
    if any(lk.repo is not None and lk.repo.kind is None for lk in repos):
        return "confidence: medium (a repository was judged before its evidence was stored)"
    return "confidence: high (tree, README, releases and download files read; no Hub link open)"


def is_hub_ref(lk: LinkFacts) -> bool:
    """A Hub model, collection or organization page the paper links."""
    return lk.kind in ("hf_model", "hf_other") and hub_ref_of_url(lk.url) is not None


def hub_has_weights(lk: LinkFacts) -> bool:
    """The Hub answered and the model holds weight files (or is gated: they exist behind a
    form). A model never looked up is not evidence either way."""
    h = lk.hub
    return h is not None and h.status == "ok" and (h.weight_files > 0 or bool(h.gated))


def hub_unsettled(lk: LinkFacts) -> bool:
    """The Hub has not said whether the linked model is public (not asked, rate limited, 5xx,
    a refusal that is not the anonymous 401)."""
    h = lk.hub
    return h is None or (h.status not in ("ok", "moved", "blocked") and not not_public(h))


def hub_note(lk: LinkFacts) -> str:
    h = lk.hub
    if h is None:
        return f"{lk.url}: not looked up on the Hub yet"
    if h.status == "ok":
        gated = f", gated ({h.gated})" if h.gated else ""
        return f"{lk.url}: on the Hub, {h.weight_files} weight files{gated}"
    return f"{lk.url}: Hub answered {h.status} ({h.status_reason or 'no reason given'})"


def _primary(f: PaperFacts) -> LinkFacts | None:
    up = _checked_up(f)
    return up[0] if up else None


def no_license(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "no_license"
    lk = _primary(f)
    if lk is None or lk.repo is None:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
    spdx = lk.repo.license_spdx
    if not spdx:
        return _f(
            f,
            code,
            Outcome.TRUE,
            f"no license file in {lk.url}",
            severity=Severity.MEDIUM,
            subject=lk.url,
        )
    if spdx == "NOASSERTION":
        return _f(f, code, Outcome.FALSE, "a license file GitHub cannot identify", subject=lk.url)
    return _f(f, code, Outcome.FALSE, f"licensed {spdx}", subject=lk.url)


def license_mismatch(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "license_mismatch"
    lk = _primary(f)
    if lk is None or lk.repo is None:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
    held, said = held_license(lk.repo), lk.repo.license_claims
    if not said:
        return _f(
            f,
            code,
            Outcome.FALSE,
            "no license claimed in README or package metadata",
            subject=lk.url,
        )
    if held == "NOASSERTION":
        return _f(
            f,
            code,
            Outcome.NOT_AVAILABLE,
            "the license file is not identifiable",
            f"claimed: {', '.join(said)}",
            subject=lk.url,
        )
    wrong = [c for c in said if not held or not same_license(c, held)]
    if not wrong:
        return _f(f, code, Outcome.FALSE, f"claims match the {held} license file", subject=lk.url)
    return _f(
        f,
        code,
        Outcome.TRUE,
        f"README or package metadata says {', '.join(wrong)}; LICENSE file holds {held or 'none'}",
        f"claimed: {', '.join(said)}",
        f"license file: {held or 'none'}",
        severity=Severity.MEDIUM,
        subject=lk.url,
    )


def license_restrictive(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "license_restrictive"
    lk = _primary(f)
    if lk is None or lk.repo is None:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
    r = lk.repo
    if r.license_terms:
        return _f(
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
        return _f(
            f,
            code,
            Outcome.TRUE,
            f"licensed, restricted: {held}",
            severity=Severity.LOW,
            subject=lk.url,
        )
    if r.license_spdx == "NOASSERTION" and r.kind is None:
        return _f(
            f, code, Outcome.NOT_AVAILABLE, "the license file's text was not read", subject=lk.url
        )
    return _f(f, code, Outcome.FALSE, f"no use restriction found ({r.license_spdx or 'none'})")


def stale(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "stale"
    lk = _primary(f)
    if lk is None or lk.repo is None or lk.repo.pushed_at is None:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no last-push date")
    pushed = lk.repo.pushed_at.date()
    if ctx.not_after(pushed + dt.timedelta(days=30 * ctx.stale_months - 1)):
        # a false answer is not stored, so its month count needs no note in the horizon
        months = (ctx.today - pushed).days // 30
        return _f(
            f, code, Outcome.FALSE, f"last push {months} months ago", subject=lk.url, measure=months
        )
    months = ctx.periods_since(pushed, 30)
    return _f(
        f,
        code,
        Outcome.TRUE,
        f"no commit for {months} months",
        f"last push {lk.repo.pushed_at.date()}",
        subject=lk.url,
        measure=months,
        dated=lk.repo.pushed_at.date(),
    )


def archived(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "archived"
    up = _checked_up(f)
    if not up:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no reachable code repository")
    gone = [lk for lk in up if lk.repo is not None and lk.repo.archived]
    if gone:
        return _f(
            f,
            code,
            Outcome.TRUE,
            f"archived (read-only): {gone[0].url}",
            severity=Severity.LOW,
            subject=gone[0].url,
        )
    return _f(f, code, Outcome.FALSE, "not archived", subject=up[0].url)


def _renamed_to(lk: LinkFacts) -> str | None:
    r = lk.repo
    if r is None or not is_up(r):
        return None
    if r.status == "moved" or (lk.linked_repo and r.key != lk.linked_repo):
        return r.full_name or r.key
    if r.full_name and lk.linked_repo and r.full_name.lower() != lk.linked_repo:
        return r.full_name
    return None


def moved(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "moved"
    links = [lk for lk in f.links if lk.linked_repo and lk.repo is not None]
    if not links:
        return _f(f, code, Outcome.NOT_AVAILABLE, "no checked repository link")
    for lk in links:
        target = _renamed_to(lk)
        if target:
            return _f(
                f,
                code,
                Outcome.TRUE,
                f"link should be updated to {target}",
                f"{lk.url} now answers as {target}",
                severity=Severity.LOW,
                subject=lk.url,
            )
    return _f(f, code, Outcome.FALSE, "links point at current names")


def link_to_owner_only(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "link_to_owner_only"
    owners = [
        lk for lk in f.links if lk.kind == "github_owner" and lk.role not in ("other", "data")
    ]
    if not owners:
        return _f(f, code, Outcome.FALSE, "no user or organization page linked")
    if code_links(f):
        return _f(f, code, Outcome.FALSE, "a repository is linked too", subject=owners[0].url)
    return _f(
        f,
        code,
        Outcome.TRUE,
        f"code link is a user/org page: {owners[0].url}",
        owners[0].sentence,
        severity=Severity.MEDIUM,
        subject=owners[0].url,
    )


def project_page_without_code(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "project_page_without_code"
    pages = [lk for lk in f.links if lk.kind in PROJECT_KINDS and lk.official != "community"]
    if not pages:
        return _f(f, code, Outcome.FALSE, "no project page linked")
    if code_links(f):
        return _f(f, code, Outcome.FALSE, "a code repository is linked", subject=pages[0].url)
    unread = [lk for lk in unread_pages(f) if lk.kind in PROJECT_KINDS]
    if unread:
        return _f(
            f,
            code,
            Outcome.NOT_AVAILABLE,
            "the project page was not read",
            *(unread_reason(lk) for lk in unread),
            subject=unread[0].url,
        )
    sev = Severity.LOW if claims(f.code) else Severity.INFO
    return _f(
        f,
        code,
        Outcome.TRUE,
        f"project page without a code link: {pages[0].url}",
        f.code.evidence,
        severity=sev,
        subject=pages[0].url,
    )


def _unread_code(f: PaperFacts) -> list[LinkFacts]:
    """Unread pages that matter: the paper claims code, or the page is given as its code."""
    if any(lk.repo is not None and delivers_code(lk.repo) for lk in code_links(f)):
        return []
    said = f.code.status != Availability.NONE
    return [lk for lk in unread_pages(f) if said or lk.role == "code"]


def unknown(f: PaperFacts, ctx: ProbeContext) -> Finding:
    code = "unknown"
    checkable = [
        lk
        for lk in f.links
        if is_code_target(lk.kind, lk.role, lk.linked_repo) and lk.official != "community"
    ]
    unread = _unread_code(f)
    if not checkable and not unread:
        return _f(f, code, Outcome.NOT_AVAILABLE, "nothing to check")
    open_ = [lk for lk in checkable if is_unsettled(lk) and not not_yet_created(lk, f, ctx)]
    if not open_ and not unread:
        return _f(f, code, Outcome.FALSE, "every link was checked")
    first = (open_ or unread)[0]
    if f.code.status == Availability.RELEASED:
        message = f"code said to be at {first.url}, not verified"
    else:
        message = f"could not check {first.url}"
    return _f(
        f,
        code,
        Outcome.TRUE,
        message,
        *(unsettled_reason(lk) for lk in open_),
        *(unread_reason(lk) for lk in unread),
        subject=first.url,
    )


PROBES: tuple[Probe, ...] = (
    Probe(
        "code_promised_missing",
        "the paper promises code (or says where it is) and no deliverable repository exists "
        "after the grace period: `--grace-days` (default 90, also `TRACKER_GRACE_DAYS`) "
        'from the paper date; from the venue date for "upon acceptance" when known; the end '
        'of the month for "in March 2025". A project page or shortlink that could not be '
        "read (403, 429, 5xx, timeout, or not read yet) makes it `not_available`, never "
        "true",
        code_promised_missing,
    ),
    Probe(
        "code_link_dead",
        "a code repository answered 404/410/451, or its domain is dead, on two checks (403, "
        '429, 5xx and timeouts never count); a repository never seen up is "not created '
        'yet" until the deadline, not dead',
        code_link_dead,
    ),
    Probe(
        "code_placeholder",
        "every reachable code repository is empty or README-only; a repository with source "
        "files is never a placeholder, whatever its README says, and neither is a model "
        "card, a reading list or a docs site (judged as such)",
        code_placeholder,
    ),
    Probe(
        "weights_promised_missing",
        "weights were promised and, after the grace period, neither a linked Hub model that "
        "the Hub confirms holds weight files (or gates them) nor the repository's own "
        "files, releases, LFS, own Hub models, collections or org pages, model-zoo "
        "checkpoint links or download scripts hold any. Other people's models never count; "
        "a Hub model of an owner no rule ties to the paper, or a model not looked up yet, "
        "makes it `not_available`",
        weights_promised_missing,
    ),
    Probe(
        "no_license",
        "the main code repository has no license file",
        no_license,
    ),
    Probe(
        "license_mismatch",
        "the README or package metadata (`setup.py`, `setup.cfg`, `pyproject.toml`, "
        "`package.json`, a model card's front matter) claims a license the LICENSE file "
        "does not hold",
        license_mismatch,
    ),
    Probe(
        "license_restrictive",
        "the main code repository's license restricts use: non-commercial, research or "
        "academic use only, no derivatives (the phrase of the license file, or a "
        "CC-BY-NC/ND id, is the evidence)",
        license_restrictive,
    ),
    Probe(
        "stale",
        "no push for `--stale-months` months (default 12; informational)",
        stale,
    ),
    Probe(
        "archived",
        "a reachable code repository is archived (read-only)",
        archived,
    ),
    Probe(
        "moved",
        "a linked repository was renamed or transferred: the link should be updated",
        moved,
    ),
    Probe(
        "link_to_owner_only",
        "the only code link is a user or organization page",
        link_to_owner_only,
    ),
    Probe(
        "project_page_without_code",
        "a project page is linked but no code repository is",
        project_page_without_code,
    ),
    Probe(
        "unknown",
        "a code link could not be checked (not yet, rate limited, refused, 5xx, dead on one "
        "check only); the reason is in the evidence",
        unknown,
    ),
    Probe(
        "code_delivered",
        "code is available: records the day it was first seen and the days from the paper date",
        code_delivered,
    ),
)
"""Every probe, in the order reports list them; the README's table is `probe_table()`."""
PROBE_CODES: tuple[str, ...] = tuple(p.code for p in PROBES)


def probe_table() -> str:
    """The README's table of probes, from their definitions (`tests/foundation/test_readme.py`
    holds the README to it)."""
    rows = [f"| `{p.code}` | {p.definition} |" for p in PROBES]
    return "\n".join(["| probe | true when |", "| --- | --- |", *rows])


def run_probes(f: PaperFacts, ctx: ProbeContext) -> tuple[Finding, ...]:
    """Every probe's answer for one paper; a probe that fails answers ERROR, the rest still run."""
    out = []
    for p in PROBES:
        try:
            out.append(p.run(f, ctx))
        except Exception as exc:  # a bug in one probe must not hide the other answers
            out.append(_f(f, p.code, Outcome.ERROR, f"probe failed: {type(exc).__name__}: {exc}"))
    return tuple(out)


__all__ = ["PROBES", "PROBE_CODES", "Probe", "probe_table", "run_probes"]
