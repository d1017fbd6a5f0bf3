"""Small integers for the texts a summary counts, and the summary of a broad selection.

A text query matching most of a million papers selects them by reading the whole table: the
summary's GROUP BY over their verdict, code status, flags and license as text then sorts every
match, and the distinct repositories per license sort them again (seconds). The flag run
therefore writes beside the verdict three integers: `tally_code` for the (verdict kind, code
status, flags) triple the summary groups by and `license_code` for the checked repository's
license, both numbered in `summary_code`, and `checked_repo_id`, that repository's id. One
pass over the selection then concatenates them (`group_concat` aggregates without sorting) and
Python counts the few distinct codes and the distinct repositories: `tally_counts`. It reads
the table a slice of ids at a time, and a thread counts one slice while SQLite reads the next
(SQLite releases the GIL while it steps).

PostgreSQL counts the same codes in SQL (`grouped_codes`): a GROUP BY of two integers, and the
distinct repositories of each license as `count(DISTINCT id)` per license code in one pass,
which sorts small integers where grouping by the license and repository texts sorted text.

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

from sqlalchemy import Connection, and_, func, literal_column, or_, select
from sqlalchemy.dialects import postgresql, sqlite

from tracker.store.bulk import InList
from tracker.store.schema import PaperState as S
from tracker.store.schema import Repository as R
from tracker.store.schema import SummaryCode as C

TALLY = "tally"
LICENSE = "license"
CODE_COLUMNS = ("tally_code", "checked_repo_id", "license_code")
"""The `paper_state` columns holding codes or a repository id: numbers of this database's own
rows."""

DIGITS = 6
PACK = 10**DIGITS
"""`checked_repo_id * PACK + license_code` carries both through one concatenation, the code in
its last `DIGITS` decimal digits; a database with this many codes (never seen: a code is a
verdict/status/flags triple or a license) is summarized the slower way."""


def tally_value(verdict_kind: str, code_status: str, flags: str) -> str:
    """The text a `tally` code stands for: the summary's GROUP BY key (migration 0004 writes
    the same). A change of the paper's code status, by any writer, empties its code (a trigger,
    `db/versions/0011`)."""
    return f"{verdict_kind} {code_status} {flags}"


def code_ids(
    conn: Connection, kind: str, values: Iterable[str], *, numbering: bool = True
) -> dict[str, int]:
    """The code of each of `values`, numbering the new ones (concurrent writers agree: a
    value another writer numbered first keeps that number); without `numbering`, of those
    that have one."""
    wanted = set(values)
    if not wanted:
        return {}
    q = select(C.c.value, C.c.id).where(C.c.kind == kind, C.c.value.in_(sorted(wanted)))
    have = {str(v): int(i) for v, i in conn.execute(q)}
    missing = [{"kind": kind, "value": v} for v in sorted(wanted - have.keys())]
    if missing and numbering:
        dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
        conn.execute(dialect.insert(C).on_conflict_do_nothing(), missing)
        have = {str(v): int(i) for v, i in conn.execute(q)}
    return have


def repo_ids(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    """The id of each repository key (the `checked_repo` of rolled-up papers)."""
    wanted = sorted(set(keys))
    q = conn.dialect.identifier_preparer.quote
    ask = InList(conn, f"SELECT {q('key')}, id FROM {q(R.name)}", q("key"))
    return {str(k): int(i) for k, i in ask.rows(conn, wanted)}


def can_pack(conn: Connection) -> bool:
    """Whether every code fits beside a repository id in one integer (see `PACK`)."""
    return int(conn.execute(select(func.coalesce(func.max(C.c.id), 0))).scalar_one()) < PACK


@dataclass
class Counted:
    """What `tally_counts` found among the selected papers."""

    papers: int = 0
    groups: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(verdict kind, code status, flags) -> papers."""
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


@dataclass
class Grouped:
    """What `grouped_codes` found among the selected papers."""

    groups: Counter[tuple[str, str, str]] = field(default_factory=Counter)
    """(verdict kind, code status, flags) -> papers."""
    release_days: Counter[int] = field(default_factory=Counter)
    licenses: dict[str, int] = field(default_factory=dict)
    """License -> distinct checked repositories the selected papers hold as their own
    (`checked_repo_id`), without the other checked repositories of papers linking several."""


def grouped_codes(conn: Connection, conds: list[Any]) -> Grouped | None:
    """`tally_counts` on PostgreSQL, in SQL: the papers matching `conds` per tally code and
    days to release, and their own checked repositories per license code; None when one of
    them has no `tally_code` (its code status changed since the flag run). The codes are
    trusted while the roll-up is current, as in `tally_counts`."""
    names = {
        int(i): (str(k), str(v)) for i, k, v in conn.execute(select(C.c.id, C.c.kind, C.c.value))
    }
    out = Grouped()
    per = (S.c.tally_code, S.c.release_days)
    for code, days, n in conn.execute(select(*per, func.count()).where(*conds).group_by(*per)):
        if code is None:
            return None
        kind, status, flags = names[int(code)][1].split(" ", 2)
        out.groups[kind, status, flags] += int(n)
        if days is not None:
            out.release_days[int(days)] += int(n)
    if out.groups:
        licenses = license_repos(conn, conds)
        if licenses is None:
            return None
        out.licenses = licenses
    return out


def license_repos(conn: Connection, conds: list[Any]) -> dict[str, int] | None:
    """PostgreSQL: per license, the distinct checked repositories the papers matching `conds`
    hold as their own, by code (`checked_repo_id` per `license_code`) in one pass; None when
    one of them has a `checked_repo` without its codes (then only the texts can answer)."""
    coded = {
        int(i): str(v)
        for i, v in conn.execute(select(C.c.id, C.c.value).where(C.c.kind == LICENSE))
    }
    uncoded = and_(
        S.c.checked_repo.is_not(None),
        or_(S.c.checked_repo_id.is_(None), S.c.license_code.is_(None)),
    )
    repos = func.count(func.distinct(S.c.checked_repo_id))
    per = [repos.filter(S.c.license_code == i) for i in coded]
    missing, *counts = conn.execute(select(func.count().filter(uncoded), *per).where(*conds)).one()
    if missing:
        return None
    return {lic: int(n) for lic, n in zip(coded.values(), counts, strict=True) if n}


SLICE = 100_000
"""Paper ids per statement: while SQLite reads one slice (the GIL released), a thread counts
the one before, and the concatenated text held at once stays a slice's."""


@dataclass
class _Raw:
    """Counts of the codes as SQLite writes them (decimal text), summed over slices."""

    codes: Counter[str] = field(default_factory=Counter)
    days: Counter[str] = field(default_factory=Counter)
    held: set[str] = field(default_factory=set)
    papers: int = 0

    def add(self, row: Any) -> None:
        codes, days, repos, papers = row
        self.codes.update(codes.split(",") if codes else ())
        self.days.update(days.split(",") if days else ())
        self.held.update(repos.split(",") if repos else ())
        self.papers += int(papers)


def tally_counts(conn: Connection, conds: list[Any], *, sliced: bool = True) -> Counted | None:
    """Count the papers matching `conds` (SQLite: `group_concat`) in one pass of the table,
    a slice of ids at a time when `sliced` (the conditions must then be cheap to repeat: no
    subquery); None when one of them has no `tally_code` (its code status changed since the
    flag run). The other codes are trusted as the rest of the roll-up is: while it is current
    (`tracker.store.rollup.rollup_fresh`)."""
    names = {
        int(i): (str(k), str(v)) for i, k, v in conn.execute(select(C.c.id, C.c.kind, C.c.value))
    }
    packed = S.c.checked_repo_id * literal_column(str(PACK)) + S.c.license_code
    q = select(
        func.group_concat(S.c.tally_code),
        func.group_concat(S.c.release_days),
        func.group_concat(packed),
        func.count(),
    ).where(*conds)
    top = int(conn.execute(select(func.coalesce(func.max(S.c.paper_id), 0))).scalar_one())
    raw = _Raw()
    if not sliced or top <= SLICE:
        raw.add(conn.execute(q).one())
    else:
        with ThreadPoolExecutor(max_workers=1) as counter:
            pending = [
                counter.submit(
                    raw.add,
                    conn.execute(q.where(S.c.paper_id > lo, S.c.paper_id <= lo + SLICE)).one(),
                )
                for lo in range(0, top, SLICE)
            ]
            for done in pending:
                done.result()
    out = Counted(
        papers=raw.papers,
        held=raw.held,
        license_codes={v: i for i, (k, v) in names.items() if k == LICENSE},
    )
    for code, count in raw.codes.items():
        kind, status, flags = names[int(code)][1].split(" ", 2)
        out.groups[kind, status, flags] += count
    if out.groups.total() != out.papers:
        return None
    for d, count in raw.days.items():
        out.release_days[int(d)] += count
    return out


__all__ = [
    "CODE_COLUMNS",
    "LICENSE",
    "PACK",
    "TALLY",
    "Counted",
    "Grouped",
    "can_pack",
    "code_ids",
    "grouped_codes",
    "license_repos",
    "repo_ids",
    "tally_counts",
    "tally_value",
]
