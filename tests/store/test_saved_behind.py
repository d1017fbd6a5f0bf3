"""On PostgreSQL a save gathers the next batch while the one before is saved in a thread of its
own (`tracker.store.papers._SavedBehind`): a failure on either side reaches the caller, the
saving thread has ended by then (the caller may roll back at once), and nothing is kept."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import func, insert, select

from tracker.errors import InputError
from tracker.extract import extract_paper
from tracker.models import Location, PaperRecord
from tracker.rows import PaperRows, paper_rows
from tracker.store import open_db, papers
from tracker.store.schema import Paper

SIZE = 50
"""Papers per batch in these tests (`papers.BATCH`)."""


def _paper(i: int, also: str = "") -> PaperRows:
    record = PaperRecord(
        f"Method {i} for Sparse Retrieval",
        f"We study case {i}. Code: https://github.com/lab{i}/method-{i}{also}.",
        Location("in.txt", i + 1),
        "test",
        arxiv_id=f"2401.{i:05d}",
    )
    return paper_rows(extract_paper(record))


def _rows(count: int) -> list[PaperRows]:
    return [_paper(i) for i in range(count)]


def _saving_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "tracker-save"]


def _stored(url: str) -> list[str]:
    with open_db(url).connect() as conn:
        return list(conn.execute(select(Paper.c.key).order_by(Paper.c.key)).scalars())


def test_a_batch_the_server_rejects_fails_the_save_and_stops_the_reading(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(papers, "BATCH", SIZE)
    engine = open_db(pg_url)
    with engine.begin() as conn:  # holds the key the third batch's first paper is given
        conn.execute(
            insert(Paper).values(
                key="arxiv:2401.00100",
                title="Another Paper",
                title_norm="another paper",
                source_kind="test",
            )
        )
    rows = _rows(10 * SIZE)
    read, tried = [0], [0]
    save_batch = papers._save_batch

    def counted_save(*args: Any, **kwargs: Any) -> list[int]:
        tried[0] += 1
        return save_batch(*args, **kwargs)

    monkeypatch.setattr(papers, "_save_batch", counted_save)

    def counted() -> Iterator[PaperRows]:
        for row in rows:
            read[0] += 1
            yield row

    with engine.connect() as conn:
        transaction = conn.begin()
        with pytest.raises(Exception, match="ix_paper_key"):
            papers.save_rows(conn, counted())
        assert _saving_threads() == []
        transaction.rollback()
        assert conn.execute(select(func.count()).select_from(Paper)).scalar() == 1
    # the caller reads on while the failed batch is saved and gets the failure at its next
    # hand-over: one batch waiting, one handed over as the failure came, one more gathered
    assert 3 * SIZE <= read[0] <= 6 * SIZE
    assert tried[0] == 3  # nothing after the failed batch was tried
    assert _stored(pg_url) == ["arxiv:2401.00100"]


@pytest.mark.parametrize("error", [InputError("in.txt", "cut off", 151), KeyboardInterrupt()])
def test_the_callers_error_waits_for_the_batch_being_saved(
    pg_url: str, monkeypatch: pytest.MonkeyPatch, error: BaseException
) -> None:
    """The input fails while the saving thread is busy with the batch before: the error
    reaches the caller only once that batch is done, and a rollback keeps nothing."""
    monkeypatch.setattr(papers, "BATCH", SIZE)
    rows = _rows(3 * SIZE)
    busy = threading.Event()
    started, finished = [0], [0]

    def slow(batch: list[PaperRows], ids: list[int]) -> None:
        started[0] += 1
        busy.set()
        time.sleep(0.5)
        finished[0] += 1

    def failing() -> Iterator[PaperRows]:
        yield from rows
        assert busy.wait(10)
        raise error

    engine = open_db(pg_url)
    with engine.connect() as conn:
        transaction = conn.begin()
        with pytest.raises(type(error)):
            papers.save_rows(conn, failing(), saved=slow)
        assert _saving_threads() == []
        assert started[0] == finished[0] >= 1  # the batch in hand was saved to its end
        transaction.rollback()
    assert _stored(pg_url) == []


def test_batches_saved_behind_see_the_ones_before(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A paper that comes back two batches later with one more link is found among the papers
    the batches before stored, as a serial save finds it: one paper, its new link added."""
    monkeypatch.setattr(papers, "BATCH", SIZE)
    again = _paper(7, also=" and https://github.com/late/x")
    engine = open_db(pg_url)
    with engine.begin() as conn:
        counts = papers.save_rows(conn, [*_rows(2 * SIZE), again])
    assert (counts.papers_seen, counts.papers_new) == (2 * SIZE + 1, 2 * SIZE)
    assert (counts.links_seen, counts.links_new) == (2 * SIZE + 2, 2 * SIZE + 1)
    assert len(_stored(pg_url)) == 2 * SIZE
