"""Small integers for the texts a summary counts, and the summary of a broad selection.

A text query matching most of a million papers selects them by reading the whole table: the
summary's GROUP BY over their verdict, flags and license as text then sorts every match, and
the distinct repositories per license sort them again (seconds). The flag run therefore writes
beside the verdict three integers: `tally_code` for the (verdict kind, flags) pair and
`license_code` for the checked repository's license, both numbered in `summary_code`, and
`checked_repo_id`, that repository's id. One pass over the selection then concatenates them
(`group_concat` aggregates without sorting) and Python counts the few distinct codes and the
distinct repositories: `tally_counts`. It reads the table a slice of ids at a time, and a
thread counts one slice while SQLite reads the next (SQLite releases the GIL while it steps).

Codes are numbered per database as values first appear and never change or go away, so a
stored code always names the same text; a merge copies none (`tracker.store.merge`) and the
flag run after it writes the target's own.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.store.tables import Paper, Repository, SummaryCode

TALLY = "tally"
LICENSE = "license"

DIGITS = 6
PACK = 10**DIGITS
"""`checked_repo_id * PACK + license_code` carries both through one concatenation, the code in
its last `DIGITS` decimal digits; a database with this many codes (never seen: a code is a
verdict/flags pair or a license) is summarized the slower way."""

P = Paper.__table__  # type: ignore[attr-defined]
C = SummaryCode.__table__  # type: ignore[attr-defined]
R = Repository.__table__  # type: ignore[attr-defined]


def tally_value(verdict_kind: str, flags: str) -> str:
    """The text a `tally` code stands for (migration 0004 writes the same)."""
    return f"{verdict_kind} {flags}"


def code_ids(conn: Connection, kind: str, values: Iterable[str]) -> dict[str, int]:
    """The code of each of `values`, numbering the new ones (concurrent writers agree: a
    value another writer numbered first keeps that number)."""
    wanted = set(values)
    if not wanted:
        return {}
    q = select(C.c.value, C.c.id).where(C.c.kind == kind, C.c.value.in_(sorted(wanted)))
    have = {str(v): int(i) for v, i in conn.execute(q)}
    missing = [{"kind": kind, "value": v} for v in sorted(wanted - have.keys())]
    if missing:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(C).on_conflict_do_nothing(), missing)
        have = {str(v): int(i) for v, i in conn.execute(q)}
    return have


def repo_ids(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """The id of each repository key (the `checked_repo` of rolled-up papers)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    q = select(R.c.key, R.c.id).where(R.c.key.in_(wanted))
    return {str(k): int(i) for k, i in conn.execute(q)}


def can_pack(conn: Connection) -> bool:
    """Whether every code fits beside a repository id in one integer (see `PACK`)."""
    return int(conn.execute(select(func.coalesce(func.max(C.c.id), 0))).scalar_one()) < PACK


@dataclass
class Counted:
    """What `tally_counts` found among the selected papers."""

    papers: int = 0
    pairs: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(verdict kind, flags) -> papers."""
    kept: int = 0
    """Papers whose code is there (`delivered` kinds) and that claimed it."""
    release_days: Counter[int] = field(default_factory=Counter)
    held: set[str] = field(default_factory=set)
    """`checked_repo_id * PACK + license_code` of the selected papers, in decimal."""
    license_codes: dict[str, int] = field(default_factory=dict)

    def licenses(self, more: Iterable[tuple[int, str]]) -> dict[str, int]:
        """Distinct checked repositories per license: the rolled-up ones and `more`, (id,
        license) pairs of other repositories the selected papers link."""
        extra: set[str] = set()
        uncoded: set[tuple[int, str]] = set()
        for rid, lic in more:
            code = self.license_codes.get(lic)
            if code is None:  # no paper holds it as its own: nor can the rolled-up ones
                uncoded.add((rid, lic))
            elif (both := str(rid * PACK + code)) not in self.held:
                extra.add(both)
        named = {code: lic for lic, code in self.license_codes.items()}
        # the license code is the last digits: a slice per repository, not a division
        last = itemgetter(slice(-DIGITS, None))
        counts = Counter(map(last, self.held))
        counts.update(map(last, extra))
        out = Counter({named[int(code)]: n for code, n in counts.items()})
        out.update(lic for _, lic in uncoded)
        return dict(out)


SLICE = 100_000
"""Paper ids per statement: while SQLite reads one slice (the GIL released), a thread counts
the one before, and the concatenated text held at once stays a slice's."""


@dataclass
class _Raw:
    """Counts of the codes as SQLite writes them (decimal text), summed over slices."""

    codes: Counter[str] = field(default_factory=Counter)
    days: Counter[str] = field(default_factory=Counter)
    held: set[str] = field(default_factory=set)
    kept: float = 0.0
    papers: int = 0
    uncoded: int = 0

    def add(self, row: Any) -> None:
        codes, days, repos, kept, papers, uncoded = row
        self.uncoded += int(uncoded or 0)
        self.codes.update(codes.split(",") if codes else ())
        self.days.update(days.split(",") if days else ())
        self.held.update(repos.split(",") if repos else ())
        self.kept += kept or 0.0
        self.papers += int(papers)


def tally_counts(
    conn: Connection,
    conds: list[Any],
    delivered: Iterable[str],
    claims: Iterable[str],
    *,
    sliced: bool = True,
) -> Counted | None:
    """Count the papers matching `conds` (SQLite: `group_concat`) in one pass of the table,
    a slice of ids at a time when `sliced` (the conditions must then be cheap to repeat: no
    subquery); None when one of them lacks a code its columns call for (not flagged since the
    codes existed)."""
    names = {
        int(i): (str(k), str(v)) for i, k, v in conn.execute(select(C.c.id, C.c.kind, C.c.value))
    }
    pairs = {i: v.partition(" ") for i, (k, v) in names.items() if k == TALLY}
    kinds = set(delivered)
    done = [i for i, (kind, _, _) in pairs.items() if kind in kinds]
    kept = P.c.tally_code.in_(done) & P.c.code_status.in_(sorted(claims))
    packed = P.c.checked_repo_id * literal_column(str(PACK)) + P.c.license_code
    q = select(
        func.group_concat(P.c.tally_code),
        func.group_concat(P.c.release_days),
        func.group_concat(packed),
        func.total(kept),
        func.count(),
        # papers with a checked repository that has no code (the flag run always writes one)
        func.total(P.c.checked_repos > 0) - func.count(packed),
    ).where(*conds)
    top = int(conn.execute(select(func.coalesce(func.max(P.c.id), 0))).scalar_one())
    raw = _Raw()
    if not sliced or top <= SLICE:
        raw.add(conn.execute(q).one())
    else:
        with ThreadPoolExecutor(max_workers=1) as counter:
            pending = [
                counter.submit(
                    raw.add, conn.execute(q.where(P.c.id > lo, P.c.id <= lo + SLICE)).one()
                )
                for lo in range(0, top, SLICE)
            ]
            for done_slice in pending:
                done_slice.result()
    out = Counted(
        papers=raw.papers,
        kept=int(raw.kept),
        held=raw.held,
        license_codes={v: i for i, (k, v) in names.items() if k == LICENSE},
    )
    for code, count in raw.codes.items():
        kind, _, flags = pairs[int(code)]
        out.pairs[kind, flags] += count
    if out.pairs.total() != out.papers or raw.uncoded:
        return None
    for d, count in raw.days.items():
        out.release_days[int(d)] += count
    return out


__all__ = [
    "LICENSE",
    "PACK",
    "TALLY",
    "Counted",
    "can_pack",
    "code_ids",
    "repo_ids",
    "tally_counts",
    "tally_value",
]
