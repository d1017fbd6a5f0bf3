"""`tracker export -o` replaces only a regular file, through a private temporary file; a FIFO, a
device or a symbolic link is written in place and stays what it was."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path
from typing import Any

import pytest

HEADER = "key,arxiv_id,title,published,"


@pytest.fixture
def db(sqlite_url: str, tmp_path: Path, cli: Any) -> str:
    listing = tmp_path / "listing.csv"
    listing.write_text(
        "title,abstract,arxiv_id\nA Paper,Code: https://github.com/lab/a.,2401.00001\n",
        encoding="utf-8",
    )
    assert cli("ingest", str(listing), "--db", sqlite_url).returncode == 0
    return sqlite_url


def test_a_fifo_is_written_in_place_and_stays_a_fifo(db: str, tmp_path: Path, cli: Any) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    res = cli("export", "-o", str(fifo), "--db", db)
    reader.join(timeout=60)
    assert res.returncode == 0, res.stderr
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert got[0].decode("utf-8").startswith(HEADER)
    assert sorted(
        p.name for p in fifo.parent.iterdir() if p.name.startswith((".pipe", "pipe"))
    ) == ["pipe"]


def test_a_link_to_a_device_is_written_through_and_kept(db: str, tmp_path: Path, cli: Any) -> None:
    link = tmp_path / "null"
    link.symlink_to(os.devnull)
    res = cli("export", "-o", str(link), "--db", db)
    assert res.returncode == 0, res.stderr
    assert link.is_symlink() and os.readlink(link) == os.devnull
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_a_planted_link_at_the_old_temporary_name_is_never_followed(
    db: str, tmp_path: Path, cli: Any
) -> None:
    victim = tmp_path / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    out = tmp_path / "papers.csv"
    planted = tmp_path / "papers.csv.tmp"
    planted.symlink_to(victim)
    out.write_text("old\n", encoding="utf-8")
    out.chmod(0o640)
    res = cli("export", "-o", str(out), "--db", db)
    assert res.returncode == 0, res.stderr
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert planted.is_symlink() and os.readlink(planted) == str(victim)
    assert out.read_text(encoding="utf-8").startswith(HEADER) and not out.is_symlink()
    assert stat.S_IMODE(out.stat().st_mode) == 0o640
    assert sorted(p.name for p in tmp_path.iterdir() if "papers" in p.name) == [
        "papers.csv",
        "papers.csv.tmp",
    ]


def test_a_new_file_gets_the_usual_permissions(db: str, tmp_path: Path, cli: Any) -> None:
    out = tmp_path / "new.csv"
    res = cli("export", "-o", str(out), "--db", db, env={})
    assert res.returncode == 0, res.stderr
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
