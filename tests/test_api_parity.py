"""The facilitator API does what the terminal does to run the room: the previous item, a maturity item's
horizon, and adding an item of any kind with the `+` dialog's checks."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.data import token_for
from tests.helpers.web import LiveServer
from workshop import store, usecases
from workshop.activities.maturity.focus import focused_horizon
from workshop.models import AgendaItem, ItemState, row_id
from workshop.templates import get_template
from workshop.usecases.items import addable_kinds


@pytest.fixture
def api(live_server: LiveServer, workshop_id: int) -> Iterator[httpx.Client]:
    token = token_for(live_server.db, workshop_id)
    headers = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=10) as client:
        yield client


@pytest.fixture
def other_workshop(live_server: LiveServer) -> dict[str, int]:
    """Another workshop on the same server: its items' ids, by kind."""
    with live_server.db.writing() as session:
        other = usecases.create_workshop(session, get_template("cyp-integration"), "Someone else's")
        return {item.kind: row_id(item) for item in store.agenda(session, row_id(other))}


def _ids(api: httpx.Client) -> dict[str, int]:
    return {item["kind"]: item["id"] for item in reversed(api.get("/api/v1/workshop").json()["items"])}


def test_previous_closes_the_current_item_and_opens_the_one_before(api: httpx.Client) -> None:
    refused = api.post("/api/v1/previous")
    assert refused.status_code == 409 and "nothing has started" in refused.json()["detail"]
    api.post("/api/v1/next")
    first = api.post("/api/v1/previous")
    assert first.status_code == 409 and first.json()["detail"] == "this is the first agenda item"
    state = api.post("/api/v1/next").json()
    second = state["items"][1]
    assert state["current_item_id"] == second["id"] and state["items"][0]["state"] == ItemState.CLOSED
    back = api.post("/api/v1/previous")
    assert back.status_code == 200
    state = back.json()
    assert state["current_item_id"] == state["items"][0]["id"]
    assert state["items"][0]["state"] == ItemState.OPEN and state["items"][1]["state"] == ItemState.CLOSED


def test_previous_needs_the_token(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        assert client.post("/api/v1/previous").status_code == 401


def test_horizon_is_read_set_and_stepped(api: httpx.Client, live_server: LiveServer) -> None:
    matrix = _ids(api)["maturity"]
    url = f"/api/v1/maturity/{matrix}/horizon"
    start = api.get(url).json()
    keys = start["horizons"]
    assert len(keys) >= 2 and start["horizon"] == keys[0] and start["item_id"] == matrix
    moved = api.put(url, json={"horizon": keys[1]})
    assert moved.status_code == 200 and moved.json()["horizon"] == keys[1]
    with live_server.db.reading() as session:  # kept in the database, where the terminal reads it
        item = session.get(AgendaItem, matrix)
        assert item is not None
        horizon = focused_horizon(session, item)
        assert horizon is not None and horizon.key == keys[1]
    assert api.post(f"{url}/next").json()["horizon"] == keys[2 % len(keys)]
    assert api.post(f"{url}/previous").json()["horizon"] == keys[1]
    assert api.post(f"{url}/sideways").status_code == 422


def test_horizon_refusals_are_specific(
    api: httpx.Client, live_server: LiveServer, other_workshop: dict[str, int]
) -> None:
    ids = _ids(api)
    matrix = ids["maturity"]
    unknown = api.put(f"/api/v1/maturity/{matrix}/horizon", json={"horizon": "someday"})
    assert unknown.status_code == 422
    assert "no horizon 'someday'" in unknown.json()["detail"][0]["msg"]
    assert unknown.json()["detail"][0]["loc"] == ["body", "horizon"]
    assert api.put(f"/api/v1/maturity/{matrix}/horizon", json={"horizon": "now", "x": 1}).status_code == 422
    not_matrix = api.get(f"/api/v1/maturity/{ids['values']}/horizon")
    assert not_matrix.status_code == 409 and "not a maturity matrix" in not_matrix.json()["detail"]
    assert api.put(f"/api/v1/maturity/{ids['values']}/horizon", json={"horizon": "now"}).status_code == 409
    for method, path in (("GET", ""), ("PUT", ""), ("POST", "/next")):
        theirs = api.request(
            method, f"/api/v1/maturity/{other_workshop['maturity']}/horizon{path}", json={"horizon": "now"}
        )
        assert theirs.status_code == 404 and "in this workshop" in theirs.json()["detail"]
    assert api.get("/api/v1/maturity/999999/horizon").status_code == 404


def test_any_addable_kind_can_be_added(api: httpx.Client) -> None:
    ids = _ids(api)
    settings = {
        "question": {"prompt": "What matters most?"},
        "triangle": {"priority": "Early help"},
        "ranking": {"candidates": "One\nTwo\n\nThree"},
        "dots": {"source": str(ids["values"])},
    }
    before = len(api.get("/api/v1/workshop").json()["items"])
    for n, kind in enumerate(k.kind for k in addable_kinds()):
        body = {"kind": kind, "title": f"  Added {kind}  ", "minutes": 5, "settings": settings.get(kind, {})}
        reply = api.post("/api/v1/items", json=body)
        assert reply.status_code == 201, (kind, reply.text)
        item = reply.json()
        assert item["kind"] == kind and item["title"] == f"Added {kind}" and item["planned_minutes"] == 5
        assert item["state"] == ItemState.PENDING and item["position"] == before + n
    # After a given item, not at the end.
    reply = api.post("/api/v1/items", json={"kind": "info", "title": "Break", "after": ids["info"]})
    assert reply.status_code == 201
    state = api.get("/api/v1/workshop").json()
    assert [i["title"] for i in state["items"]][1] == "Break"


def test_adding_refuses_what_the_dialog_refuses(
    api: httpx.Client, other_workshop: dict[str, int], live_server: LiveServer
) -> None:
    def problems(body: dict[str, object]) -> list[str]:
        reply = api.post("/api/v1/items", json=body)
        assert reply.status_code == 422, reply.text
        return [error["msg"] for error in reply.json()["detail"]]

    assert problems({"kind": "teleport", "title": "X"}) == ["There is no kind of item called 'teleport'."]
    assert problems({"kind": "question", "title": "Ask"}) == ["Enter the question to ask."]
    assert problems({"kind": "question", "title": "Ask", "settings": {"prompt": "Q", "colour": "red"}}) == [
        "Open question has no setting 'colour'."
    ]
    assert problems({"kind": "dots", "title": "Vote", "settings": {"source": str(other_workshop["values"])}})
    blank = api.post("/api/v1/items", json={"kind": "info", "title": "   "})
    assert blank.status_code == 422 and blank.json()["detail"][0]["loc"] == ["body", "title"]
    assert problems({"kind": "info", "title": "T", "minutes": 601})
    assert problems({"kind": "info", "title": "T", "after": other_workshop["info"]}) == [
        f"no agenda item with id {other_workshop['info']} in this workshop to add after"
    ]
    assert problems({"kind": "info", "title": "T", "surprise": True})
    with live_server.db.reading() as session:  # nothing was added by any of them
        assert all(i.title not in ("Ask", "Vote", "T") for i in store.agenda(session, _wid(api)))


def _wid(api: httpx.Client) -> int:
    return int(api.get("/api/v1/workshop").json()["id"])


def test_adding_needs_the_token(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        assert client.post("/api/v1/items", json={"kind": "info", "title": "X"}).status_code == 401
