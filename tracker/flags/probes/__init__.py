"""The probes: yes/no questions about one paper, answered from stored facts only.

Each probe is one module of this package, named after its code, holding its written definition
and its judgement (`interface.Probe`); what several probes share is in `common`. `PROBES` below
is the registry: adding a probe is its module, its tests, and its import and line here (README,
"Adding a probe"; `tests/flags/test_probe_registry.py` fails on a module left out).
"""

from __future__ import annotations

from tracker.flags.facts import ProbeContext
from tracker.flags.probes.archived import Archived
from tracker.flags.probes.code_delivered import CodeDelivered
from tracker.flags.probes.code_link_dead import CodeLinkDead
from tracker.flags.probes.code_placeholder import CodePlaceholder
from tracker.flags.probes.code_promised_missing import CodePromisedMissing
from tracker.flags.probes.interface import Probe
from tracker.flags.probes.license_mismatch import LicenseMismatch
from tracker.flags.probes.license_restrictive import LicenseRestrictive
from tracker.flags.probes.link_to_owner_only import LinkToOwnerOnly
from tracker.flags.probes.moved import Moved
from tracker.flags.probes.no_license import NoLicense
from tracker.flags.probes.project_page_without_code import ProjectPageWithoutCode
from tracker.flags.probes.stale import Stale
from tracker.flags.probes.unknown import Unknown
from tracker.flags.probes.weights_promised_missing import WeightsPromisedMissing
from tracker.models import Finding, PaperFacts

PROBES: tuple[Probe, ...] = (
    CodePromisedMissing(),
    CodeLinkDead(),
    CodePlaceholder(),
    WeightsPromisedMissing(),
    NoLicense(),
    LicenseMismatch(),
    LicenseRestrictive(),
    Stale(),
    Archived(),
    Moved(),
    LinkToOwnerOnly(),
    ProjectPageWithoutCode(),
    Unknown(),
    CodeDelivered(),
)
"""Every probe, in the order reports list them; the README's table is `probe_table()`."""
PROBE_CODES: tuple[str, ...] = tuple(p.code for p in PROBES)

_JUDGES = tuple((p, p.judge) for p in PROBES)
"""Each probe with its bound `judge`, made once: a flag run calls them for every paper."""


def probe_table() -> str:
    """The README's table of probes, from their definitions (`tests/foundation/test_readme.py`
    holds the README to it)."""
    rows = [f"| `{p.code}` | {p.definition} |" for p in PROBES]
    return "\n".join(["| probe | true when |", "| --- | --- |", *rows])


def run_probes(f: PaperFacts, ctx: ProbeContext) -> tuple[Finding, ...]:
    """Every probe's answer for one paper, in `PROBES` order; a probe that fails answers ERROR
    (`Probe.failed`), the rest still run."""
    out = []
    for p, judge in _JUDGES:
        try:
            out.append(judge(f, ctx))
        except Exception as exc:  # a bug in one probe must not hide the other answers
            out.append(p.failed(f, exc))
    return tuple(out)


__all__ = ["PROBES", "PROBE_CODES", "Probe", "probe_table", "run_probes"]
