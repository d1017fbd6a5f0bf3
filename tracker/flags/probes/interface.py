"""What every probe provides: a code, a written definition, and a judgement of one paper.

A probe is a yes/no question about one paper, answered from stored facts only (`PaperFacts`,
read through the shared readings of `tracker.flags.facts`), never from the network or the
database, so `tracker flag` judges again offline. TRUE means the problem (or, for
`code_delivered`, the event) is present; FALSE that it is not; NOT_AVAILABLE that the facts
cannot tell yet.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from tracker.flags.facts import ProbeContext
from tracker.models import Finding, Outcome, PaperFacts, Severity


class Probe(ABC):
    """One probe. It holds no state: the registry (`tracker.flags.probes.PROBES`) keeps one
    instance of each, in the order reports list them."""

    code: ClassVar[str]
    """Its name in findings, reports, `--flag` and `tracker ack`; also its module's name."""
    definition: ClassVar[str]
    """When it answers TRUE, in words; the README's table of probes is made of these
    (`probe_table()`)."""

    @abstractmethod
    def judge(self, f: PaperFacts, ctx: ProbeContext) -> Finding:
        """This probe's answer for one paper: a pure function of the facts and `ctx`, which
        asks about today only through `ctx`'s methods (they note when the answer turns)."""

    def failed(self, f: PaperFacts, exc: Exception) -> Finding:
        """The answer when `judge` raised: ERROR with the exception, so that a bug in one
        probe does not hide the other answers."""
        return Finding(
            f.key,
            self.code,
            Outcome.ERROR,
            Severity.INFO,
            f"probe failed: {type(exc).__name__}: {exc}",
        )
