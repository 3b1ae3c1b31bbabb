"""Shared fixtures: a private home folder per test, a fresh database, and a real server on loopback."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from playwright.sync_api import Browser, Page, sync_playwright

from tests.helpers.data import join_code, start_kind
from tests.helpers.outcome_run import golden_run
from tests.helpers.postgres import Databases, PostgresMissing, PostgresServer, postgres_cluster
from tests.helpers.postgres import binaries as postgres_binaries
from tests.helpers.serve import Ballot
from tests.helpers.web import ARGS, CHROMIUM, LiveServer, OpenPage, free_port
from workshop import usecases
from workshop.db import Database, open_database
from workshop.models import AgendaItem, row_id
from workshop.templates import get_template
from workshop.web import create_app
from workshop.writer import BatchWriter

# Snapshot tests and colour output must not depend on the developer's terminal settings.
for _name in ("NO_COLOR", "TEXTUAL_THEME", "FORCE_COLOR", "WORKSHOP_DB", "WORKSHOP_PORT", "WORKSHOP_HOST"):
    os.environ.pop(_name, None)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Within each module run browser tests last: sync Playwright's event loop stays up until the module
    ends, and asyncio tests (Pilot) cannot start inside a running loop."""
    modules: dict[str, int] = {}
    for item in items:
        modules.setdefault(item.nodeid.split("::")[0], len(modules))
    items.sort(
        key=lambda item: (modules[item.nodeid.split("::")[0]], item.get_closest_marker("browser") is not None)
    )


@pytest.fixture(autouse=True)
def workshop_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data, templates, exports and logs folders."""
    home = tmp_path / "home"
    monkeypatch.setenv("WORKSHOP_HOME", str(home))
    monkeypatch.delenv("WORKSHOP_TEMPLATES", raising=False)
    return home


@pytest.fixture(scope="session")
def migrated_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database file at the newest schema, made once per run. Running the migrations takes a
    tenth of a second, paid by every test that used a database; tests/test_migrations.py runs them afresh."""
    folder = tmp_path_factory.mktemp("schema")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSHOP_HOME", str(folder / "home"))  # never the developer's own folders
        open_database(f"sqlite:///{folder / 'migrated.sqlite3'}").dispose()
    return folder / "migrated.sqlite3"


@pytest.fixture
def db(tmp_path: Path, migrated_file: Path) -> Iterator[Database]:
    """A fresh, migrated SQLite database: a copy of the run's migrated file, opened as the app opens one."""
    path = tmp_path / "test.sqlite3"
    shutil.copyfile(migrated_file, path)
    database = open_database(f"sqlite:///{path}")
    yield database
    database.dispose()


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    """A PostgreSQL cluster of the run's own on 127.0.0.1, started by the first test that asks for it."""
    try:
        postgres_binaries()
    except PostgresMissing as exc:  # CI installs the server: a machine without it fails, never skips
        pytest.fail(str(exc), pytrace=False)
    with postgres_cluster() as server:
        yield server


@pytest.fixture(scope="session")
def pg_databases(postgres_server: PostgresServer, tmp_path_factory: pytest.TempPathFactory) -> Databases:
    """Makes fresh PostgreSQL databases from a template migrated once per run."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSHOP_HOME", str(tmp_path_factory.mktemp("pg") / "home"))
        return Databases(postgres_server)


@pytest.fixture
def pg_db(pg_databases: Databases) -> Iterator[Database]:
    """A fresh, migrated PostgreSQL database, opened as the app opens one; dropped after the test."""
    url = pg_databases.create()
    database = open_database(url)
    yield database
    database.dispose()
    pg_databases.drop(url)


@pytest.fixture
def workshop_id(db: Database) -> int:
    """A workshop made from the shipped template, nothing started."""
    with db.writing() as session:
        workshop = usecases.create_workshop(session, get_template("cyp-integration"), "Test workshop")
        assert workshop.id is not None
        return workshop.id


@pytest.fixture
def maturity_item(db: Database, workshop_id: int) -> AgendaItem:
    """The maturity-matrix item, started."""
    return start_kind(db, workshop_id, "maturity")


@pytest.fixture
def ballot(db: Database, workshop_id: int, maturity_item: AgendaItem) -> Ballot:
    """The started maturity item as a phone that joined with the workshop's code fills it in."""
    return Ballot.read(db, workshop_id, join_code(db, workshop_id), row_id(maturity_item))


class _ThreadServer(uvicorn.Server):
    """A server run in a thread: signals stay pytest's (only the main thread may install handlers)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


@pytest.fixture
def live_server(db: Database) -> Iterator[LiveServer]:
    """uvicorn in a background thread on 127.0.0.1, stopped after the test."""
    with serving(db) as server:
        yield server


@pytest.fixture
def pg_live_server(pg_db: Database) -> Iterator[LiveServer]:
    """The same server as ``live_server``, on a fresh PostgreSQL database."""
    with serving(pg_db) as server:
        yield server


@contextlib.contextmanager
def serving(db: Database) -> Iterator[LiveServer]:
    """The app and its writer serving ``db`` from a background thread on 127.0.0.1, stopped at the end."""
    writer = BatchWriter(db)
    writer.start()
    port = free_port()
    app = create_app(db, writer)
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, access_log=False, lifespan="off"
    )
    server = _ThreadServer(config)
    thread = threading.Thread(target=lambda: asyncio.run(server.serve()), daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the test server did not start")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://127.0.0.1:{port}", db, writer, app)
    finally:
        server.should_exit = True
        thread.join(10)
        writer.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, one per module: sync Playwright keeps an event loop running, which must end
    before asyncio tests run."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser: Browser) -> Iterator[OpenPage]:
    """Opens a page in a fresh phone-sized context (no cookies); all are closed after the test."""
    contexts = []

    def open_(width: int = 375, height: int = 740) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height}, is_mobile=True, has_touch=True
        )
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context.new_page()

    yield open_
    for context in contexts:
        context.close()


@pytest.fixture
def golden_workshop(db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch) -> int:
    """The workshop every golden-file test exports (tests/helpers/outcome_run.py), its clock stopped."""
    return golden_run(db, workshop_id, monkeypatch)
