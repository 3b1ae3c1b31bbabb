"""The phones' hot path, third round: item reads as copies, plain routes first, and a vote that reads the
seat's saved answers only to draw the form again."""

from __future__ import annotations

from starlette.routing import Route
from starlette.testclient import TestClient

from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Workshop, row_id
from workshop.web.app import create_app
from workshop.writer import BatchWriter


def test_item_reads_are_copies_equal_to_the_rows(db: Database, maturity_item: AgendaItem) -> None:
    with db.reading() as session:
        tracked = session.get(AgendaItem, row_id(maturity_item))
        assert tracked is not None
        copy = store.item_copy(session, row_id(maturity_item))
        current = store.current_item(session, maturity_item.workshop_id)
        assert copy is not None and current is not None
        assert copy.model_dump() == tracked.model_dump() == current.model_dump()
        assert list(session.identity_map.values()) == [tracked]  # the copies are not tracked
        assert store.item_copy(session, 10**9) is None


def test_current_item_none_before_any_start_and_missing_workshop(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        workshop = session.get(Workshop, workshop_id)
        assert workshop is not None
        workshop.current_item_id = None
    with db.reading() as session:
        assert store.current_item(session, workshop_id) is None
        try:
            store.current_item(session, 10**9)
        except store.WorkshopNotFound:
            pass
        else:
            raise AssertionError("a missing workshop must raise WorkshopNotFound")


def test_phone_routes_are_plain_and_first_and_not_in_the_schema(db: Database) -> None:
    writer = BatchWriter(db)
    app = create_app(db, writer)
    phone_paths = {"/", "/j/{code}", "/j/{code}/seat", "/w/{code}", "/w/{code}/status"}
    phone_paths |= {"/w/{code}/items/{item_id:rowid}", "/w/{code}/items/{item_id:rowid}/saved"}
    first = app.router.routes[:9]
    assert all(type(route) is Route for route in first)
    assert {route.path for route in first if isinstance(route, Route)} == phone_paths
    with TestClient(app) as client:
        schema = client.get("/openapi.json").json()
        assert not [path for path in schema["paths"] if not path.startswith("/api/")]
        # A number no row can have misses the route: a 404 page, as before.
        assert client.get("/w/ABC/items/0/saved").status_code == 404
