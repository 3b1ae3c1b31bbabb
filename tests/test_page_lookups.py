"""The participant pages' per-process workshop lookup (web/page_tools.py, guards.LookupCache): what it keeps
never hides a change another process makes. Changes go through a second Database handle, as a TUI or
another worker process would make them; the cache's clock is the test's, so nothing waits."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.data import add_item, join_code
from tests.helpers.web import LiveServer
from workshop import store, usecases
from workshop.db import Database, open_database
from workshop.models import Organisation, row_id
from workshop.templates import get_template
from workshop.web.guards import LookupCache


class Clock:
    """A clock the test moves."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock(live_server: LiveServer) -> Clock:
    clock = Clock()
    live_server.app.state.lookups = LookupCache(seconds=1.0, clock=clock)
    return clock


@pytest.fixture
def other(db: Database) -> Iterator[Database]:
    """A second handle on the same database: another process's view."""
    handle = open_database(db.url, upgrade=False)
    yield handle
    handle.dispose()


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def joined(phone: httpx.Client, code: str) -> None:
    reply = phone.post(f"/j/{code}", data={})
    assert reply.status_code == 303


def test_an_item_started_or_closed_elsewhere_shows_at_once(
    phone: httpx.Client, clock: Clock, db: Database, other: Database, workshop_id: int
) -> None:
    code = join_code(db, workshop_id)
    first = add_item(db, workshop_id, "question", "First question", {"prompt": "Why?"})
    joined(phone, code)
    assert "First question" in phone.get(f"/w/{code}").text
    second = add_item(other, workshop_id, "question", "Second question", {"prompt": "How?"})
    assert "Second question" in phone.get(f"/w/{code}").text  # no wait: the item is never cached
    with other.writing() as session:
        store.close_item(session, row_id(second))
    page = phone.get(f"/w/{code}")
    assert page.status_code == 200 and "Second question" in page.text
    assert 'data-state="closed"' in page.text
    assert row_id(first) != row_id(second)


def test_a_workshop_deleted_elsewhere_is_gone_once_the_lookup_is_due(
    phone: httpx.Client, clock: Clock, db: Database, other: Database, workshop_id: int
) -> None:
    code = join_code(db, workshop_id)
    add_item(db, workshop_id, "question", "Only question", {"prompt": "Why?"})
    joined(phone, code)
    assert phone.get(f"/w/{code}").status_code == 200
    with other.writing() as session:
        usecases.delete_workshop(session, workshop_id)
    # The page reads the workshop's row with the seat: it is gone at once, whatever the lookup kept.
    assert phone.get(f"/w/{code}").status_code == 404
    clock.now += 1.0
    assert phone.get(f"/j/{code}").status_code == 404
    assert phone.get(f"/w/{code}").status_code == 404
    assert phone.post(f"/j/{code}", data={}).status_code == 404
    assert phone.get(f"/w/{code}/status").json() == {"found": False}


def test_a_new_workshop_is_found_at_once(
    phone: httpx.Client, clock: Clock, db: Database, other: Database, workshop_id: int
) -> None:
    assert phone.get("/j/NOSUCH").status_code == 404  # a miss is never kept
    with other.writing() as session:
        made = usecases.create_workshop(session, get_template("cyp-integration"), "Made elsewhere")
        code = made.join_code
    page = phone.get(f"/j/{code}")
    assert page.status_code == 200 and "Made elsewhere" in page.text


def test_the_cache_keeps_only_what_was_found_and_for_its_time() -> None:
    clock = Clock()
    cache = LookupCache(seconds=1.0, clock=clock)
    loads: list[str] = []

    def load(value: str | None) -> str | None:
        loads.append(str(value))
        return value

    assert cache.get("A", lambda: load(None)) is None
    assert cache.get("A", lambda: load("row")) == "row"
    assert cache.get("A", lambda: load("newer")) == "row"
    clock.now += 1.0
    assert cache.get("A", lambda: load("newer")) == "newer"
    cache.forget("A")
    assert cache.get("A", lambda: load(None)) is None
    assert loads == ["None", "row", "newer", "None"]


def test_joining_while_the_lookup_is_out_of_date_is_a_clear_answer(
    phone: httpx.Client, clock: Clock, db: Database, other: Database, workshop_id: int
) -> None:
    code = join_code(db, workshop_id)
    with db.reading() as session:
        organisation = store.organisations(session, workshop_id)[0]
    assert phone.get(f"/j/{code}").status_code == 200  # the lookup now holds the organisations
    with other.writing() as session:  # the facilitator removes one meanwhile
        session.delete(session.get(Organisation, row_id(organisation)))
    chose_it = phone.post(f"/j/{code}", data={"organisation": str(organisation.id), "role_level": "none"})
    assert chose_it.status_code == 422
    assert "Choose an organisation from the list" in chose_it.text
    with other.writing() as session:  # and then the workshop goes, while the lookup still has it
        usecases.delete_workshop(session, workshop_id)
    assert phone.post(f"/j/{code}", data={}).status_code == 404
    assert phone.get(f"/j/{code}").status_code == 404  # forgotten at once, not after its second
