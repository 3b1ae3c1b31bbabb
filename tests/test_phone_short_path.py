"""The phones' hot path, fifth round: the seat and item in one statement, and the phone routes served
past FastAPI's middleware with the same guard, headers and error pages."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import fastapi.routing
import pytest
from sqlmodel import select
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.testclient import TestClient
from starlette.types import Receive, Scope, Send

from tests.helpers.data import join_code, save
from tests.helpers.serve import Ballot
from workshop import store
from workshop.activities.maturity.matrix import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import AgendaItem, MaturityComment, MaturityRating, Seat, row_id
from workshop.store import seats as seats_module
from workshop.store.phone_reads import seat_and_item
from workshop.templates import get_template
from workshop.usecases import create_workshop
from workshop.web import page_tools, pages, pages_join
from workshop.web.app import MAX_BODY_BYTES, create_app
from workshop.web.middleware import SECURITY_HEADERS
from workshop.web.participant_app import PHONE_PREFIXES, ParticipantApp
from workshop.writer import BatchWriter


def _seat(db: Database, workshop_id: int) -> Seat:
    with db.writing() as session:
        return store.join(session, workshop_id)


def test_seat_and_item_reads_what_the_two_reads_did(db: Database, maturity_item: AgendaItem) -> None:
    workshop_id = maturity_item.workshop_id
    seat = _seat(db, workshop_id)
    with db.writing() as session:
        other = create_workshop(session, get_template("cyp-integration"), "Another")
        other_seat = store.join(session, row_id(other))
        other_item = store.agenda(session, row_id(other))[0]
    with db.read_connection() as connection:
        found_seat, item = seat_and_item(connection, workshop_id, seat.token)
        assert found_seat is not None and found_seat.model_dump() == seat.model_dump()
        assert item is not None and item.model_dump() == maturity_item.model_dump()
        # By id: the item, even of another workshop (the caller checks), and None for no such row.
        named = seat_and_item(connection, workshop_id, seat.token, row_id(other_item))[1]
        assert named is not None and named.workshop_id == row_id(other)
        assert seat_and_item(connection, workshop_id, seat.token, 10**9)[1] is None
        # No seat for no token, a token too long for a cookie, or another workshop's seat; the item still.
        for token in (None, "", "x" * 65, other_seat.token):
            nobody, still = seat_and_item(connection, workshop_id, token)
            assert nobody is None and still is not None and still.id == maturity_item.id
        # Nothing started yet: no current item.
        assert seat_and_item(connection, row_id(other), other_seat.token)[1] is None
        with pytest.raises(store.WorkshopNotFound):
            seat_and_item(connection, 10**9, seat.token)


@pytest.fixture
def app(db: Database) -> Iterator[ParticipantApp]:
    writer = BatchWriter(db)
    writer.start()
    yield create_app(db, writer)
    writer.stop()


def _has_security_headers(headers: dict[str, str]) -> bool:
    return all(headers.get(name.decode()) == value.decode() for name, value in SECURITY_HEADERS)


def test_phone_requests_skip_fastapis_stack_and_keep_the_guard(
    app: ParticipantApp, db: Database, maturity_item: AgendaItem
) -> None:
    code = join_code(db, maturity_item.workshop_id)
    with TestClient(app, follow_redirects=False) as phone:
        # Whatever passes through FastAPI's own stack (built for the client's lifespan) is seen here.
        through_fastapi: list[str] = []
        stack = app.middleware_stack
        assert stack is not None

        async def seen(scope: Scope, receive: Receive, send: Send) -> None:
            through_fastapi.append(scope["path"])
            await stack(scope, receive, send)

        app.middleware_stack = seen
        replies = [phone.get(f"/j/{code}"), phone.post(f"/j/{code}", data={})]
        replies += [phone.get(f"/w/{code}"), phone.get(f"/w/{code}/status")]
        assert [reply.status_code for reply in replies] == [200, 303, 200, 200]
        # An unknown phone path and an unknown code: the app's own 404 page, through the guard.
        missing = [phone.get(f"/w/{code}/nothing"), phone.get("/w/NOSUCH1"), phone.get("/j/NOSUCH1")]
        assert [reply.status_code for reply in missing] == [404, 404, 404]
        assert all("Page not found" in reply.text for reply in missing)
        too_big = phone.post(f"/j/{code}", content=b"x" * (MAX_BODY_BYTES + 1))
        assert too_big.status_code == 413 and "Too much data" in too_big.text
        for reply in [*replies, *missing, too_big]:
            assert _has_security_headers(dict(reply.headers)), reply.request.url
        assert through_fastapi == []
        home = phone.get("/")
        assert home.status_code == 200 and _has_security_headers(dict(home.headers))
        assert through_fastapi == ["/"]  # the rest of the app goes through it


def test_a_phone_page_that_crashes_gets_the_guards_page(
    app: ParticipantApp, db: Database, maturity_item: AgendaItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    code = join_code(db, maturity_item.workshop_id)

    def crash(*_args: object, **_kwargs: object) -> None:
        raise RuntimeError("a bug")

    with TestClient(app, follow_redirects=False, raise_server_exceptions=False) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        monkeypatch.setattr(pages, "_activity_context", crash)
        reply = phone.get(f"/w/{code}")
        assert reply.status_code == 500 and "Something went wrong" in reply.text
        assert _has_security_headers(dict(reply.headers))


def test_every_route_under_the_phone_prefixes_is_a_phone_route(app: ParticipantApp) -> None:
    # Requests under the prefixes never reach FastAPI's router: a route of its own there would be dead.
    phone_routes = {id(route) for route in [*pages_join.routes, *pages.routes]}
    walk = fastapi.routing.iter_route_contexts  # into included routers too (FastAPI keeps each as one)
    found = [(getattr(each, "path", ""), getattr(each, "original_route", each)) for each in walk(app.routes)]
    paths = [(path or "", id(route)) for path, route in found]
    assert len(paths) > len(phone_routes)
    assert not [path for path, key in paths if path.startswith(PHONE_PREFIXES) and key not in phone_routes]
    assert [path for path, key in paths if key in phone_routes]


def test_the_saved_page_is_rendered_once_and_shared_but_for_the_seats_code(
    app: ParticipantApp,
    db: Database,
    ballot: Ballot,
    maturity_item: AgendaItem,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    form = {name: str(ballot.levels[0]) for name in ballot.fields}
    rendered: list[str] = []
    render = page_tools.render

    def counted(request: Request, name: str, context: dict[str, Any], status: int = 200) -> HTMLResponse:
        rendered.append(name)
        return render(request, name, context, status)

    monkeypatch.setattr(page_tools, "render", counted)
    pages_seen: list[str] = []
    codes: list[str] = []
    for _ in range(2):
        with TestClient(app, follow_redirects=False) as phone:
            assert phone.post(f"/j/{ballot.code}", data={}).status_code == 303
            voted = phone.post(f"/w/{ballot.code}/items/{ballot.item_id}", data=form)
            assert voted.status_code == 303
            saved = phone.get(voted.headers["location"])
            assert saved.status_code == 200 and "Your answers are saved" in saved.text
            with db.reading() as session:
                token = phone.cookies[f"seat_{ballot.code}"]
                seat = store.seat_by_token(session, maturity_item.workshop_id, token)
            assert seat is not None and seat.code in saved.text
            pages_seen.append(saved.text)
            codes.append(seat.code)
    assert codes[0] != codes[1] and codes[0] not in pages_seen[1]
    assert pages_seen[0].replace(codes[0], "CODE") == pages_seen[1].replace(codes[1], "CODE")
    assert rendered.count("saved.html") == 1


def test_a_second_whole_vote_replaces_the_first(db: Database, maturity_item: AgendaItem) -> None:
    # A new response skips clearing answer rows it cannot have; one that exists must still be cleared.
    workshop_id = maturity_item.workshop_id
    seat = _seat(db, workshop_id)
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    first_factor = row_id(structure.factors[0])
    keys = [(row_id(f), row_id(h)) for f in structure.factors for h in structure.horizons]
    save(db, maturity_item, row_id(seat), MatrixAnswers(dict.fromkeys(keys, 1), {first_factor: "first"}))
    save(db, maturity_item, row_id(seat), MatrixAnswers(dict.fromkeys(keys[:-1], 3), {}))
    with db.reading() as session:
        ratings = session.exec(select(MaturityRating).where(MaturityRating.item_id == maturity_item.id)).all()
        item_comments = select(MaturityComment).where(MaturityComment.item_id == maturity_item.id)
        comments = session.exec(item_comments).all()
    assert sorted((r.factor_id, r.horizon_id, r.level) for r in ratings) == sorted((*k, 3) for k in keys[:-1])
    assert comments == []


def test_a_fixed_structure_is_fingerprinted_by_content_once(
    db: Database, maturity_item: AgendaItem, monkeypatch: pytest.MonkeyPatch
) -> None:
    walked: list[object] = []
    remember = page_tools._remember_fixed

    def counted(value: object) -> int:
        walked.append(value)
        return remember(value)

    monkeypatch.setattr(page_tools, "_remember_fixed", counted)
    with db.reading() as session:
        structure = load_structure(session, maturity_item.workshop_id)
        again = load_structure(session, maturity_item.workshop_id)  # another object, the same content
    assert structure is not again and structure == again
    first = page_tools.fingerprint({"structure": structure})
    assert page_tools.fingerprint({"structure": structure}) == first
    assert page_tools.fingerprint({"structure": again}) == first  # equal content, equal key
    assert page_tools.fingerprint({"structure": structure}) == first
    assert [id(value) for value in walked] == [id(structure), id(again)]  # each object walked once
    assert len(repr(first)) < 100  # a number for the content, not the whole of it on every page
    fewer = replace(structure, levels=structure.levels[:-1])
    assert page_tools.fingerprint({"structure": fewer}) != first


def test_a_join_draws_another_code_while_the_one_drawn_is_taken(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = _seat(db, workshop_id).code
    drawn = iter([taken, taken, "NEW777"])
    monkeypatch.setattr(seats_module, "short_code", lambda: next(drawn))
    with db.writing() as session:
        made = seats_module.add_seat(session, workshop_id)
    assert made.code == "NEW777"
    with db.reading() as session:
        rows = session.exec(select(Seat).where(Seat.workshop_id == workshop_id)).all()
    codes = sorted(seat.code for seat in rows)
    assert codes == sorted([taken, "NEW777"])
