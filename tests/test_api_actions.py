"""The facilitator API on an actions item: the actions with their ids, and adding one confirmed at once, with
the phone form's checks and words; confirming a participant's action is the agenda's entry endpoint."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.helpers.actions import agree, items, lead
from tests.helpers.api import api_client, token_of
from tests.helpers.data import new_seat, save, start
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop.activities.actions import AddAction
from workshop.models import row_id


@pytest.fixture
def api(live_server: LiveServer, workshop_id: int) -> Iterator[httpx.Client]:
    with api_client(live_server, token_of(live_server.db, workshop_id)) as client:
        yield client


def test_add_read_and_confirm_actions(live_server: LiveServer, workshop_id: int, api: httpx.Client) -> None:
    db = live_server.db
    ranking, actions = items(db, workshop_id)
    [(priority_id, priority)] = agree(db, ranking, 1)
    start(db, actions)
    police = lead(db, workshop_id, "Police")
    save(db, actions, new_seat(db, workshop_id), AddAction("Walking bus", police, "2027-06"))
    url = f"/api/v1/actions/{row_id(actions)}"
    board = api.get(url).json()
    assert board["leads"][police] == "Police" and board["priorities"] == {str(priority_id): priority}
    [waiting] = board["waiting"]
    assert (waiting["text"], waiting["lead"], waiting["by_when"]) == ("Walking bus", "Police", "2027-06")

    added = api.post(
        url,
        json={"text": "Open two hubs", "lead": police, "by_when": "2027-03-31", "priority_id": priority_id},
    )
    assert added.status_code == 201
    [confirmed] = added.json()["confirmed"]
    assert confirmed == {
        "id": confirmed["id"],
        "text": "Open two hubs",
        "lead": "Police",
        "by_when": "2027-03-31",
        "priority": priority,
    }
    # The participant's, confirmed through the agenda's entry endpoint, as `a` does in the terminal.
    assert api.post(f"/api/v1/entries/{waiting['id']}/approved").status_code == 200
    board = api.get(url).json()
    assert [a["text"] for a in board["confirmed"]] == ["Walking bus", "Open two hubs"] and board[
        "waiting"
    ] == []


def test_refusals_name_the_field_and_save_nothing(
    live_server: LiveServer, workshop_id: int, api: httpx.Client
) -> None:
    db = live_server.db
    ranking, actions = items(db, workshop_id)
    url = f"/api/v1/actions/{row_id(actions)}"
    police = lead(db, workshop_id, "Police")
    cases = [
        ({"text": "x", "lead": police, "by_when": "2027-13"}, "by_when", "2027-13 is not a real month"),
        ({"text": "x", "lead": "999", "by_when": "2027-03"}, "lead", "Choose one of the organisations"),
        ({"text": " ", "lead": police, "by_when": "2027-03"}, "text", "action"),
        (
            {"text": "x", "lead": police, "by_when": "2027-03", "priority_id": 5},
            "priority",
            "no longer agreed",
        ),
    ]
    for body, field, words in cases:
        refused = api.post(url, json=body)
        assert refused.status_code == 422, body
        [error] = refused.json()["detail"]
        assert error["loc"] == ["body", field] and words in error["msg"], error
    assert api.post(url, json={"text": "x", "lead": police}).status_code == 422  # by_when missing
    assert api.get(url).json()["confirmed"] == []
    # Another kind's item, a missing one and no token: nothing said about them.
    assert api.get(f"/api/v1/actions/{row_id(ranking)}").status_code == 404
    assert api.post(f"/api/v1/actions/{row_id(ranking)}", json=cases[0][0]).status_code == 404
    with api_client(live_server, None) as anonymous:
        assert anonymous.get(url).status_code == 401


@pytest.mark.slow  # the whole naughty-strings corpus, a request each
def test_naughty_actions_are_kept_exactly_or_refused_in_words(
    live_server: LiveServer, workshop_id: int, api: httpx.Client
) -> None:
    _, actions = items(live_server.db, workshop_id)
    url = f"/api/v1/actions/{row_id(actions)}"
    police = lead(live_server.db, workshop_id, "Police")
    kept = 0
    for text in BLNS:
        reply = api.post(url, json={"text": text, "lead": police, "by_when": "2027-03"})
        assert reply.status_code in (201, 422), text
        if reply.status_code == 201:
            kept += 1
            assert reply.json()["confirmed"][-1]["text"] == text  # kept exactly, as typed
        else:
            assert reply.json()["detail"][0]["loc"] == ["body", "text"]
    assert kept > len(BLNS) // 2
