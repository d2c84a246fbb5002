"""Engines for the inspection-database tests: SQLite in memory, and a real PostgreSQL server.

The server is the Debian package's: `initdb` into a temporary folder, started with `pg_ctl` on
loopback at a free port (its socket in the same folder), stopped and removed after the session.
PostgreSQL refuses to run as root, so as root the commands run as the `postgres` user
(`runuser`). Where the binaries, that user or the driver are missing the PostgreSQL tests skip,
saying which.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest.importorskip("sqlalchemy", reason="SQLAlchemy not installed (pip install -e '.[db]')")
pytest.importorskip("alembic", reason="Alembic not installed (pip install -e '.[db]')")

import sqlalchemy as sa  # noqa: E402

import inspection_db  # noqa: E402

START_TIMEOUT_S = 60
_databases = itertools.count()


def _server_binaries() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server():
    """The URL of a throwaway PostgreSQL server's `postgres` database; skips where none can run."""
    try:
        import psycopg  # noqa: F401
    except ImportError:
        pytest.skip("psycopg (PostgreSQL driver) not installed: pip install -e '.[db]'")
    binaries = _server_binaries()
    if binaries is None:
        pytest.skip("PostgreSQL server not installed (Debian package postgresql: "
                    "scripts/system-packages.sh)")
    prefix: list[str] = []
    if os.geteuid() == 0:
        try:
            account = pwd.getpwnam("postgres")
        except KeyError:
            pytest.skip("running as root and there is no postgres user to run the server as")
        runuser = shutil.which("runuser")
        if runuser is None:
            pytest.skip("running as root and runuser is missing to start PostgreSQL as postgres")
        prefix = [runuser, "-u", "postgres", "--"]
    folder = Path(tempfile.mkdtemp(prefix="inspection-pg-"))
    if prefix:
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, log = folder / "data", folder / "server.log"
    port = _free_port()

    def as_server(*command, timeout=START_TIMEOUT_S):
        return subprocess.run([*prefix, *map(str, command)], capture_output=True, text=True,
                              timeout=timeout, cwd=folder)

    started = False
    try:
        done = as_server(binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust",
                         "--locale=C", "--encoding=UTF8", "--no-sync")
        assert done.returncode == 0, f"initdb failed: {done.stderr[-2000:]}"
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off "
                   f"-c full_page_writes=off -c max_connections=40")
        done = as_server(binaries / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w",
                         "-t", START_TIMEOUT_S, "start", timeout=START_TIMEOUT_S + 10)
        started = done.returncode == 0
        assert started, (f"pg_ctl start failed: {done.stderr[-1000:]} "
                          f"{log.read_text()[-2000:] if log.exists() else ''}")
        yield f"postgresql+psycopg://postgres@127.0.0.1:{port}/postgres"
    finally:
        if started:
            as_server(binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "-t", "30", "stop")
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def postgres_engine(postgres_server):
    """A fresh, empty database on the test server, dropped after the test."""
    name = f"inspection_{os.getpid()}_{next(_databases)}"
    admin = sa.create_engine(postgres_server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    engine = inspection_db.connect(postgres_server.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request):
    """An empty database on each engine: SQLite in memory, then the PostgreSQL server."""
    if request.param == "sqlite":
        engine = inspection_db.connect("sqlite://")
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("postgres_engine")
