"""The numbers above a report: papers, code, promises kept and broken, licenses, flags.

Every count a report, an export or the Action shows comes from `report_summary` over the same
selection (`tracker.store.selection`), so they cannot disagree; what a kept promise is, and
when it was kept, is `tracker.store.kept`'s alone.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

from sqlalchemy import (
    Connection,
    and_,
    exists,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.types import String

from tracker.models import (
    Outcome,
    ReportFilter,
    ReportSummary,
)
from tracker.store.codes import can_pack, grouped_codes, license_repos, tally_counts
from tracker.store.kept import DELIVERED_KINDS, is_kept
from tracker.store.rollup import CHECKED
from tracker.store.search import phrase
from tracker.store.selection import (
    AL,
    COMMON,
    F,
    L,
    P,
    R,
    S,
    _bare,
    _common,
    _count,
    _Mode,
    _mode,
    _rolled_urls,
    _unacked,
    _where,
    on_state,
)


def _median(conn: Connection) -> float | None:
    """The median days to release over all `code_delivered` findings, read off the index."""
    base = and_(
        F.c.code == "code_delivered",
        F.c.outcome == Outcome.TRUE.value,
        F.c.measure.is_not(None),
    )
    n = _count(conn, select(func.count()).select_from(F).where(base))
    if n == 0:
        return None
    q = select(F.c.measure).where(base).order_by(F.c.code, F.c.outcome, F.c.measure)
    mid = [int(v) for (v,) in conn.execute(q.offset((n - 1) // 2).limit(2 - n % 2))]
    return sum(mid) / len(mid)


def report_summary(
    conn: Connection, flt: ReportFilter | None = None, *, codes: bool = True
) -> ReportSummary:
    """Headline numbers over the papers `flt` selects (all papers when None).

    Aggregates in SQL, over `paper_state` alone unless a text query reads the paper's title.
    Unfiltered: one GROUP BY over the verdict, code status and flags stored for each paper (an
    index covers it), the median off the findings index, licenses over all checked
    repositories. Filtered: the same GROUP BY over the selection, also by the days to
    release stored beside the verdict (the median comes from those counts; an index holding
    every filtered column covers it), and licenses over the repositories the selected papers
    link: off the rolled-up columns while they are current, otherwise through the links.
    A text query matching many papers is counted from codes instead (SQLite:
    `_summary_of_codes`, PostgreSQL: `_grouped_summary`), and on PostgreSQL so are the
    repositories of any selection of many papers; `codes=False` groups texts like the rest,
    the benchmark's baseline.
    """
    mode = replace(_mode(conn), scan=True)
    if codes and flt is not None and _counts_codes(conn, flt, mode):
        counted = _summary_of_codes(conn, flt, mode)
        if counted is not None:
            return counted
    # flags are tested on the covering index then: text matches only checked after them; on
    # PostgreSQL a common text is tested on each row (see `_Mode.common`)
    common = bool(flt and flt.flags and mode.fresh)
    if flt is not None and mode.fold and not common:
        common = _common(conn, flt, mode)
    mode = replace(mode, common=common)
    conds = on_state(_where(flt, mode)) if flt is not None else []
    cols = (S.c.verdict_kind, S.c.code_status, S.c.flags)
    tally = _Tally()
    if not conds:
        for kind, status, flags, n in conn.execute(select(*cols, func.count()).group_by(*cols)):
            tally.add(kind, status, flags, n)
        return tally.summary(_median(conn), _licenses(conn))
    # a LIKE over titles reads every row anyway: then read the table once and sort only the
    # matches, rather than follow an index's order and look each row up
    rows = _likes(flt, mode)
    if codes and mode.fold and mode.fresh and mode.common and flt is not None and flt.query:
        coded = _grouped_summary(conn, flt, mode, conds)
        if coded is not None:
            return coded
    grouped = [_bare(c, rows) for c in (S.c.release_days, *cols)]
    for row in conn.execute(select(*grouped, func.count()).where(*conds).group_by(*grouped)):
        tally.add(row[1], row[2], row[3], row[4], row[0])
    if mode.fresh:
        few = _few(flt, mode) if flt is not None else []
        # on PostgreSQL the repositories of many papers are counted by code (`license_repos`)
        many = codes and mode.fold and sum(tally.verdicts.values()) >= COMMON
        return tally.summary(tally.median(), _rolled_licenses(conn, conds, few, rows, many))
    return tally.summary(tally.median(), _scoped_licenses(conn, conds))


def _few(flt: ReportFilter, mode: _Mode) -> list[Any]:
    """`flt`'s conditions for the few papers with more checked repositories: none may serve as
    an index, so that only the partial index of those papers drives (`_rolled_licenses`)."""
    return on_state(_where(flt, replace(mode, common=True)))


def _grouped_summary(
    conn: Connection, flt: ReportFilter, mode: _Mode, conds: list[Any]
) -> ReportSummary | None:
    """`report_summary` of a common text query on PostgreSQL, tested on each row either way,
    from the codes of the papers it selects (`tracker.store.codes.grouped_codes`); None when a
    selected paper has no tally code."""
    grouped = grouped_codes(conn, conds)
    if grouped is None:
        return None
    tally = _Tally.of_groups(grouped.groups, grouped.release_days)
    licenses = defaultdict(int, grouped.licenses)
    for lic, n in _other_licenses(conn, conds, _few(flt, mode)).items():
        licenses[lic] += n
    return tally.summary(tally.median(), dict(licenses))


def _counts_codes(conn: Connection, flt: ReportFilter, mode: _Mode) -> bool:
    """Whether to summarize `flt` by counting codes in one pass of the table
    (`tracker.store.codes`): SQLite, a current roll-up, and a text query that is read row by
    row anyway (LIKE) or that the search tables would list too many matches of to look each up."""
    if conn.dialect.name != "sqlite" or not mode.fresh or not flt.query:
        return False
    return (_likes(flt, mode) or _common(conn, flt, mode)) and can_pack(conn)


def _summary_of_codes(conn: Connection, flt: ReportFilter, mode: _Mode) -> ReportSummary | None:
    """`report_summary` of `flt` from the codes of the papers it selects, every condition tested
    on each row as the table is read; None when a selected paper has no tally code (its code
    status changed since the last flag run)."""
    # `published` too is tested on the row: its index would look up each row it lists
    day = _bare(type_coerce(S.c.published, String))  # SQLite keeps dates as ISO text
    since = [day >= flt.since.isoformat()] if flt.since is not None else []
    conds = [*_where(replace(flt, since=None), replace(mode, search=False, common=True)), *since]
    conds = on_state(conds)
    # every condition is a test on the row, repeated per slice at no cost, unless it reads links
    sliced = _rolled_urls(flt.query, mode)
    counted = tally_counts(conn, conds, sliced=sliced)
    if counted is None:
        return None
    tally = _Tally.of_groups(counted.groups, counted.release_days)
    # the other checked repositories of the few papers linking several (a partial index)
    more = _linked_repos([*conds, S.c.checked_repos > literal_column("1")], with_id=True)
    linked = ((int(i), str(lic)) for i, _, lic in conn.execute(select(more)))
    return tally.summary(tally.median(), counted.licenses(linked))


def _likes(flt: ReportFilter | None, mode: _Mode) -> bool:
    """Whether `flt` searches text with LIKE (not through the search tables)."""
    if flt is None or not flt.query:
        return False
    return not (mode.search and phrase(flt.query) is not None)


class _Tally:
    """Counts behind a `ReportSummary`, fed group by group or paper by paper."""

    def __init__(self) -> None:
        self.verdicts: dict[str, int] = defaultdict(int)
        self.flagged: dict[str, int] = defaultdict(int)
        self.with_code = self.kept = 0
        self.claimed = 0
        self.release_days: dict[int, int] = defaultdict(int)

    @classmethod
    def of_groups(
        cls, groups: Mapping[tuple[str, str, str], int], release_days: Mapping[int, int]
    ) -> _Tally:
        """The counts of papers per (verdict kind, code status, flags) and per release day."""
        tally = cls()
        for (kind, status, flags), n in groups.items():
            tally.add(kind, status, flags, n)
        tally.release_days.update(release_days)
        return tally

    def add(
        self, kind: str | None, status: str, flags: str | None, n: int, days: int | None = None
    ) -> None:
        self.verdicts[kind or "unflagged"] += n
        if kind in DELIVERED_KINDS:
            self.with_code += n
        if is_kept(kind, status):
            self.kept += n
        if status == "released":
            self.claimed += n
        for code in (flags or "").split():
            self.flagged[code] += n
        if days is not None:
            self.release_days[days] += n

    def median(self) -> float | None:
        """The median of the counted days to release."""
        n = sum(self.release_days.values())
        if n == 0:
            return None
        wanted, seen, mid = {(n - 1) // 2, n // 2}, 0, []
        for days in sorted(self.release_days):
            count = self.release_days[days]
            mid += [days for i in sorted(wanted) if seen <= i < seen + count]
            seen += count
        return sum(mid) / len(mid)

    def summary(self, median: float | None, licenses: dict[str, int]) -> ReportSummary:
        return ReportSummary(
            papers=sum(self.verdicts.values()),
            with_code=self.with_code,
            kept=self.kept,
            broken=self.flagged.get("code_promised_missing", 0),
            pending=self.verdicts.get("pending", 0),
            unknown=self.verdicts.get("unknown", 0),
            median_days_to_release=median,
            verdicts=dict(sorted(self.verdicts.items())),
            licenses=dict(sorted(licenses.items(), key=lambda kv: (-kv[1], kv[0]))),
            flagged=dict(sorted(self.flagged.items(), key=lambda kv: (-kv[1], kv[0]))),
            claimed=self.claimed,
        )


def _linked_repos(conds: list[Any], with_id: bool = False) -> Any:
    """The checked repositories the selected papers link (by the linked name, or through the
    alias of a renamed repository), once each: their key and license (`none` without one),
    after their id `with_id`."""
    r2 = R.alias("renamed")
    status = func.coalesce(R.c.status, r2.c.status)
    lic = func.coalesce(R.c.license_spdx, r2.c.license_spdx)
    rid = [func.coalesce(R.c.id, r2.c.id).label("rid")] if with_id else []
    return (
        select(
            *rid,
            func.coalesce(R.c.key, r2.c.key).label("repo"),
            func.coalesce(func.nullif(lic, ""), "none").label("lic"),
        )
        .select_from(
            S.join(L, L.c.paper_id == S.c.paper_id)
            .outerjoin(R, R.c.key == L.c.repo_key)
            .outerjoin(AL, and_(R.c.id.is_(None), AL.c.alias == L.c.repo_key))
            .outerjoin(r2, r2.c.id == AL.c.repository_id)
        )
        .where(*conds, status.in_(CHECKED))
        .distinct()
        .subquery()
    )


def _scoped_licenses(conn: Connection, conds: list[Any]) -> dict[str, int]:
    """Checked repositories per license (`none` without one) among those the selected papers
    link, each repository counted once however many papers link it."""
    linked = _linked_repos(conds)
    q = select(linked.c.lic, func.count()).group_by(linked.c.lic)
    return {str(k): int(v) for k, v in conn.execute(q)}


def _rolled_licenses(
    conn: Connection, conds: list[Any], few: list[Any], rows: bool, coded: bool = False
) -> dict[str, int]:
    """`_scoped_licenses` off the rolled-up columns, with no look-up per link: the distinct
    `checked_repo` of the selected papers come in the order of `ix_paper_license_mix`. Only
    papers linking more than one checked repository (a partial index lists them, matched by
    the literal `> 1`) read their links, and of those repositories only the ones no selected
    paper holds as its `checked_repo` are added. `few`: `conds` written so that only that
    partial index can drive; `rows`: the conditions read the table anyway (`report_summary`);
    `coded`: the selected papers' own repositories are counted by code (PostgreSQL, many
    papers: sorting small integers rather than texts)."""
    counts: dict[str, int] = defaultdict(int)
    by_code = license_repos(conn, conds) if coded else None
    if by_code is not None:
        counts.update(by_code)
    else:
        lic, repo = _bare(S.c.checked_license, rows), S.c.checked_repo
        own = select(lic, func.count(func.distinct(repo))).where(*conds, repo.is_not(None))
        for k, v in conn.execute(own.group_by(lic)):
            counts[str(k)] += int(v)
    for k, n in _other_licenses(conn, conds, few).items():
        counts[k] += n
    return dict(counts)


def _other_licenses(conn: Connection, conds: list[Any], few: list[Any]) -> dict[str, int]:
    """Per license, the checked repositories that papers linking several (selected by `few`,
    `conds` written for their partial index) link beside their own `checked_repo`, and that no
    paper `conds` selects holds as its own."""
    others = _linked_repos([*few, S.c.checked_repos > literal_column("1")])
    held = S.alias("holder")
    adapt = ClauseAdapter(held).chain(ClauseAdapter(P.alias("holder_paper"))).traverse
    holds = exists().where(
        held.c.checked_license == others.c.lic,
        held.c.checked_repo == others.c.repo,
        *(adapt(c) for c in conds),
    )
    extra = select(others.c.lic, func.count()).where(~holds).group_by(others.c.lic)
    return {str(k): int(v) for k, v in conn.execute(extra)}


def _licenses(conn: Connection) -> dict[str, int]:
    """Checked repositories per license (`none` without one)."""
    lic = func.coalesce(R.c.license_spdx, "none")
    q = select(lic, func.count()).where(R.c.status.in_(CHECKED)).group_by(lic)
    return {str(k): int(v) for k, v in conn.execute(q)}


def count_failing(
    conn: Connection, codes: Sequence[str], flt: ReportFilter = ReportFilter()
) -> int:
    """Papers in `flt` with an unacknowledged true finding of one of `codes` (for `--fail-on`).
    On PostgreSQL a common text is tested on each row, as in the summary."""
    failing = select(F.c.paper_id).where(_unacked(codes)).correlate(None)
    mode = _mode(conn)
    if mode.fold:
        mode = replace(mode, common=_common(conn, flt, mode))
    conds = [*on_state(_where(flt, mode)), S.c.paper_id.in_(failing)]
    return _count(conn, select(func.count()).select_from(S).where(*conds))
