"""The facilitator's API and phone remote over real HTTP, seat restore by code, and the status poll."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from sqlmodel import func, select

from tests.helpers.data import add_item, join_code, start_kind, token_for
from tests.helpers.web import LiveServer, RemoteClient
from workshop import store, usecases
from workshop.activities import get_activity
from workshop.activities.maturity import load_structure
from workshop.models import Entry, ItemState, Response, Seat, row_id
from workshop.store.entries import add_entry
from workshop.templates import get_template
from workshop.web.guards import SeatCodeGuard, StatusCache


@pytest.fixture
def token(live_server: LiveServer, workshop_id: int) -> str:
    return token_for(live_server.db, workshop_id)


@pytest.fixture
def api(live_server: LiveServer, token: str) -> Iterator[httpx.Client]:
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=10) as client:
        yield client


def _vote(live_server: LiveServer, workshop_id: int, item_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with live_server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    form = {structure.field_name(f, h): "3" for f in structure.factors for h in structure.horizons}
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        assert phone.post(f"/w/{code}/items/{item_id}", data=form).status_code == 303


def test_api_needs_the_token(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url) as client:
        for headers in ({}, {"Authorization": "Bearer wrong"}):
            reply = client.get("/api/v1/workshop", headers=headers)
            assert reply.status_code == 401 and reply.headers["www-authenticate"] == "Bearer"
            assert client.post("/api/v1/next", headers=headers).status_code == 401


def test_api_runs_the_agenda(api: httpx.Client, live_server: LiveServer, workshop_id: int) -> None:
    state = api.get("/api/v1/workshop").json()
    assert state["current_item_id"] is None and len(state["items"]) == len(
        get_template("cyp-integration").agenda
    )
    assert api.post("/api/v1/current/open").status_code == 409  # nothing started yet
    state = api.post("/api/v1/next").json()
    first = state["items"][0]
    assert first["is_current"] and first["state"] == ItemState.OPEN
    matrix = next(item for item in state["items"] if item["kind"] == "maturity")
    m = state["items"].index(matrix)
    state = api.post(f"/api/v1/items/{matrix['id']}/open").json()
    assert state["current_item_id"] == matrix["id"] and state["items"][0]["state"] == ItemState.CLOSED
    _vote(live_server, workshop_id, matrix["id"])
    state = api.get("/api/v1/workshop").json()
    assert state["seats"] == 1 and state["items"][m]["responses"] == 1
    assert api.post("/api/v1/current/reveal").json()["items"][m]["revealed"] is True
    assert api.post("/api/v1/current/close").json()["items"][m]["state"] == ItemState.CLOSED
    assert api.post("/api/v1/current/open").json()["items"][m]["state"] == ItemState.OPEN
    state = api.post("/api/v1/current/reset").json()
    assert state["items"][m]["responses"] == 0 and state["items"][m]["revealed"] is False
    assert api.post("/api/v1/items/999999/open").status_code == 404
    assert api.post(f"/api/v1/items/{matrix['id']}/explode").status_code == 422


def test_api_cannot_touch_another_workshop(api: httpx.Client, live_server: LiveServer) -> None:
    from workshop.templates import get_template

    with live_server.db.writing() as session:
        other = usecases.create_workshop(session, get_template("cyp-integration"), "Other")
        other_item = store.agenda(session, row_id(other))[0]
    assert api.post(f"/api/v1/items/{other_item.id}/open").status_code == 404
    with live_server.db.reading() as session:
        assert store.get_item(session, row_id(other_item)).state == ItemState.PENDING


def test_api_proxy_seat(api: httpx.Client, live_server: LiveServer, workshop_id: int) -> None:
    reply = api.post("/api/v1/proxy-seats")
    assert reply.status_code == 201
    body = reply.json()
    with live_server.db.reading() as session:
        seat = session.exec(select(Seat)).one()
    assert seat.is_proxy and body["seat_code"] == seat.code
    assert body["url"] == f"/j/{join_code(live_server.db, workshop_id)}/seat?seat={seat.code}"


def test_openapi_documents_the_api_only(api: httpx.Client) -> None:
    schema = api.get("/openapi.json").json()
    paths = set(schema["paths"])
    assert "/api/v1/workshop" in paths and "/api/v1/current/{action}" in paths and "/api/v1/next" in paths
    assert not any(path.startswith(("/w/", "/j/", "/f/")) for path in paths)
    assert "HTTPBearer" in schema["components"]["securitySchemes"]


def test_remote_signs_in_with_a_cookie_and_drives_the_agenda(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    with RemoteClient(base_url=live_server.url, timeout=10) as browser:
        assert browser.get("/f/").status_code == 401
        assert browser.get("/f/not-the-token").status_code == 401
        signed = browser.get(f"/f/{token}")
        assert signed.status_code == 303 and signed.headers["location"] == "/f/"
        assert "samesite=strict" in signed.headers["set-cookie"].lower()
        page = browser.get("/f/")
        assert page.status_code == 200 and "Facilitator remote" in page.text and token not in page.text
        assert browser.post("/f/next").status_code == 303
        with live_server.db.reading() as session:
            items = store.agenda(session, workshop_id)
        assert items[0].state == ItemState.OPEN
        matrix = next(i for i in items if i.kind == "maturity")
        browser.post(f"/f/items/{matrix.id}", data={"action": "open"})
        _vote(live_server, workshop_id, row_id(matrix))
        confirm = browser.post(f"/f/items/{matrix.id}", data={"action": "reset"})
        assert confirm.status_code == 200 and "cannot be undone" in confirm.text
        with live_server.db.reading() as session:
            assert session.exec(select(func.count()).select_from(Response)).one() == 1
        browser.post(f"/f/items/{matrix.id}", data={"action": "reset", "confirm": "yes"})
        with live_server.db.reading() as session:
            assert session.exec(select(func.count()).select_from(Response)).one() == 0
        last = items[-1]
        browser.post(f"/f/items/{last.id}", data={"action": "open"})
        refused = browser.post("/f/next", follow_redirects=True)
        assert "That is the last agenda item" in refused.text
        assert "<script" not in browser.get("/f/?problem=<script>alert(1)</script>").text.split("</head>")[1]


def test_remote_proxy_entry_marks_the_seat(live_server: LiveServer, token: str, workshop_id: int) -> None:
    with RemoteClient(base_url=live_server.url, timeout=10) as browser:
        browser.get(f"/f/{token}")
        reply = browser.post("/f/proxy")
        code = join_code(live_server.db, workshop_id)
        assert reply.status_code == 303 and reply.headers["location"] == f"/w/{code}"
        assert browser.get(f"/w/{code}").status_code == 200
    with live_server.db.reading() as session:
        assert session.exec(select(Seat)).one().is_proxy


def test_seat_code_brings_a_phone_back(live_server: LiveServer, workshop_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as first:
        first.post(f"/j/{code}", data={})
    with live_server.db.reading() as session:
        seat = session.exec(select(Seat)).one()
    with httpx.Client(base_url=live_server.url, timeout=10) as second:
        assert "Seat code" in second.get(f"/j/{code}/seat").text
        wrong = second.post(f"/j/{code}/seat", data={"seat_code": "ZZZZZZ"})
        assert wrong.status_code == 422 and "No seat in this workshop has the code ZZZZZZ" in wrong.text
        back = second.post(f"/j/{code}/seat", data={"seat_code": f" {seat.code.lower()} "})
        assert back.status_code == 303
        assert second.get(f"/j/{code}").headers["location"] == f"/w/{code}"
    with live_server.db.reading() as session:
        assert session.exec(select(func.count()).select_from(Seat)).one() == 1


def test_seat_code_guessing_is_braked(live_server: LiveServer, workshop_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as guesser:
        for _ in range(10):
            guesser.post(f"/j/{code}/seat", data={"seat_code": "AAAAAA"})
        reply = guesser.post(f"/j/{code}/seat", data={"seat_code": "BBBBBB"})
    assert reply.status_code == 422 and "Too many wrong codes" in reply.text


def test_status_follows_the_agenda(live_server: LiveServer, workshop_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        assert phone.get("/w/NOSUCH/status").json() == {"found": False}
        first = phone.get(f"/w/{code}/status").json()
        assert first["found"] and first["item"] is None
        with live_server.db.writing() as session:
            item = store.next_item(session, workshop_id)
        deadline = 50
        while phone.get(f"/w/{code}/status").json()["item"] != item.id:
            deadline -= 1
            assert deadline, "the status never caught up"
            __import__("time").sleep(0.05)


def test_guard_and_cache_units() -> None:
    now = [0.0]
    guard = SeatCodeGuard(per_client=2, client_window=10, clock=lambda: now[0])
    for _ in range(2):
        assert guard.reserve(1, "a")
        guard.release(1, "a", wrong=True)
    assert guard.braked("a") and not guard.braked("b")
    now[0] = 11
    assert not guard.braked("a")
    cache = StatusCache(seconds=1, clock=lambda: now[0])
    calls: list[int] = []

    def load(value: str) -> Callable[[], str]:
        def loaded() -> str:
            calls.append(1)
            return value

        return loaded

    assert cache.get("k", load("v1")) == "v1"
    assert cache.get("k", load("v2")) == "v1"
    now[0] = 12.5
    assert cache.get("k", load("v3")) == "v3"
    assert len(calls) == 2


# The remote page in detail: what waits for approval, which buttons each item gets, where actions lead back.


@contextmanager
def _signed_in(live_server: LiveServer, token: str) -> Iterator[httpx.Client]:
    """A browser that has opened the remote's link (so it holds the cookie)."""
    with RemoteClient(base_url=live_server.url, timeout=10) as browser:
        assert browser.get(f"/f/{token}").status_code == 303
        yield browser


def _item_blocks(page: str) -> dict[int, str]:
    """Each run-sheet item's HTML by item id (the summary on top is not part of any)."""
    sheet = page.split('<ol class="run-sheet">', 1)[1].split("</ol>", 1)[0]
    return {
        int(match.group(1)): match.group(0)
        for match in re.finditer(r'<li id="item-(\d+)".*?(?=<li id="item-|\Z)', sheet, flags=re.S)
    }


def _summary(page: str) -> str:
    """The part above the run-sheet: the "Now" summary and its buttons."""
    return page.split("<main", 1)[1].split('<ol class="run-sheet">', 1)[0]


def _item_of_kind(live_server: LiveServer, workshop_id: int, kind: str) -> int:
    with live_server.db.reading() as session:
        return next(row_id(i) for i in store.agenda(session, workshop_id) if i.kind == kind)


def test_remote_asks_approval_only_for_ranking_proposals(
    live_server: LiveServer, token: str, workshop_id: int, api: httpx.Client
) -> None:
    question = add_item(live_server.db, workshop_id, "question", "Ask", {"prompt": "One word?"}, key="q")
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        assert phone.post(f"/w/{code}/items/{question.id}", data={"text": "Oneworded"}).status_code == 303
    ranking = add_item(
        live_server.db, workshop_id, "ranking", "Rank", {"candidates": ["A", "B", "C"], "top_n": 2}, key="r"
    )
    values = _item_of_kind(live_server, workshop_id, "values")
    with live_server.db.writing() as session:
        seat = session.exec(select(Seat)).one()
        add_entry(session, store.get_item(session, values), seat, "Valuable openness")
        proposal = add_entry(session, store.get_item(session, row_id(ranking)), seat, "<b>Housing</b> first")
    with live_server.db.reading() as session:
        assert {e.text for e in session.exec(select(Entry).where(Entry.status == "pending"))} == {
            "Oneworded",
            "Valuable openness",
            "<b>Housing</b> first",
        }  # all three are stored as pending, but only the ranking proposal waits for anyone
    pending = {item["id"]: item["pending_entries"] for item in api.get("/api/v1/workshop").json()["items"]}
    assert pending[ranking.id] == 1 and pending[question.id] == 0 and pending[values] == 0
    with _signed_in(live_server, token) as browser:
        page = browser.get("/f/").text
        assert page.count("Waiting for approval") == 1
        blocks = _item_blocks(page)
        assert "Waiting for approval" in blocks[row_id(ranking)]
        assert "&lt;b&gt;Housing&lt;/b&gt; first" in blocks[row_id(ranking)] and "<b>Housing" not in page
        assert "Oneworded" not in page and "Valuable openness" not in page
        assert "1 waiting for approval" in _summary(page)  # the ranking item is the current one
        approved = browser.post(f"/f/entries/{proposal.id}", data={"status": "approved"})
        assert approved.status_code == 303
        assert approved.headers["location"] == f"/f/?at={ranking.id}#item-{ranking.id}"
        assert "Waiting for approval" not in browser.get("/f/").text
        stale = browser.post("/f/entries/999999", data={"status": "approved"})
        assert stale.headers["location"] == "/f/?problem=stale"


def test_remote_offers_only_buttons_that_make_sense(
    live_server: LiveServer, token: str, workshop_id: int, api: httpx.Client
) -> None:
    kinds = {item["kind"]: item for item in api.get("/api/v1/workshop").json()["items"]}
    for kind, item in kinds.items():
        activity = get_activity(kind)
        assert item["has_results"] is (activity.results_template is not None), kind
        assert item["shares_entries"] is activity.shares_entries, kind
    assert {kind for kind, item in kinds.items() if item["shares_entries"]} == {"values"}
    assert kinds["question"]["has_results"] and not kinds["info"]["has_results"]
    with _signed_in(live_server, token) as browser:
        blocks = _item_blocks(browser.get("/f/").text)
    by_kind = {kind: blocks[item["id"]] for kind, item in kinds.items()}
    assert "Show proposals" in by_kind["values"]
    for kind in ("question", "maturity", "ranking", "triangle", "dots", "info"):
        assert "Show proposals" not in by_kind[kind], kind
    for kind, item in kinds.items():
        assert ("Reveal results" in by_kind[kind]) is item["has_results"], kind
    assert "Reveal results" not in by_kind["info"] and "Reveal results" in by_kind["ranking"]
    assert "Reset" not in "".join(blocks.values())  # nobody has answered anything yet
    assert all("to do" in block and ">Close<" not in block for block in blocks.values())


def test_remote_actions_come_back_to_the_item(live_server: LiveServer, token: str, workshop_id: int) -> None:
    matrix = _item_of_kind(live_server, workshop_id, "maturity")
    with _signed_in(live_server, token) as browser:
        assert 'content="20"' in browser.get("/f/").text  # opened plainly: reload in place
        opened = browser.post(f"/f/items/{matrix}", data={"action": "open"})
        assert opened.status_code == 303 and opened.headers["location"] == f"/f/?at={matrix}#item-{matrix}"
        page = browser.get(opened.headers["location"])
        assert f'id="item-{matrix}"' in page.text
        # A refresh to the same address plus #item-N would only scroll, so it alternates the query instead.
        assert f'content="20; url=/f/?at={matrix}&amp;r=1#item-{matrix}"' in page.text
        again = browser.get(f"/f/?at={matrix}&r=1")
        assert f'content="20; url=/f/?at={matrix}#item-{matrix}"' in again.text
        assert 'content="20"' in browser.get("/f/?at=<b>&r=1").text  # not an item: ignored, never echoed
        _vote(live_server, workshop_id, matrix)
        closed = browser.post(f"/f/items/{matrix}", data={"action": "close", "back": "top"})
        assert closed.headers["location"] == "/f/"  # the "Now" buttons keep the page at its top
        stale = browser.post(f"/f/items/{matrix}", data={"action": "explode"})
        assert stale.headers["location"] == f"/f/?problem=stale&at={matrix}#item-{matrix}"
        shown = browser.get(stale.headers["location"]).text
        assert "the run-sheet had changed" in _item_blocks(shown)[matrix]
        assert "the run-sheet had changed" not in _summary(shown)
        nxt = browser.post("/f/next")
        after = _item_of_kind(live_server, workshop_id, "ranking")  # the item after the matrix
        assert nxt.headers["location"] == f"/f/?at={after}#item-{after}"
        assert browser.post("/f/next", data={"back": "top"}).headers["location"] == "/f/"
        confirm = browser.post(f"/f/items/{matrix}", data={"action": "reset"}).text
        assert f'href="/f/?at={matrix}#item-{matrix}"' in confirm and "http-equiv" not in confirm
        with live_server.db.writing() as session:
            other = usecases.create_workshop(session, get_template("cyp-integration"), "Other")
            other_item = store.agenda(session, row_id(other))[0]
        foreign = browser.post(f"/f/items/{other_item.id}", data={"action": "reset"})
        assert foreign.status_code == 303 and foreign.headers["location"] == "/f/?problem=stale"
        assert (
            browser.post("/f/items/999999", data={"action": "open"}).headers["location"]
            == "/f/?problem=stale"
        )


def test_remote_summary_shows_the_current_item_on_top(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    with _signed_in(live_server, token) as browser:
        top = _summary(browser.get("/f/").text)
        assert "Now: nothing started yet" in top and "Start the first item" in top
        browser.post("/f/next", data={"back": "top"})
        top = _summary(browser.get("/f/").text)
        assert "Now: Welcome and purpose" in top and "▶ open" in top and "Next item" in top
        assert "answered" not in top and "Reveal results" not in top  # an info item takes no answers
        matrix = _item_of_kind(live_server, workshop_id, "maturity")
        browser.post(f"/f/items/{matrix}", data={"action": "open"})
        _vote(live_server, workshop_id, matrix)
        page = browser.get("/f/").text
        top = _summary(page)
        assert "Now: Collaborative maturity matrix" in top and "1 of 1 joined answered" in top
        assert ">Close<" in top and "Show proposals" not in top
        assert ("Reveal results" in top) is (get_activity("maturity").results_template is not None)
        assert "Now · " in _item_blocks(page)[matrix] and "✓ done" in page
        values = _item_of_kind(live_server, workshop_id, "values")
        browser.post(f"/f/items/{values}", data={"action": "open", "back": "top"})
        browser.post(f"/f/items/{values}", data={"action": "close", "back": "top"})
        top = _summary(browser.get("/f/").text)
        assert "Now: Shared values and behaviours" in top and "✓ done" in top and ">Reopen<" in top
        assert "Show proposals" in top and "0 of 1 joined answered" in top
        browser.post(f"/f/items/{values}", data={"action": "show-entries", "back": "top"})
        assert "Hide proposals" in _summary(browser.get("/f/").text)
        last = add_item(live_server.db, workshop_id, "info", "Tea & <biscuits>", start=True)
        top = _summary(browser.get("/f/").text)
        assert "Now: Tea &amp; &lt;biscuits&gt;" in top and "Next item" not in top  # nothing after it
        assert f'id="item-{last.id}"' in browser.get("/f/").text


def test_api_refuses_to_mark_an_entry_merged_without_a_target(
    api: httpx.Client, live_server: LiveServer, workshop_id: int
) -> None:
    item = start_kind(live_server.db, workshop_id, "values")
    with live_server.db.writing() as session:
        entry = add_entry(session, item, store.join(session, workshop_id), "Trust")
    refused = api.post(f"/api/v1/entries/{entry.id}/merged")
    assert refused.status_code == 409 and "merging needs the entry" in refused.json()["detail"]
    assert api.post(f"/api/v1/entries/{entry.id}/hidden").status_code == 200
