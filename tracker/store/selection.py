"""Which papers a report shows, in what order, as `PaperView`s streamed in batches.

Filters and sorting run in SQL over indexed columns (the verdict is stored in the paper's
`paper_state` row by the flag run, beside copies of its date and statuses, so a selection that
reads no paper text is served by that table's indexes alone). While the flag run's rolled-up
link columns are current (`tracker.store.rollup`), stars, URL search and the checklist score
are read off the state row; otherwise the same answers come from the joins.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    ARRAY,
    Connection,
    Select,
    and_,
    any_,
    cast,
    exists,
    func,
    literal,
    literal_column,
    or_,
    select,
    union,
)
from sqlalchemy.sql.util import find_tables
from sqlalchemy.types import Integer, String

from tracker.flags.checklist_items import MAIN_STATUSES, from_json, is_main_candidate
from tracker.hosts import REPO_LINK_KINDS
from tracker.models import (
    SORTS,
    LinkView,
    Outcome,
    PaperView,
    ReportFilter,
)
from tracker.store.engine import set_local
from tracker.store.queries import with_repositories
from tracker.store.rollup import rollup_fresh
from tracker.store.schema import Acknowledgement as A
from tracker.store.schema import Finding as FindingRow
from tracker.store.schema import Link as L
from tracker.store.schema import Paper as P
from tracker.store.schema import PaperState as S
from tracker.store.schema import RepoAlias as AL
from tracker.store.schema import RepoHistory as H
from tracker.store.schema import Repository as R
from tracker.store.search import (
    SEARCH_SEPARATORS,
    TRIGRAM,
    has_search,
    link_matches,
    paper_matches,
    phrase,
)

BATCH = 2000
STREAMED = {"stream_results": True, "yield_per": BATCH}
"""A statement's options to read its rows a batch at a time (PostgreSQL: through a cursor).
Given to the statement, not the connection, whose next statements are then read as before."""
NEWLINE, SPACE = SEARCH_SEPARATORS
"""The two joins of `search_text` (`tracker.store.search`): after the title and key, between URLs."""
_TITLE_AND_KEY = (
    func.lower(P.c.title, type_=String)
    .concat(literal_column("E'\\n'", String))
    .concat(func.lower(P.c.key, type_=String))
)
"""PostgreSQL: the lower-cased title and key joined by a newline, the expression its trigram
index of papers holds (`TRIGRAM_INDEXES`, migration 0014); the newline written as a literal,
so that the planner finds the index's own expression in the query."""
NULLS_LOW = ("stars", "score")
"""Sorts whose papers without a value come below every paper with one, in either order."""
CLAIMS = ("promised", "released")

JOINED = S.c.paper_id == P.c.id
"""The one condition joining a paper to its state row: a selection adds it (once) when it
reads a column of `paper` itself."""
F = FindingRow


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
    the few hundred rows it reads before the limit. On PostgreSQL a summary of such a query
    tests each row too: the ids the trigram indexes list would not fit in `work_mem`, and
    PostgreSQL then tests `id IN (...)` by reading the whole list again for every paper. While
    the roll-up is current it tests the state row's lower-cased `search_text` alone
    (`_searched`), so it reads neither the paper nor `lower()` of anything."""

    fresh: bool
    fold: bool
    search: bool = False
    scan: bool = False
    common: bool = False


def _mode(conn: Connection) -> _Mode:
    """How to select papers on `conn`; on PostgreSQL the rest of its transaction is planned
    for each statement's own values (`plan_for_values`)."""
    plan_for_values(conn)
    fold = conn.dialect.name != "sqlite"
    return _Mode(fresh=rollup_fresh(conn), fold=fold, search=has_search(conn))


def plan_for_values(conn: Connection) -> None:
    """Have PostgreSQL plan the rest of this transaction's statements for the values they are
    given (`plan_cache_mode`), never once for any value.

    The driver prepares a statement run five times in a session, and PostgreSQL may then
    keep one generic plan for it. A selection's best plan depends on its values: a LIKE
    pattern that matches every title reaches the first 10,000 matches a few rows into the
    table, while the generic plan reads the trigram index's whole list for it. A process that
    reports many times (the Action, a benchmark) then grew slower after its fifth report.
    For this transaction only (`set_local`)."""
    set_local(conn, plan_cache_mode="force_custom_plan")


def _bare(col: Any, hide: bool = True) -> Any:
    """`col` as an expression no index serves (the same value), so SQLite's planner reads a
    covering index or the table in order instead of looking rows up one by one."""
    if not hide:
        return col
    return col + 0 if isinstance(col.type, Integer) else col.concat("")


def _stars_expr(fresh: bool) -> Any:
    """Stars of the paper's most starred repository, as `_views` computes them."""
    if fresh:
        return S.c.stars
    links, r2 = with_repositories(L, "renamed_stars")
    best = select(func.max(func.coalesce(R.c.stars, r2.c.stars))).select_from(links)
    return best.where(L.c.paper_id == S.c.paper_id).correlate(S).scalar_subquery()


def _score_expr(fresh: bool) -> Any:
    """The checklist score of the paper's main code repository
    (`tracker.flags.checklist_items.main_repository`): rolled up in its state row, else the first
    link the main rule accepts, through the alias of a renamed repository."""
    if fresh:
        return S.c.checklist_score
    links, r2 = with_repositories(L, "renamed_score")
    main = (
        select(func.coalesce(R.c.checklist_score, r2.c.checklist_score))
        .select_from(links)
        .where(
            L.c.paper_id == S.c.paper_id,
            L.c.kind.in_(sorted(REPO_LINK_KINDS)),
            L.c.role == "code",
            L.c.official != "community",
            func.coalesce(R.c.status, r2.c.status).in_(sorted(MAIN_STATUSES)),
        )
        .order_by(L.c.id)
        .limit(1)
    )
    return main.correlate(S).scalar_subquery()


def _min_stars(flt: ReportFilter, mode: _Mode) -> Any:
    """Rolled up: an index range (or a test on the covering index in `scan` mode). Otherwise,
    after a selective filter (flags, statuses), check each candidate's repositories; alone, go
    from the starred repositories (indexed) to their links, never the other way round."""
    n = flt.min_stars
    if mode.fresh:
        return _bare(S.c.stars, mode.scan) >= n
    if flt.flags or flt.statuses:
        return _stars_expr(False) >= n
    starred = select(R.c.key).where(R.c.stars >= n)
    renamed = select(AL.c.alias).join(R, R.c.id == AL.c.repository_id).where(R.c.stars >= n)
    linked = select(L.c.paper_id).where(or_(L.c.repo_key.in_(starred), L.c.repo_key.in_(renamed)))
    return S.c.paper_id.in_(linked.correlate(None))


def _query(text: str, mode: _Mode) -> tuple[Any, bool]:
    """Title, key or a link URL contains `text` (literally: `%` and `_` are not wildcards),
    ignoring case. The search tables (SQLite) find exactly those rows by index; without them
    (or for text shorter than a trigram) LIKE reads every title. The rolled-up URLs are joined
    by spaces, so a query with a space could match across two of them: it reads the links
    (on PostgreSQL only for a match among the URLs of `search_text`, `_searched`).
    The condition, and whether it reads both the paper and its state row (it reads the paper's
    own columns, but for PostgreSQL's `search_text`, on the state row alone)."""
    found = phrase(text) if mode.search else None
    if found is not None:
        ids = _bare(P.c.id, mode.common)
        in_links = select(L.c.paper_id).where(L.c.id.in_(link_matches(found))).correlate(None)
        return or_(ids.in_(paper_matches(found)), ids.in_(in_links)), False
    like = _pattern(text)

    def has(col: Any) -> Any:
        return _has(col, like, mode.fold)

    if mode.fold and not mode.common:  # PostgreSQL: ids the trigram indexes serve
        # one list, not two tests joined by OR: PostgreSQL looks the few ids up (a semi-join)
        # rather than testing each paper against both lists
        titled = select(P.c.id).where(_title_or_key(text, like)).correlate(None)
        linked = select(L.c.paper_id).where(has(L.c.url)).correlate(None)
        return P.c.id.in_(union(titled, linked)), False
    if _searched(text, mode):
        searched = S.c.search_text.like(like, escape="\\")
        if SPACE not in text:
            return searched, False
        # a match followed by a newline is in the title or the key; one among the URLs alone
        # may span two of them, so the links decide: those holding the text, listed once
        # before the table is read (a list PostgreSQL hands to parallel workers; a look-up
        # per paper would have it read the table alone)
        head = S.c.search_text.like(like + NEWLINE + "%", escape="\\")
        listed = select(func.array_agg(L.c.paper_id)).where(has(L.c.url)).scalar_subquery()
        listing: Any = S.c.paper_id == any_(cast(listed, ARRAY(Integer)))
        return and_(searched, or_(head, listing)), False
    if _rolled_urls(text, mode):
        return or_(has(P.c.title), has(P.c.key), has(S.c.link_urls)), True
    by_url: Any
    if mode.fold:  # a look-up per paper: a list of every matching link may not fit in memory
        by_url = exists().where(L.c.paper_id == P.c.id, has(L.c.url)).correlate_except(L)
    else:
        by_url = P.c.id.in_(select(L.c.paper_id).where(has(L.c.url)).correlate(None))
    return or_(has(P.c.title), has(P.c.key), by_url), False


def _pattern(text: str) -> str:
    """The LIKE pattern of rows containing `text`, lower-cased (`%` and `_` taken literally)."""
    bare = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{bare}%"


def _has(col: Any, like: str, fold: bool = True) -> Any:
    """`col` matches the `_pattern` `like`, ignoring case with `lower()` when `fold`."""
    return (func.lower(col) if fold else col).like(like, escape="\\")


def _title_or_key(text: str, like: str) -> Any:
    """PostgreSQL: the title or the key contains `text` (`like`, its `_pattern`). For a text
    without a newline, which cannot match across the one joining them, one LIKE on
    `_TITLE_AND_KEY`, which the trigram index serves; else a LIKE on each, which no index
    serves (a text no typed query holds)."""
    if NEWLINE in text:
        return or_(_has(P.c.title, like), _has(P.c.key, like))
    return _TITLE_AND_KEY.like(like, escape="\\")


def _rolled_urls(text: str, mode: _Mode) -> bool:
    """Whether a LIKE for `text` reads the paper's rolled-up URLs rather than its links."""
    return mode.fresh and " " not in text


def _searched(text: str, mode: _Mode) -> bool:
    """Whether a LIKE for `text` on each row reads PostgreSQL's `search_text`: the rolled-up
    URLs are current and `text` holds no newline (`SEARCH_SEPARATORS`), which follows the title
    and the key there and is not among the URLs (migration 0013). A title, key or URL holding
    `text` then shows in `search_text` whole; a text holding a space, which joins the URLs, may
    also match across two of them, and those matches are checked on the links."""
    return mode.fold and mode.fresh and NEWLINE not in text


def _reads(conds: Sequence[Any]) -> set[Any]:
    """Which of `paper` and `paper_state` the conditions (or sort columns) `conds` read."""
    return {t for c in conds for t in find_tables(c, check_columns=True) if t is P or t is S}


def _where(flt: ReportFilter, mode: _Mode) -> list[Any]:
    """The conditions `flt` selects by: on `paper_state` but for a text query, which reads the
    paper's own columns; `JOINED` among them when they read both tables (a caller selecting
    state columns under a text query alone adds it: `on_state`)."""
    conds: list[Any] = []
    if flt.flags:
        # findings find the candidates by index; the paper's own list drops acknowledged ones
        found = select(F.c.paper_id).where(
            F.c.code.in_(flt.flags), F.c.outcome == Outcome.TRUE.value
        )
        padded = literal(" ") + S.c.flags + literal(" ")
        conds.append(S.c.flags != "")
        if not (mode.scan and mode.fresh):
            conds.append(S.c.paper_id.in_(found.correlate(None)))
        conds.append(or_(*(padded.like(f"% {code} %") for code in flt.flags)))
    if flt.statuses:
        st = list(flt.statuses)
        conds.append(
            or_(
                _bare(S.c.code_status, mode.scan).in_(st),
                _bare(S.c.verdict_kind, mode.scan).in_(st),
            )
        )
    if flt.since is not None:
        conds.append(S.c.published >= flt.since)
    if flt.min_stars is not None:
        conds.append(_min_stars(flt, mode))
    if flt.min_score is not None:
        score = _score_expr(mode.fresh)
        conds.append((_bare(score, mode.scan) if mode.fresh else score) >= flt.min_score)
    if flt.query:
        cond, both = _query(flt.query, mode)
        conds.append(cond)
        if both or (conds[:-1] and P in _reads([cond])):
            conds.append(JOINED)
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
            "id": S.c.paper_id,
            "published": S.c.published,
            "title": P.c.title,
            "verdict": S.c.verdict_kind,
        }[sort]
    return _stars_expr(fresh) if fresh else func.coalesce(_stars_expr(fresh), -1)


def _directed(col: Any, flt: ReportFilter, fresh: bool) -> Any:
    if not (fresh and flt.sort in NULLS_LOW):
        return col.desc() if flt.descending else col.asc()
    return col.desc().nulls_last() if flt.descending else col.asc().nulls_first()


def joined(conds: list[Any]) -> list[Any]:
    """`conds` with `JOINED`, once: for a query reading columns of both tables."""
    return conds if any(c is JOINED for c in conds) else [*conds, JOINED]


def on_state(conds: list[Any]) -> list[Any]:
    """`_where`'s conditions for a query that reads `paper_state`: joined to the paper when a
    text query reads its columns."""
    return joined(conds) if P in _reads(conds) else conds


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
        S.c.verdict,
        S.c.verdict_kind,
        S.c.flags,
        S.c.acknowledged,
        P.c.venue,
    ]
    if flt.sort in NULLS_LOW:
        cols.append(_order(flt, mode.fresh).label("sort_value"))
    return _selected(select(*cols), flt, mode)


def _selected(q: Select[Any], flt: ReportFilter, mode: _Mode) -> Select[Any]:
    """`q` over the papers `flt` selects, in its order, up to its limit.

    On PostgreSQL a limited selection whose conditions and order read one table alone takes
    its first papers off that table, then joins them to the other (every paper has one state
    row, and every state row a paper: 0011's trigger and foreign key). PostgreSQL sorts with a
    bounded top-N sort, or stops an ordered index scan, only where the limit sits right above
    the sort; with the join of paper and state between them it sorted every selected paper,
    spilling to disk, for the first hundred."""
    conds, order = _where(flt, mode), _order(flt, mode.fresh)
    alone = _reads([*conds, order]) if mode.fold and flt.limit is not None else set()
    if len(alone) == 1:
        table = alone.pop()
        key = table.c.paper_id if table is S else table.c.id
        first = _ordered(select(key.label("id")).where(*conds), flt, mode, order, key)
        q = q.where(JOINED, key.in_(first.correlate(None).scalar_subquery()))
        return _ordered(q, flt, mode, order, S.c.paper_id)
    return _ordered(q.where(*joined(conds)), flt, mode, order, S.c.paper_id)


def _ordered(q: Select[Any], flt: ReportFilter, mode: _Mode, order: Any, key: Any) -> Select[Any]:
    """`q` in `flt`'s order (`order`, then the paper's id `key`), up to its limit."""
    q = q.order_by(_directed(order, flt, mode.fresh))
    q = q if flt.sort == "id" else q.order_by(key)
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


VENUE = len(_PAPER_COLS) + 13
"""Where `_view_query` puts the paper's venue: after its columns and the link's 13."""


def _view_query(flt: ReportFilter, mode: _Mode) -> Select[Any]:
    """One row per (paper, link) in report order, each link with its repository's facts
    (found by the linked name, or through the alias of a renamed repository)."""
    sub = _paper_query(flt, mode).subquery()
    joined, r2 = with_repositories(sub.outerjoin(L, L.c.paper_id == sub.c.id), "renamed")
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
            sub.c.venue,
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
            venue=items[0][VENUE],
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
    or, on PostgreSQL, among the titles, keys and link URLs (counting stops there; the trigram
    indexes serve a rare text, and a common one is met within the first rows read); False
    without a query or when the search tables cannot answer it. On PostgreSQL text shorter
    than a trigram, which no index serves, is common: testing each row is all there is."""
    if not flt.query:
        return False
    cap = max(COMMON, cap)
    if mode.fold:
        return _common_text(conn, flt.query, cap)
    found = phrase(flt.query) if mode.search else None
    if found is None:
        return False
    n = sum(
        _count(conn, select(func.count()).select_from(hits.limit(cap).subquery()))
        for hits in (paper_matches(found), link_matches(found))
    )
    return n >= cap


def _common_text(conn: Connection, text: str, cap: int) -> bool:
    """`_common` on PostgreSQL: LIKE over the trigram-indexed columns, counting up to `cap`."""
    if len(text) < TRIGRAM:
        return True
    like = _pattern(text)
    titled = select(P.c.id).where(_title_or_key(text, like))
    linked = select(L.c.paper_id).where(_has(L.c.url, like))
    n = sum(
        _count(conn, select(func.count()).select_from(hits.limit(cap).subquery()))
        for hits in (titled, linked)
    )
    return n >= cap


def read_in_order(mode: _Mode) -> _Mode:
    """`mode` for a limited report of a common text query (see `_Mode.common`)."""
    return replace(mode, common=True, search=False)


def iter_report_views(
    conn: Connection, flt: ReportFilter = ReportFilter(), *, history: bool = False
) -> Iterator[PaperView]:
    """Papers matching `flt`, in its order, each with links, flags and verdict.

    One ordered, streamed join: memory stays flat however many papers match. A report limited
    to a batch of papers or fewer is read at once instead: its rows fit in memory anyway, and
    PostgreSQL plans a streamed query (a cursor) for its first rows and without parallel
    workers. For a text query few papers match, that plan walked every paper in id order
    towards them instead of looking them up (the trigram indexes); for a flag and a common
    text, sorted by title, it read the state table in one process rather than three.
    Streaming is this statement's option, not the connection's: the caller's next statements
    are planned as before.
    """
    mode = _view_mode(conn, flt)
    few = flt.limit is not None and flt.limit <= BATCH
    rows = conn.execute(_view_query(flt, mode), execution_options={} if few else STREAMED)
    views = _views(iter(rows))
    if not history:
        yield from views
        return
    while batch := list(islice(views, BATCH)):
        hist = _star_history(batch, conn)
        yield from (replace(v, star_history=hist.get(v.key, ())) for v in batch)


def _count(conn: Connection, q: Select[Any]) -> int:
    return int(conn.execute(q).scalar_one() or 0)
