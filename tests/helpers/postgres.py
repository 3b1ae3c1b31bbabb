"""A throwaway PostgreSQL cluster on loopback: made in a temporary folder, started, and removed after.

Debian's ``postgresql`` package provides the binaries (``.ci/run`` installs it); its own cluster and service
play no part. initdb refuses to run as root, so under root the server runs as the package's ``postgres``
user (or ``nobody``), owning the temporary folder.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from tests.helpers.web import free_port
from workshop.db import open_database

ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
START_SECONDS = 30


class PostgresMissing(RuntimeError):
    """The PostgreSQL server binaries are not installed."""


def binaries() -> Path:
    """The ``bin`` folder of the newest installed PostgreSQL major version."""
    found = [
        path.parent
        for path in ROOT.glob("*/bin/initdb")
        if path.parent.parent.name.isdigit() and (path.parent / "pg_ctl").exists()
    ]
    if not found:
        raise PostgresMissing(
            f"no PostgreSQL server under {ROOT}/*/bin: install Debian's `postgresql` package "
            "(`apt-get install postgresql`, which .ci/run does)"
        )
    return max(found, key=lambda path: int(path.parent.name))


@dataclass
class PostgresServer:
    """A running cluster: connect to ``url(name)`` as its superuser, no password (trust on loopback)."""

    port: int
    folder: Path

    def url(self, database: str) -> str:
        """The app's database URL for ``database`` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    def connect(self, database: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A plain psycopg connection in autocommit (CREATE and DROP DATABASE refuse a transaction)."""
        return psycopg.connect(
            host="127.0.0.1", port=self.port, user=SUPERUSER, dbname=database, autocommit=True
        )

    def create_database(self, name: str, template: str | None = None) -> None:
        """Create database ``name``, a copy of ``template`` if given."""
        copy = f" TEMPLATE {template}" if template else ""
        with self.connect() as conn:
            conn.execute(f"CREATE DATABASE {name}{copy}".encode())

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, ending any connection still open on it."""
        with self.connect() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)".encode())


def _server_user() -> str | None:
    """Whom the server runs as: ourselves unless we are root, whom PostgreSQL refuses."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        with contextlib.suppress(KeyError):
            pwd.getpwnam(name)
            return name
    raise PostgresMissing("running as root and there is no `postgres` or `nobody` user to run the server as")


def _run(user: str | None, folder: Path, *command: str | Path) -> None:
    argv = [str(part) for part in command]
    if user is not None:
        argv = ["runuser", "-u", user, "--", *argv]
    done = subprocess.run(argv, cwd=folder, capture_output=True, text=True, timeout=120, check=False)
    if done.returncode != 0:
        log = folder / "server.log"
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        raise RuntimeError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr}{done.stdout}{tail}")


def _wait_until_accepting(server: PostgresServer) -> None:
    deadline = time.monotonic() + START_SECONDS
    while True:
        try:
            with server.connect() as conn:
                conn.execute("SELECT 1")
            return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)


@contextlib.contextmanager
def postgres_cluster() -> Iterator[PostgresServer]:
    """Make, start and finally stop and remove a cluster listening on 127.0.0.1 only, on a free port."""
    bin_dir = binaries()
    user = _server_user()
    # Under /tmp rather than pytest's folders: those are private to root, and the server's user must reach it.
    folder = Path(tempfile.mkdtemp(prefix="workshop-pg-"))
    data = folder / "data"
    try:
        if user is not None:
            entry = pwd.getpwnam(user)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        # --no-sync only skips initdb's own flush of the empty cluster; the server keeps fsync on.
        _run(
            user, folder, bin_dir / "initdb", "-D", data, "--auth=trust", "--locale=C", "--encoding=UTF8",
            f"--username={SUPERUSER}", "--no-sync", "--no-instructions",
        )  # fmt: skip
        port = free_port()
        options = (
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=on -c synchronous_commit=on"
            " -c max_connections=200 -c shared_buffers=32MB"
        )
        _run(user, folder, bin_dir / "pg_ctl", "-D", data, "-l", folder / "server.log", "-o", options,
             "-w", "-t", str(START_SECONDS), "start")  # fmt: skip
        server = PostgresServer(port=port, folder=folder)
        try:
            _wait_until_accepting(server)
            yield server
        finally:
            _run(user, folder, bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


class Databases:
    """Fresh databases on one server, each a copy of a template migrated once (CREATE DATABASE … TEMPLATE)."""

    TEMPLATE = "workshop_template"

    def __init__(self, server: PostgresServer) -> None:
        self.server = server
        self._made = 0
        server.create_database(self.TEMPLATE)
        # Disposed at once: a template with a connection open cannot be copied.
        open_database(server.url(self.TEMPLATE)).dispose()

    def create(self) -> str:
        """A new database at the newest schema, empty; returns its URL."""
        self._made += 1
        name = f"test_{os.getpid()}_{self._made}"
        self.server.create_database(name, template=self.TEMPLATE)
        return self.server.url(name)

    def drop(self, url: str) -> None:
        """Drop the database at ``url`` (one :meth:`create` returned)."""
        self.server.drop_database(url.rsplit("/", 1)[1])
