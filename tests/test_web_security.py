"""Over real HTTP: ids no row can have, crashes, the API's documented refusals, forged posts to the remote."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import fastapi.routing
import httpx
import pytest
from sqlmodel import select

from tests.helpers.data import get_row, join_code, token_for
from tests.helpers.web import LiveServer, form_token
from workshop import store, usecases
from workshop.models import Entry, EntryStatus, ItemState, Seat, Workshop, row_id
from workshop.row_ids import MAX_ID
from workshop.store.entries import add_entry
from workshop.templates import get_template

SECURITY = {"x-frame-options": "DENY", "x-content-type-options": "nosniff", "cache-control": "no-store"}
BAD_IDS = [str(2**63), str(2**64), "-1", "0", "99999999999999999999"]
# What each other path parameter is given, so that only the id is wrong.
OTHER_PARAMS = {"code": None, "action": "open", "status": "approved", "direction": "next"}


def assert_protected(reply: httpx.Response) -> None:
    for name, value in SECURITY.items():
        assert reply.headers.get(name) == value, (reply.request.url, name, reply.status_code)
    assert "referrer-policy" in reply.headers


@pytest.fixture
def facilitator_token(live_server: LiveServer, workshop_id: int) -> str:
    return token_for(live_server.db, workshop_id)


@pytest.fixture
def everyone(live_server: LiveServer, workshop_id: int, facilitator_token: str) -> Iterator[httpx.Client]:
    """A client that holds every credential: a seat, the remote's cookie and the API token."""
    headers = {"Authorization": f"Bearer {facilitator_token}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=10) as client:
        assert client.post(f"/j/{join_code(live_server.db, workshop_id)}", data={}).status_code == 303
        assert client.get(f"/f/{facilitator_token}").status_code == 303
        yield client


def id_routes(live_server: LiveServer) -> list[Any]:
    """Every route with a row id in its path: a new one is covered without touching this test."""
    # Recent FastAPI keeps each included router as one entry of ``app.routes``; this walks into them.
    walk = getattr(fastapi.routing, "iter_route_contexts", iter)
    routes: list[Any] = [
        route
        for route in walk(live_server.app.routes)
        if any(name.endswith("_id") for name in getattr(route, "param_convertors", {}))
    ]
    assert len(routes) >= 6, [route.path for route in routes]
    return routes


def test_every_id_route_answers_404_for_an_id_no_row_can_have(
    live_server: LiveServer, workshop_id: int, everyone: httpx.Client
) -> None:
    params = {**OTHER_PARAMS, "code": join_code(live_server.db, workshop_id)}
    for route in id_routes(live_server):
        unknown = {name for name in route.param_convertors if not name.endswith("_id")} - set(params)
        assert not unknown, f"{route.path}: give the test a value for {unknown}"
        for bad in BAD_IDS:
            path = route.path_format.format(
                **{name: bad if name.endswith("_id") else params[name] for name in route.param_convertors}
            )
            for method in sorted(route.methods or ()):
                data = {"action": "open", "status": "approved"} if method == "POST" else None
                reply = everyone.request(method, path, data=data)
                assert reply.status_code == 404, (method, path, reply.status_code, reply.text[:200])
                assert_protected(reply)


def test_a_crash_is_a_500_that_still_carries_the_security_headers(live_server: LiveServer) -> None:
    def crash() -> None:
        raise RuntimeError("a handler that breaks")

    live_server.app.add_api_route("/crash-for-test", crash)
    live_server.app.add_api_route("/api/v1/crash-for-test", crash)
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        page = client.get("/crash-for-test")
        assert_protected(page)
        assert page.status_code == 500 and "Something went wrong" in page.text
        assert "a handler that breaks" not in page.text
        api = client.get("/api/v1/crash-for-test")
        assert_protected(api)
        assert api.status_code == 500 and api.json() == {"detail": "internal server error"}


def test_openapi_documents_401_404_and_409(live_server: LiveServer) -> None:
    schema = httpx.get(f"{live_server.url}/openapi.json", timeout=10).json()
    operations = [
        (path, method, operation)
        for path, methods in schema["paths"].items()
        for method, operation in methods.items()
    ]
    assert len(operations) >= 6
    for path, method, operation in operations:
        replies = operation["responses"]
        assert "401" in replies and "503" in replies, (method, path)
        if re.search(r"\{\w+_id\}", path):
            assert "404" in replies, (method, path)
            ids = [p for p in operation["parameters"] if p["name"].endswith("_id")]
            assert all(p["schema"]["maximum"] == MAX_ID for p in ids), (method, path)
        # Adding a seat, an item or an action conflicts with nothing: the refusals are about what was sent.
        if method == "post" and path not in (
            "/api/v1/proxy-seats",
            "/api/v1/items",
            "/api/v1/actions/{item_id}",
        ):
            assert "409" in replies, (method, path)
        for code in ("401", "404", "409"):
            if code in replies:
                assert replies[code]["description"] and "Problem" in str(replies[code]["content"])


def test_another_workshops_item_or_entry_is_a_404_that_names_nothing(
    live_server: LiveServer, workshop_id: int, everyone: httpx.Client
) -> None:
    with live_server.db.writing() as session:
        other = usecases.create_workshop(session, get_template("cyp-integration"), "Other")
        item = store.agenda(session, row_id(other))[0]
        item.title = "Confidential restructure"
        session.add(item)
        entry = add_entry(session, item, store.join(session, row_id(other)), "Close the Eastside unit")
        item_id, entry_id = row_id(item), row_id(entry)
    for path in (f"/api/v1/items/{item_id}/open", f"/api/v1/entries/{entry_id}/hidden"):
        reply = everyone.post(path)
        assert reply.status_code == 404, (path, reply.status_code)
        assert "Confidential" not in reply.text and "Eastside" not in reply.text
    phone = everyone.post(f"/w/{join_code(live_server.db, workshop_id)}/items/{item_id}", data={})
    assert phone.status_code == 404 and "Confidential" not in phone.text
    with live_server.db.reading() as session:
        assert store.get_item(session, item_id).state == ItemState.PENDING
        assert get_row(session, Entry, entry_id).status == EntryStatus.PENDING


# Forged posts to the remote, over HTTP (tests/test_remote_csrf_browser.py does it in Chromium).


def _current(live_server: LiveServer, workshop_id: int) -> int | None:
    with live_server.db.reading() as session:
        return get_row(session, Workshop, workshop_id).current_item_id


def test_remote_refuses_a_post_without_its_form_token(
    live_server: LiveServer, workshop_id: int, everyone: httpx.Client
) -> None:
    with live_server.db.writing() as session:
        made = usecases.create_workshop(session, get_template("cyp-integration"), "Other")
        other = store.issue_facilitator_token(session, made)
    with httpx.Client(base_url=live_server.url, timeout=10) as elsewhere:
        elsewhere.get(f"/f/{other}")
        other_sessions = form_token(elsewhere.get("/f/").text)
    for sent in ({}, {"csrf": ""}, {"csrf": "0" * 64}, {"csrf": other_sessions}, {"csrf": "é" * 64}):
        refused = everyone.post("/f/next", data=sent)
        assert refused.status_code == 403, sent
        assert "Nothing was changed" in refused.text and "out of date" in refused.text
        assert 'href="/f/">Back to the remote' in refused.text
        assert_protected(refused)
    assert everyone.post("/f/proxy").status_code == 403
    with live_server.db.reading() as session:
        assert not session.exec(select(Seat).where(Seat.is_proxy)).all()
    assert _current(live_server, workshop_id) is None
    page = everyone.get("/f/")
    assert page.headers["referrer-policy"] == "same-origin"  # so the remote's own forms name their origin
    accepted = everyone.post("/f/next", data={"csrf": form_token(page.text)})
    assert accepted.status_code == 303 and _current(live_server, workshop_id) is not None


def test_remote_refuses_a_post_from_another_origin(
    live_server: LiveServer, workshop_id: int, everyone: httpx.Client
) -> None:
    data = {"csrf": form_token(everyone.get("/f/").text)}
    live_server.app.state.public_url = "https://workshop.example.org"
    foreign = [
        {"Origin": "http://127.0.0.1:1"},  # another port of this host: the same site
        {"Origin": "null"},  # a page that hides where it is
        {"Origin": "https://evil.example.org"},  # a sibling of the public address
        {"Referer": "http://127.0.0.1:1/attack.html"},  # no Origin: the Referer decides
        {"Origin": "http://127.0.0.1:99999"},  # not even a port
    ]
    for headers in foreign:
        refused = everyone.post("/f/next", data=data, headers=headers)
        assert refused.status_code == 403, headers
        assert "came from another web page" in refused.text and 'href="/f/"' in refused.text
    assert _current(live_server, workshop_id) is None
    for headers in ({"Origin": live_server.url}, {"Origin": "https://workshop.example.org"}, {}):
        assert everyone.post("/f/next", data=data, headers=headers).status_code == 303, headers
    with live_server.db.reading() as session:
        assert store.agenda(session, workshop_id)[2].id == _current(live_server, workshop_id)
