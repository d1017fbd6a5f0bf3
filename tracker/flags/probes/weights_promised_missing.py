"""`weights_promised_missing`: promised weights that no linked Hub model or repository holds,
with how sure the evidence makes it."""

from __future__ import annotations

from tracker.flags.facts import (
    ProbeContext,
    claims,
    code_links,
    is_unsettled,
    open_weights,
    own_weights_evidence,
    unread_pages,
    unread_reason,
    unsettled_reason,
)
from tracker.flags.probes.common import (
    against_deadline,
    finding,
    hub_has_weights,
    hub_note,
    hub_unsettled,
    is_hub_ref,
)
from tracker.flags.probes.interface import Probe
from tracker.models import Finding, LinkFacts, Outcome, PaperFacts, Severity


def _weights_links(f: PaperFacts) -> list[LinkFacts]:
    return [
        lk
        for lk in f.links
        if (lk.kind == "hf_model" or lk.role == "weights") and lk.official != "community"
    ]


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


class WeightsPromisedMissing(Probe):
    code = "weights_promised_missing"
    definition = (
        "weights were promised and, after the grace period, neither a linked Hub model that "
        "the Hub confirms holds weight files (or gates them) nor the repository's own "
        "files, releases, LFS, own Hub models, collections or org pages, model-zoo "
        "checkpoint links or download scripts hold any. Other people's models never count; "
        "a Hub model of an owner no rule ties to the paper, or a model not looked up yet, "
        "makes it `not_available`"
    )

    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        code = self.code
        wlinks = _weights_links(f)
        hub = [lk for lk in wlinks if hub_has_weights(lk)]
        if hub:
            return finding(
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
                return finding(
                    f,
                    code,
                    Outcome.FALSE,
                    f"weights found in {lk.url}",
                    *own,
                    _found_confidence(own),
                    subject=lk.url,
                )
        if not claims(f.weights) and not wlinks:
            return finding(f, code, Outcome.NOT_AVAILABLE, "no weights claimed", f.weights.evidence)
        open_ = [(lk, x) for lk in repos if lk.repo is not None for x in open_weights(lk.repo)]
        if open_:
            return finding(
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
            return finding(
                f,
                code,
                Outcome.NOT_AVAILABLE,
                "cannot tell yet",
                *(hub_note(lk) for lk in unverified),
                *(unsettled_reason(lk) for lk in unsettled),
                *(unread_reason(lk) for lk in unread),
            )
        return against_deadline(
            f,
            ctx,
            code,
            f.weights,
            ("weights due in {} days", "weights missing — overdue by {} days"),
            Severity.MEDIUM,
            (_missing_confidence(repos),),
        )
