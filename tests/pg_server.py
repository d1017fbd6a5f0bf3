"""A private PostgreSQL server for a test that stops or restarts it (as `.ci/postgres.sh` starts
one: initdb, then pg_ctl), on a free port with its data in a directory of its own."""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path


def server_binaries() -> Path | None:
    """The directory of `pg_ctl` and `initdb`, or None when PostgreSQL is not installed."""
    found = shutil.which("pg_ctl")
    if found and shutil.which("initdb"):
        return Path(found).resolve().parent
    for candidate in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if (Path(candidate) / "pg_ctl").is_file():
            return Path(candidate)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PostgresServer:
    """One server: `url` of its `postgres` database, `stop`, `start` and `restart`."""

    def __init__(self, binaries: Path, root: Path) -> None:
        self._bin = binaries
        self._data = root / "data"
        self._log = root / "server.log"
        self.port = _free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root, as the CI script knows
            user = pwd.getpwnam("postgres")
            os.chown(root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run([*self._as, *args], check=True, capture_output=True, timeout=120)

    def init(self) -> None:
        initdb = str(self._bin / "initdb")
        self._run(initdb, "-D", str(self._data), "-U", "postgres", "--auth=trust", "-E", "UTF8")

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k '' -c fsync=off"
        pg_ctl = str(self._bin / "pg_ctl")
        self._run(pg_ctl, "-D", str(self._data), "-l", str(self._log), "-w", "-o", options, "start")

    def stop(self, mode: str = "fast") -> None:
        self._run(str(self._bin / "pg_ctl"), "-D", str(self._data), "-m", mode, "-w", "stop")

    def restart(self) -> None:
        """A fast restart: the server ends every session (rolling back its transaction), as an
        administrator's restart or a failover does."""
        self.stop("fast")
        self.start()


@contextmanager
def postgres_server() -> Iterator[PostgresServer | None]:
    """A running private server, stopped and deleted afterwards; None when PostgreSQL is not
    installed (the caller skips)."""
    binaries = server_binaries()
    if binaries is None:
        yield None
        return
    root = Path(tempfile.mkdtemp(prefix="tracker-pg-"))
    server = PostgresServer(binaries, root)
    try:
        server.init()
        server.start()
        yield server
    finally:
        with suppress(subprocess.CalledProcessError):  # not running
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)
