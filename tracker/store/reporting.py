"""Read queries behind `report`, `export`, `show` and `diff`.

Filters and sorting run in SQL over indexed columns (the verdict is stored on the paper by the
flag run), and rows stream in batches: a report on a million papers never holds them all. While
the flag run's rolled-up link columns are current (`tracker.store.rollup`), stars, URL search
and the CSV export read them off the paper; otherwise the same answers come from the joins.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Connection,
    Select,
    and_,
    case,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    type_coerce,
    union,
)
from sqlalchemy.sql.util import ClauseAdapter
from sqlalchemy.types import Integer, String

from tracker.flags.checklist import MAIN_STATUSES, from_json, is_main_candidate
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import (
    DiffEvent,
    HistoryPoint,
    LinkView,
    Outcome,
    PaperView,
    ReportFilter,
    ReportSummary,
)
from tracker.store.codes import can_pack, tally_counts
from tracker.store.facts import _utc
from tracker.store.rollup import CHECKED, rollup_fresh
from tracker.store.search import has_search, link_matches, paper_matches, phrase
from tracker.store.tables import Acknowledgement, Link, Paper, RepoAlias, RepoHistory, Repository
from tracker.store.tables import Finding as FindingRow

BATCH = 2000
SORTS = ("id", "published", "stars", "title", "verdict", "score")
NULLS_LOW = ("stars", "score")
"""Sorts whose papers without a value come below every paper with one, in either order."""
CLAIMS = ("promised", "released")

P = Paper.__table__  # type: ignore[attr-defined]
L = Link.__table__  # type: ignore[attr-defined]
R = Repository.__table__  # type: ignore[attr-defined]
F = FindingRow.__table__  # type: ignore[attr-defined]
A = Acknowledgement.__table__  # type: ignore[attr-defined]
H = RepoHistory.__table__  # type: ignore[attr-defined]
AL = RepoAlias.__table__  # type: ignore[attr-defined]


def _unacked(codes: Sequence[str] | None = None) -> Any:
    """Condition on `finding` rows: true, and nobody acknowledged them."""
    cond = and_(
        F.c.outcome == Outcome.TRUE.value,
        ~exists().where(and_(A.c.paper_id == F.c.paper_id, A.c.code == F.c.code)),
    )
    return and_(cond, F.c.code.in_(list(codes))) if codes else cond


@dataclass(frozen=True, slots=True)
class _Mode:
    """How to read this database: off the rolled-up columns while they are current, whether
    LIKE needs `lower()` to ignore case (SQLite's LIKE already folds ASCII and its `lower()`
    folds nothing more, so there a bare column answers the same, faster), and whether the
    SQLite search tables can answer `--query` (`tracker.store.search`).

    `scan` is for aggregates over a whole selection, which read a covering index in GROUP BY
    order and test each entry: stars and statuses are written so that no index serves them
    (`_bare`: a look-up per matching paper costs more than the scan once many match), and
    while the roll-up is current flags are read off the paper's own list alone (the flag run
    writes it from the same true findings the finding index would list).

    `common`: the text query matches so many papers that reading papers in the report's order
    and testing each against the matches reaches the limit sooner than looking every match up
    and sorting them. A limited report then tests the text on each row it reads (LIKE, with
    `search` off): collecting every match from the search tables first would cost more than
    the few hundred rows it reads before the limit."""

    fresh: bool
    fold: bool
    search: bool = False
    scan: bool = False
    common: bool = False


def _mode(conn: Connection) -> _Mode:
    return _Mode(
        fresh=rollup_fresh(conn), fold=conn.dialect.name != "sqlite", search=has_search(conn)
    )


def _bare(col: Any, hide: bool = True) -> Any:
    """`col` as an expression no index serves (the same value), so SQLite's planner reads a
    covering index or the table in order instead of looking rows up one by one."""
    if not hide:
        return col
    return col + 0 if isinstance(col.type, Integer) else col.concat("")


def _stars_expr(fresh: bool) -> Any:
    """Stars of the paper's most starred repository, as `_views` computes them."""
    if fresh:
        return P.c.stars
    r2 = R.alias("renamed_stars")
    links = (
        L.outerjoin(R, R.c.key == L.c.repo_key)
        .outerjoin(AL, and_(R.c.id.is_(None), AL.c.alias == L.c.repo_key))
        .outerjoin(r2, r2.c.id == AL.c.repository_id)
    )
    best = select(func.max(func.coalesce(R.c.stars, r2.c.stars))).select_from(links)
    return best.where(L.c.paper_id == P.c.id).correlate(P).scalar_subquery()


def _score_expr(fresh: bool) -> Any:
    """The checklist score of the paper's main code repository
    (`tracker.flags.checklist.main_repository`): rolled up on the paper, else the first link
    the main rule accepts, through the alias of a renamed repository."""
    if fresh:
        return P.c.checklist_score
    r2 = R.alias("renamed_score")
    links = (
        L.outerjoin(R, R.c.key == L.c.repo_key)
        .outerjoin(AL, and_(R.c.id.is_(None), AL.c.alias == L.c.repo_key))
        .outerjoin(r2, r2.c.id == AL.c.repository_id)
    )
    main = (
        select(func.coalesce(R.c.checklist_score, r2.c.checklist_score))
        .select_from(links)
        .where(
            L.c.paper_id == P.c.id,
            L.c.kind.in_(sorted(REPO_LINK_KINDS)),
            L.c.role == "code",
            L.c.official != "community",
            func.coalesce(R.c.status, r2.c.status).in_(sorted(MAIN_STATUSES)),
        )
        .order_by(L.c.id)
        .limit(1)
    )
    return main.correlate(P).scalar_subquery()


def _min_stars(flt: ReportFilter, mode: _Mode) -> Any:
    """Rolled up: an index range (or a test on the covering index in `scan` mode). Otherwise,
    after a selective filter (flags, statuses), check each candidate's repositories; alone, go
    from the starred repositories (indexed) to their links, never the other way round."""
    n = flt.min_stars
    if mode.fresh:
        return _bare(P.c.stars, mode.scan) >= n
    if flt.flags or flt.statuses:
        return _stars_expr(False) >= n
    starred = select(R.c.key).where(R.c.stars >= n)
    renamed = select(AL.c.alias).join(R, R.c.id == AL.c.repository_id).where(R.c.stars >= n)
    linked = select(L.c.paper_id).where(or_(L.c.repo_key.in_(starred), L.c.repo_key.in_(renamed)))
    return P.c.id.in_(linked.correlate(None))


def _query(text: str, mode: _Mode) -> Any:
    """Title, key or a link URL contains `text` (literally: `%` and `_` are not wildcards),
    ignoring case. The search tables (SQLite) find exactly those rows by index; without them
    (or for text shorter than a trigram) LIKE reads every title. The rolled-up URLs are joined
    by spaces, so a query with a space could match across two of them: it reads the links."""
    found = phrase(text) if mode.search else None
    if found is not None:
        ids = _bare(P.c.id, mode.common)
        in_links = select(L.c.paper_id).where(L.c.id.in_(link_matches(found))).correlate(None)
        return or_(ids.in_(paper_matches(found)), ids.in_(in_links))
    bare = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    like = f"%{bare}%"

    def has(col: Any) -> Any:
        return (func.lower(col) if mode.fold else col).like(like, escape="\\")

    if mode.fold:  # PostgreSQL: ids from what the trigram indexes serve, not a LIKE per row
        titled = select(P.c.id).where(or_(has(P.c.title), has(P.c.key))).correlate(None)
        linked = select(L.c.paper_id).where(has(L.c.url)).correlate(None)
        return or_(P.c.id.in_(titled), P.c.id.in_(linked))
    if _rolled_urls(text, mode):
        by_url = has(P.c.link_urls)
    else:
        by_url = P.c.id.in_(select(L.c.paper_id).where(has(L.c.url)).correlate(None))
    return or_(has(P.c.title), has(P.c.key), by_url)


def _rolled_urls(text: str, mode: _Mode) -> bool:
    """Whether a LIKE for `text` reads the paper's rolled-up URLs rather than its links."""
    return mode.fresh and " " not in text


def _where(flt: ReportFilter, mode: _Mode) -> list[Any]:
    conds: list[Any] = []
    if flt.flags:
        # findings find the candidates by index; the paper's own list drops acknowledged ones
        found = select(F.c.paper_id).where(
            F.c.code.in_(flt.flags), F.c.outcome == Outcome.TRUE.value
        )
        padded = literal(" ") + P.c.flags + literal(" ")
        conds.append(P.c.flags != "")
        if not (mode.scan and mode.fresh):
            conds.append(P.c.id.in_(found.correlate(None)))
        conds.append(or_(*(padded.like(f"% {code} %") for code in flt.flags)))
    if flt.statuses:
        st = list(flt.statuses)
        conds.append(
            or_(
                _bare(P.c.code_status, mode.scan).in_(st),
                _bare(P.c.verdict_kind, mode.scan).in_(st),
            )
        )
    if flt.since is not None:
        conds.append(P.c.published >= flt.since)
    if flt.min_stars is not None:
        conds.append(_min_stars(flt, mode))
    if flt.min_score is not None:
        score = _score_expr(mode.fresh)
        conds.append((_bare(score, mode.scan) if mode.fresh else score) >= flt.min_score)
    if flt.query:
        conds.append(_query(flt.query, mode))
    return conds


def _order(flt: ReportFilter, fresh: bool) -> Any:
    """The sort column; papers without stars sort below every starred one, in either order
    and on either database (rolled-up stars stay bare so their index serves the sort)."""
    sort = flt.sort if flt.sort in SORTS else "id"
    if sort == "score":
        score = _score_expr(fresh)
        return score if fresh else func.coalesce(score, -1)
    if sort != "stars":
        return {
            "id": P.c.id,
            "published": P.c.published,
            "title": P.c.title,
            "verdict": P.c.verdict_kind,
        }[sort]
    return _stars_expr(fresh) if fresh else func.coalesce(_stars_expr(fresh), -1)


def _directed(col: Any, flt: ReportFilter, fresh: bool) -> Any:
    if not (fresh and flt.sort in NULLS_LOW):
        return col.desc() if flt.descending else col.asc()
    return col.desc().nulls_last() if flt.descending else col.asc().nulls_first()


def _paper_query(flt: ReportFilter, mode: _Mode) -> Select[Any]:
    """The selected papers in order; links are joined on afterwards."""
    cols = [
        P.c.id,
        P.c.key,
        P.c.title,
        P.c.arxiv_id,
        P.c.published,
        P.c.code_status,
        P.c.weights_status,
        P.c.data_status,
        P.c.code_evidence,
        P.c.verdict,
        P.c.verdict_kind,
        P.c.flags,
        P.c.acknowledged,
    ]
    if flt.sort in NULLS_LOW:
        cols.append(_order(flt, mode.fresh).label("sort_value"))
    return _selected(select(*cols), flt, mode)


def _selected(q: Select[Any], flt: ReportFilter, mode: _Mode) -> Select[Any]:
    """`q` over the papers `flt` selects, in its order, up to its limit."""
    order = _directed(_order(flt, mode.fresh), flt, mode.fresh)
    q = q.where(*_where(flt, mode)).order_by(order)
    q = q if flt.sort == "id" else q.order_by(P.c.id)
    return q.limit(flt.limit) if flt.limit is not None else q


_PAPER_COLS = (
    "id",
    "key",
    "title",
    "arxiv_id",
    "published",
    "code_status",
    "weights_status",
    "data_status",
    "code_evidence",
    "verdict",
    "verdict_kind",
    "flags",
    "acknowledged",
)


def _view_query(flt: ReportFilter, mode: _Mode) -> Select[Any]:
    """One row per (paper, link) in report order, each link with its repository's facts
    (found by the linked name, or through the alias of a renamed repository)."""
    sub = _paper_query(flt, mode).subquery()
    r2 = R.alias("renamed")
    joined = (
        sub.outerjoin(L, L.c.paper_id == sub.c.id)
        .outerjoin(R, R.c.key == L.c.repo_key)
        .outerjoin(AL, and_(R.c.id.is_(None), AL.c.alias == L.c.repo_key))
        .outerjoin(r2, r2.c.id == AL.c.repository_id)
    )
    sort = flt.sort if flt.sort in SORTS else "id"
    outer = {
        "id": sub.c.id,
        "published": sub.c.published,
        "title": sub.c.title,
        "verdict": sub.c.verdict_kind,
    }.get(sort)
    if outer is None:
        outer = sub.c.sort_value
    return (
        select(
            *(sub.c[name] for name in _PAPER_COLS),
            L.c.url,
            L.c.kind,
            L.c.role,
            L.c.provenance,
            L.c.found_in,
            L.c.repo_key,
            func.coalesce(R.c.status, r2.c.status),
            func.coalesce(R.c.stars, r2.c.stars),
            func.coalesce(R.c.license_spdx, r2.c.license_spdx),
            func.coalesce(R.c.key, r2.c.key),
            L.c.official,
            func.coalesce(R.c.checklist, r2.c.checklist),
            func.coalesce(R.c.checklist_score, r2.c.checklist_score),
        )
        .select_from(joined)
        .order_by(_directed(outer, flt, mode.fresh), sub.c.id, L.c.id)
    )


def _star_history(views: list[PaperView], conn: Connection) -> dict[str, tuple[int, ...]]:
    """Stars over time of each paper's most starred repository."""
    best: dict[str, str] = {}
    for v in views:
        starred = [lk for lk in v.links if lk.repo_key and lk.stars is not None]
        if starred:
            best[v.key] = max(starred, key=lambda lk: lk.stars or 0).repo_key or ""
    series: dict[str, list[int]] = defaultdict(list)
    q = (
        select(R.c.key, H.c.stars)
        .join(R, R.c.id == H.c.repository_id)
        .where(R.c.key.in_(set(best.values())), H.c.stars.is_not(None))
        .order_by(R.c.key, H.c.observed_at, H.c.id)
    )
    for key, stars in conn.execute(q):
        series[key].append(stars)
    return {pkey: tuple(series[rkey]) for pkey, rkey in best.items()}


def _codes(text: str | None) -> tuple[str, ...]:
    return tuple(sorted(set(text.split()))) if text else ()


def _views(rows: Iterator[Any]) -> Iterator[PaperView]:
    for _, group in groupby(rows, key=itemgetter(0)):
        items = list(group)
        (
            _,
            key,
            title,
            arxiv_id,
            published,
            code,
            weights,
            data,
            evidence,
            verdict,
            kind,
            flags,
            acked,
        ) = items[0][:13]
        links = tuple(
            LinkView(
                url=r[13],
                kind=r[14],
                role=r[15],
                provenance=r[16],
                found_in=r[17],
                repo_status=r[19] or ("unchecked" if r[18] else None),
                stars=r[20],
                license_spdx=r[21],
                repo_key=r[22],
            )
            for r in items
            if r[13] is not None
        )
        stars = [lk.stars for lk in links if lk.stars is not None]
        checklist, score = _main_checklist(items)
        yield PaperView(
            key=key,
            title=title,
            arxiv_id=arxiv_id,
            published=published,
            code_status=code,
            weights_status=weights,
            data_status=data,
            code_evidence=evidence,
            links=links,
            verdict=verdict,
            verdict_kind=kind,
            flags=_codes(flags),
            acknowledged=_codes(acked),
            stars=max(stars) if stars else None,
            checklist=checklist,
            checklist_score=score,
        )


def _main_row(rows: Sequence[Any]) -> Any:
    """The row of the paper's main code repository (`is_main_candidate`), if any."""
    return next(
        (r for r in rows if r[13] is not None and is_main_candidate(r[14], r[15], r[23], r[19])),
        None,
    )


def _main_checklist(rows: Sequence[Any]) -> tuple[dict[str, str] | None, int | None]:
    """The main code repository's checklist answers and score (None before a judgement)."""
    main = _main_row(rows)
    judged = from_json(main[24]) if main is not None else None
    if judged is None:
        return None, None
    return judged.answers(), main[25]


COMMON = 10_000
"""Text matches from which a limited report reads papers in its order (see `_Mode.common`)..."""
PER_SHOWN = 100
"""... or, when more, this many matches per paper it shows."""


def _view_mode(conn: Connection, flt: ReportFilter) -> _Mode:
    """`_mode`, and whether a limited report's text query is common: counting its matches
    stops at `COMMON`, so this costs little however many there are. A common query is tested
    row by row as the report reads papers in order (see `_Mode.common`)."""
    mode = _mode(conn)
    if flt.limit is None:
        return mode
    return read_in_order(mode) if _common(conn, flt, mode, PER_SHOWN * flt.limit) else mode


def _common(conn: Connection, flt: ReportFilter, mode: _Mode, cap: int = 0) -> bool:
    """Whether `flt`'s text query has `max(COMMON, cap)` matches or more in the search tables
    (counting stops there); False without a query or when the search tables cannot answer it."""
    found = phrase(flt.query) if mode.search and flt.query else None
    if found is None:
        return False
    cap = max(COMMON, cap)
    n = sum(
        _count(conn, select(func.count()).select_from(hits.limit(cap).subquery()))
        for hits in (paper_matches(found), link_matches(found))
    )
    return n >= cap


def read_in_order(mode: _Mode) -> _Mode:
    """`mode` for a limited report of a common text query (see `_Mode.common`)."""
    return replace(mode, common=True, search=False)


def iter_report_views(
    conn: Connection, flt: ReportFilter = ReportFilter(), *, history: bool = False
) -> Iterator[PaperView]:
    """Papers matching `flt`, in its order, each with links, flags and verdict.

    One ordered, streamed join: memory stays flat however many papers match.
    """
    q = _view_query(flt, _view_mode(conn, flt))
    rows = conn.execution_options(stream_results=True, yield_per=BATCH).execute(q)
    views = _views(iter(rows))
    if not history:
        yield from views
        return
    while batch := list(islice(views, BATCH)):
        hist = _star_history(batch, conn)
        yield from (replace(v, star_history=hist.get(v.key, ())) for v in batch)


def _scope(conn: Connection, flt: ReportFilter | None) -> Select[Any] | None:
    """The ids of the papers a filter selects, or None for every paper."""
    conds = _where(flt, _mode(conn)) if flt is not None else []
    return select(P.c.id).where(*conds) if conds else None


def _count(conn: Connection, q: Select[Any]) -> int:
    return int(conn.execute(q).scalar_one() or 0)


def _in(col: Any, scope: Select[Any] | None) -> list[Any]:
    return [col.in_(scope)] if scope is not None else []


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


DELIVERED_KINDS = frozenset({"available", "weights_missing"})
"""Verdict kinds given exactly when `code_delivered` is true (see `tracker.flags.verdict`)."""


def report_summary(
    conn: Connection, flt: ReportFilter | None = None, *, codes: bool = True
) -> ReportSummary:
    """Headline numbers over the papers `flt` selects (all papers when None).

    Aggregates in SQL. Unfiltered: one GROUP BY over the verdict, code status and flags stored
    on each paper (an index covers it), the median off the findings index, licenses over all
    checked repositories. Filtered: the same GROUP BY over the selection, also by the days to
    release stored beside the verdict (the median comes from those counts; an index holding
    every filtered column covers it), and licenses over the repositories the selected papers
    link: off the rolled-up columns while they are current, otherwise through the links.
    A text query matching many papers is counted from codes instead (`_summary_of_codes`;
    `codes=False` groups it like the rest, the benchmark's baseline).
    """
    mode = replace(_mode(conn), scan=True)
    if codes and flt is not None and _counts_codes(conn, flt, mode):
        counted = _summary_of_codes(conn, flt, mode)
        if counted is not None:
            return counted
    # flags are tested on the covering index then: text matches only checked after them
    mode = replace(mode, common=bool(flt and flt.flags and mode.fresh))
    conds = _where(flt, mode) if flt is not None else []
    cols = (P.c.verdict_kind, P.c.code_status, P.c.flags)
    tally = _Tally()
    if not conds:
        for kind, status, flags, n in conn.execute(select(*cols, func.count()).group_by(*cols)):
            tally.add(kind, status, flags, n)
        return tally.summary(_median(conn), _licenses(conn))
    # a LIKE over titles reads every row anyway: then read the table once and sort only the
    # matches, rather than follow an index's order and look each row up
    rows = _likes(flt, mode)
    grouped = [_bare(c, rows) for c in (P.c.release_days, *cols)]
    for row in conn.execute(select(*grouped, func.count()).where(*conds).group_by(*grouped)):
        tally.add(row[1], row[2], row[3], row[4], row[0])
    if mode.fresh:
        # for the few papers with more checked repositories, no condition may serve as an index
        few = _where(flt, replace(mode, common=True)) if flt is not None else []
        return tally.summary(tally.median(), _rolled_licenses(conn, conds, few, rows))
    return tally.summary(tally.median(), _scoped_licenses(conn, conds))


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
    day = _bare(type_coerce(P.c.published, String))  # SQLite keeps dates as ISO text
    since = [day >= flt.since.isoformat()] if flt.since is not None else []
    conds = [*_where(replace(flt, since=None), replace(mode, search=False, common=True)), *since]
    # every condition is a test on the row, repeated per slice at no cost, unless it reads links
    sliced = _rolled_urls(flt.query, mode)
    counted = tally_counts(conn, conds, sliced=sliced)
    if counted is None:
        return None
    tally = _Tally()
    for (kind, status, flags), n in counted.groups.items():
        tally.add(kind, status, flags, n)
    tally.release_days.update(counted.release_days)
    # the other checked repositories of the few papers linking several (a partial index)
    more = _linked_repos([*conds, P.c.checked_repos > literal_column("1")], with_id=True)
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
        self.release_days: dict[int, int] = defaultdict(int)

    def add(
        self, kind: str | None, status: str, flags: str | None, n: int, days: int | None = None
    ) -> None:
        self.verdicts[kind or "unflagged"] += n
        if kind in DELIVERED_KINDS:
            self.with_code += n
            self.kept += n if status in CLAIMS else 0
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
            P.join(L, L.c.paper_id == P.c.id)
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
    conn: Connection, conds: list[Any], few: list[Any], rows: bool
) -> dict[str, int]:
    """`_scoped_licenses` off the rolled-up columns, with no look-up per link: the distinct
    `checked_repo` of the selected papers come in the order of `ix_paper_license_mix`. Only
    papers linking more than one checked repository (a partial index lists them, matched by
    the literal `> 1`) read their links, and of those repositories only the ones no selected
    paper holds as its `checked_repo` are added. `few`: `conds` written so that only that
    partial index can drive; `rows`: the conditions read the table anyway (`report_summary`)."""
    lic, repo = _bare(P.c.checked_license, rows), P.c.checked_repo
    own = select(lic, func.count(func.distinct(repo))).where(*conds, repo.is_not(None))
    counts: dict[str, int] = defaultdict(int)
    for k, v in conn.execute(own.group_by(lic)):
        counts[str(k)] += int(v)
    others = _linked_repos([*few, P.c.checked_repos > literal_column("1")])
    held = P.alias("holder")
    adapt = ClauseAdapter(held).traverse
    holds = exists().where(
        held.c.checked_license == others.c.lic,
        held.c.checked_repo == others.c.repo,
        *(adapt(c) for c in conds),
    )
    extra = select(others.c.lic, func.count()).where(~holds).group_by(others.c.lic)
    for k, v in conn.execute(extra):
        counts[str(k)] += int(v)
    return dict(counts)


def _licenses(conn: Connection) -> dict[str, int]:
    """Checked repositories per license (`none` without one)."""
    lic = func.coalesce(R.c.license_spdx, "none")
    q = select(lic, func.count()).where(R.c.status.in_(CHECKED)).group_by(lic)
    return {str(k): int(v) for k, v in conn.execute(q)}


def count_failing(
    conn: Connection, codes: Sequence[str], flt: ReportFilter = ReportFilter()
) -> int:
    """Papers in `flt` with an unacknowledged true finding of one of `codes` (for `--fail-on`)."""
    failing = select(F.c.paper_id).where(_unacked(codes)).correlate(None)
    conds = [*_where(flt, _mode(conn)), P.c.id.in_(failing)]
    return _count(conn, select(func.count()).select_from(P).where(*conds))


def repo_history(conn: Connection, keys: Sequence[str]) -> dict[str, tuple[HistoryPoint, ...]]:
    """Every stored change of the repositories with these keys, oldest first."""
    if not keys:
        return {}
    q = (
        select(R.c.key, H)
        .join(R, R.c.id == H.c.repository_id)
        .where(R.c.key.in_(list(keys)))
        .order_by(R.c.key, H.c.observed_at, H.c.id)
    )
    out: dict[str, list[HistoryPoint]] = defaultdict(list)
    for m in conn.execute(q).mappings():
        out[m["key"]].append(
            HistoryPoint(
                observed_at=_utc(m["observed_at"]) or m["observed_at"],
                status=m["status"],
                stars=m["stars"],
                license_spdx=m["license_spdx"],
                archived=bool(m["archived"]),
                full_name=m["full_name"],
                placeholder=m["placeholder"],
                has_weights=m["has_weights"],
            )
        )
    return {k: tuple(v) for k, v in out.items()}


def _event(kind: str, before: object, after: object) -> tuple[str, str, str]:
    return kind, "" if before is None else str(before), "" if after is None else str(after)


def _changes(prev: Any, cur: Any, star_jump: int) -> list[tuple[str, str, str]]:
    """What changed between two consecutive history rows of one repository."""
    out = []
    if cur["status"] == "not_found" and prev["status"] != "not_found":
        out.append(_event("died", prev["status"], cur["status"]))
    if (
        cur["full_name"]
        and prev["full_name"]
        and cur["full_name"].lower() != prev["full_name"].lower()
    ):
        out.append(_event("moved", prev["full_name"], cur["full_name"]))
    if cur["archived"] and not prev["archived"]:
        out.append(_event("archived", "", "archived"))
    up = cur["status"] in ("ok", "moved", "empty")
    if cur["license_spdx"] != prev["license_spdx"] and cur["license_spdx"]:
        kind = "license_added" if not prev["license_spdx"] else "license_changed"
        out.append(_event(kind, prev["license_spdx"], cur["license_spdx"]))
    elif up and prev["license_spdx"] and not cur["license_spdx"]:
        out.append(_event("license_removed", prev["license_spdx"], ""))
    # judged verdicts: None is "not judged yet", never a change
    if cur["has_weights"] is True and prev["has_weights"] is False:
        out.append(_event("weights_released", "", "weights"))
    elif up and cur["has_weights"] is False and prev["has_weights"] is True:
        out.append(_event("weights_removed", "weights", ""))
    if up and cur["placeholder"] is False and prev["placeholder"] is True:
        out.append(_event("placeholder_filled", "placeholder", "code"))
    if (
        cur["stars"] is not None
        and prev["stars"] is not None
        and cur["stars"] - prev["stars"] >= star_jump
    ):
        out.append(_event("stars_jump", prev["stars"], cur["stars"]))
    return out


def _papers_of(conn: Connection, rids: set[int]) -> dict[int, list[tuple[str, str]]]:
    """Papers linking each repository as their own (not as a community reimplementation), by
    its current name or an old one."""
    if not rids:
        return {}
    own = L.c.official != "community"
    direct = (
        select(R.c.id, L.c.paper_id).join(L, L.c.repo_key == R.c.key).where(R.c.id.in_(rids), own)
    )
    renamed = (
        select(AL.c.repository_id, L.c.paper_id)
        .join(L, L.c.repo_key == AL.c.alias)
        .where(AL.c.repository_id.in_(rids), own)
    )
    links = union(direct, renamed).subquery()
    q = (
        select(links.c[0], P.c.key, P.c.title)
        .join(P, P.c.id == links.c[1])
        .order_by(links.c[0], P.c.id)
    )
    out: dict[int, list[tuple[str, str]]] = defaultdict(list)
    for rid, key, title in conn.execute(q):
        out[rid].append((key, title))
    return out


def diff_events(conn: Connection, since: dt.datetime, *, star_jump: int = 100) -> list[DiffEvent]:
    """What happened to linked repositories since `since`: code delivered, deaths, moves,
    archiving, licenses, weights and star jumps, oldest first."""
    changed = select(H.c.repository_id).where(H.c.observed_at >= since).distinct()
    q = (
        select(H, R.c.full_name.label("now_name"))
        .join(R, R.c.id == H.c.repository_id)
        .where(H.c.repository_id.in_(changed))
        .order_by(H.c.repository_id, H.c.observed_at, H.c.id)
    )
    found: list[tuple[int, str, str, dt.datetime, str, str]] = []
    prev: Any = None
    for cur in conn.execute(q).mappings():
        at = _utc(cur["observed_at"]) or since
        if prev is not None and prev["repository_id"] == cur["repository_id"] and at >= since:
            found += [
                (cur["repository_id"], cur["now_name"], k, at, b, a)
                for k, b, a in _changes(prev, cur, star_jump)
            ]
        prev = cur
    # Delivered means code appeared in a repository already seen without it; a repository that
    # had code when first checked was not a kept promise, only a new observation.
    seen_before = (
        select(H.c.id)
        .where(H.c.repository_id == R.c.id, H.c.observed_at < R.c.first_ok_at)
        .exists()
    )
    delivered = select(R.c.id, R.c.full_name, R.c.first_ok_at).where(
        R.c.first_ok_at >= since, seen_before
    )
    found += [
        (rid, name, "code_delivered", _utc(when) or since, "", "code")
        for rid, name, when in conn.execute(delivered)
    ]
    papers = _papers_of(conn, {f[0] for f in found})
    events = [
        DiffEvent(kind=kind, paper_key=key, title=title, subject=name, at=at, before=b, after=a)
        for rid, name, kind, at, b, a in found
        for key, title in papers.get(rid, [])
    ]
    return sorted(events, key=lambda e: (e.at, e.kind, e.paper_key))


def delivered_by_month(conn: Connection, flt: ReportFilter | None = None) -> list[tuple[str, int]]:
    """Promises kept per month (`YYYY-MM`, by the day code was first seen), oldest first."""
    scope = _scope(conn, flt)
    q = select(F.c.dated).where(
        F.c.code == "code_delivered",
        F.c.outcome == "true",
        F.c.dated.is_not(None),
        *_in(F.c.paper_id, scope),
    )
    months: dict[str, int] = defaultdict(int)
    for (day,) in conn.execution_options(yield_per=10_000).execute(q):
        months[f"{day:%Y-%m}"] += 1
    return sorted(months.items())


def iter_csv_rows(conn: Connection, flt: ReportFilter = ReportFilter()) -> Iterator[Sequence[Any]]:
    """One row per paper in the order of `csv_export.PAPER_COLUMNS`.

    While the rolled-up columns are current this is one scan of the paper table; otherwise it
    is `joined_csv_rows`.
    """
    mode = _mode(conn)
    if not mode.fresh:
        return joined_csv_rows(conn, flt)
    q = _selected(select(*_CSV_ROLLED), flt, mode)
    return iter(conn.execution_options(stream_results=True, yield_per=BATCH).execute(q))


def joined_csv_rows(
    conn: Connection, flt: ReportFilter = ReportFilter()
) -> Iterator[tuple[Any, ...]]:
    """`iter_csv_rows` computed from the ordered join of `iter_report_views`, building plain
    tuples: a million-row export spends its time writing, not constructing value objects."""
    current: Any = None
    urls: list[str] = []
    repo: Any = None
    main: Any = None
    stars: int | None = None
    stream = conn.execution_options(stream_results=True, yield_per=BATCH)
    for r in stream.execute(_view_query(flt, replace(_mode(conn), fresh=False))):
        if current is None or r[0] != current[0]:
            if current is not None:
                yield _csv_tuple(current, urls, repo, stars, main)
            current, urls, repo, main, stars = r, [], None, None, None
        if r[13] is None:
            continue
        urls.append(r[13])
        if main is None and is_main_candidate(r[14], r[15], r[23], r[19]):
            main = r
        if repo is None and r[14] in REPO_LINK_KINDS:
            repo = r
        if r[20] is not None and (stars is None or r[20] > stars):
            stars = r[20]
    if current is not None:
        yield _csv_tuple(current, urls, repo, stars, main)


_CSV_ROLLED = (
    P.c.key,
    P.c.arxiv_id,
    P.c.title,
    type_coerce(P.c.published, String),  # SQLite's stored text, not parsed to a date and back
    P.c.code_status,
    P.c.weights_status,
    P.c.data_status,
    P.c.verdict,
    P.c.link_urls,
    P.c.repo_status,
    P.c.stars,
    P.c.repo_license,
    P.c.verdict_kind,
    P.c.flags,
    P.c.acknowledged,
    P.c.checklist_score,
)
"""`csv_export.PAPER_COLUMNS` off the paper row alone."""


def _csv_tuple(
    p: Any, urls: list[str], repo: Any, stars: int | None, main: Any = None
) -> tuple[Any, ...]:
    status = (repo[19] or "unchecked") if repo is not None else None
    return (
        p[1],
        p[3],
        p[2],
        p[4],
        p[5],
        p[6],
        p[7],
        p[9],
        " ".join(urls),
        status,
        stars,
        repo[21] if repo is not None else None,
        p[10],
        p[11],
        p[12],
        main[25] if main is not None else None,
    )


def iter_link_rows(
    conn: Connection, flt: ReportFilter = ReportFilter()
) -> Iterator[tuple[Any, ...]]:
    """One tuple per link (one per paper without links) in `csv_export.LINK_COLUMNS` order."""
    q = _view_query(flt, _mode(conn))
    cols = list(q.selected_columns)
    by = {c.name: c for c in cols[:13]}
    q = q.with_only_columns(
        by["key"],
        by["arxiv_id"],
        by["title"],
        by["published"],
        by["verdict"],
        *cols[13:18],
        func.coalesce(cols[19], case((cols[18].is_not(None), "unchecked"))),
        cols[20],
        cols[21],
        maintain_column_froms=True,
    )
    yield from conn.execution_options(stream_results=True, yield_per=BATCH).execute(q)
