"""The facilitator API over real HTTP for what shapes the outcomes: values and behaviours, agreed maturity
levels and agreed priorities. Each change is checked where the terminal and the export read it."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest

from tests.helpers.api import api_client, fingerprint, item_id_of, results_of, seed_values, token_of
from tests.helpers.data import activity, get_row, start_kind
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.dots import DotsAnswers
from workshop.activities.values import ValuesActivity, ValuesSummary
from workshop.db import Database
from workshop.models import AgendaItem, Entry, EntryStatus, RankingChoice, Response, row_id
from workshop.store.entries import add_entry, entries
from workshop.templates import get_template
from workshop.untrusted import UNSAFE

VALUES = "/api/v1/values/entries"


@pytest.fixture
def api(live_server: LiveServer, workshop_id: int) -> Iterator[httpx.Client]:
    with api_client(live_server, token_of(live_server.db, workshop_id)) as client:
        yield client


@pytest.fixture
def ids(live_server: LiveServer, workshop_id: int) -> dict[str, int]:
    return seed_values(live_server.db, workshop_id)


def tui_values(db: Database, item_id: int) -> ValuesSummary:
    """The values item as the terminal's live view reads it."""
    with db.reading() as session:
        return activity("values", ValuesActivity).summarise(session, get_row(session, AgendaItem, item_id))


def tui_entry(db: Database, item_id: int, entry_id: int) -> Any:
    summary = tui_values(db, item_id)
    entries = {v.id: v for v in summary.values} | {b.id: b for v in summary.values for b in v.behaviours}
    return entries[entry_id]


def pack_value(db: Database, workshop_id: int, item_id: int, name: str) -> dict[str, Any]:
    values = results_of(db, workshop_id, item_id)["values"]
    return next(v for v in values if v["name"] == name)


def refused(reply: httpx.Response, status: int, words: str) -> None:
    assert reply.status_code == status, (reply.status_code, reply.text)
    assert words in str(reply.json()["detail"]), reply.text


def test_agreeing_and_hiding_reach_the_terminal_and_the_pack(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, ids: dict[str, int]
) -> None:
    db, item = live_server.db, ids["item"]
    board = api.put(f"{VALUES}/{ids['keep']}/agreed", json={"agreed": True}).json()
    assert board["values"][0]["behaviours"][0] == {
        **board["values"][0]["behaviours"][0],
        "id": ids["keep"],
        "agreed": 1,
    }
    assert api.put(f"{VALUES}/{ids['trust']}/agreed", json={"agreed": True}).status_code == 200
    assert tui_entry(db, item, ids["keep"]).agreed == 1 and tui_entry(db, item, ids["trust"]).agreed == 2
    trust = pack_value(db, workshop_id, item, "Trust")
    assert trust["agreed"] and trust["behaviours"][0]["text"] == "Keep promises"
    assert trust["behaviours"][0]["agreed"]

    api.put(f"{VALUES}/{ids['keep']}/agreed", json={"agreed": False})
    assert tui_entry(db, item, ids["keep"]).agreed is None
    assert not pack_value(db, workshop_id, item, "Trust")["behaviours"][0]["agreed"]

    board = api.put(f"{VALUES}/{ids['care']}/hidden", json={"hidden": True}).json()
    assert next(v for v in board["values"] if v["id"] == ids["care"])["status"] == "hidden"
    # Hidden: counted in the pack, never quoted there.
    results = results_of(db, workshop_id, item)
    assert "Care" not in [v["name"] for v in results["values"]] and results["counts"]["hidden"] == 1
    before = fingerprint(db)
    refused(api.put(f"{VALUES}/{ids['care']}/agreed", json={"agreed": True}), 409, "restore it first")
    assert fingerprint(db) == before
    api.put(f"{VALUES}/{ids['care']}/hidden", json={"hidden": False})
    assert tui_entry(db, item, ids["care"]).status == EntryStatus.PENDING
    for body in ({"agreed": "yes"}, {}, {"agreed": True, "extra": 1}):
        assert api.put(f"{VALUES}/{ids['care']}/agreed", json=body).status_code == 422
    assert (
        api.get(f"/api/v1/values/{item}").json()
        == api.put(f"{VALUES}/{ids['care']}/hidden", json={"hidden": False}).json()
    )


def test_rewording_keeps_the_participants_words_and_refuses_what_the_dialog_refuses(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, ids: dict[str, int]
) -> None:
    db, item = live_server.db, ids["item"]
    board = api.put(f"{VALUES}/{ids['trust']}/wording", json={"text": "  Mutual trust ", "statement": "Both"})
    value = board.json()["values"][0]
    assert (value["name"], value["statement"], value["original"]) == ("Mutual trust", "Both", "Trust")
    assert (tui_entry(db, item, ids["trust"]).name, tui_entry(db, item, ids["trust"]).original) == (
        "Mutual trust",
        "Trust",
    )
    # The pack, which travels beyond the room, carries the facilitator's words only.
    assert "original" not in pack_value(db, workshop_id, item, "Mutual trust")
    before = fingerprint(db)
    refused(
        api.put(f"{VALUES}/{ids['trust']}/wording", json={"text": "x" * 61}), 422, "60 characters or fewer"
    )
    refused(api.put(f"{VALUES}/{ids['keep']}/wording", json={"text": "x" * 201}), 422, "200 characters")
    refused(api.put(f"{VALUES}/{ids['keep']}/wording", json={"text": " \t "}), 422, "at least 1 character")
    too_long = {"text": "Trust", "statement": "x" * 201}
    refused(api.put(f"{VALUES}/{ids['trust']}/wording", json=too_long), 422, "200 characters")
    statement = api.put(f"{VALUES}/{ids['keep']}/wording", json={"text": "Keep them", "statement": "no"})
    refused(statement, 422, "a behaviour has no statement")
    assert statement.json()["detail"][0]["loc"] == ["body", "statement"]
    assert fingerprint(db) == before
    board = api.put(f"{VALUES}/{ids['keep']}/wording", json={"text": "x" * 200}).json()
    assert board["values"][0]["behaviours"][0]["text"] == "x" * 200


def test_merging_and_moving_with_the_terminals_refusals(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, ids: dict[str, int]
) -> None:
    db, item = live_server.db, ids["item"]
    refused(api.post(f"{VALUES}/{ids['keep']}/merge", json={"into_id": ids["care"]}), 409, "Only values")
    refused(api.post(f"{VALUES}/{ids['trust']}/move", json={"value_id": ids["care"]}), 409, "Only behaviours")
    refused(
        api.post(f"{VALUES}/{ids['trust']}/merge", json={"into_id": ids["trust"]}), 409, "different entry"
    )
    board = api.post(f"{VALUES}/{ids['keep']}/move", json={"value_id": ids["care"]}).json()
    care = next(v for v in board["values"] if v["id"] == ids["care"])
    assert [b["id"] for b in care["behaviours"]] == [ids["keep"]]

    with db.writing() as session:  # a dot on "Care", which moves with it; a ranked place on "Trusting"
        dots = next(i for i in store.agenda(session, workshop_id) if i.kind == "dots")
        store.start_item(session, row_id(dots))
        voter = store.join(session, workshop_id)
        usecases.save_response(session, row_id(dots), row_id(voter), DotsAnswers({ids["care"]: 1}))
        ranking = next(i for i in store.agenda(session, workshop_id) if i.kind == "ranking")
        ballot = Response(item_id=row_id(ranking), seat_id=row_id(voter))
        session.add(ballot)
        session.flush()
        choice = RankingChoice(
            response_id=row_id(ballot), item_id=row_id(ranking), entry_id=ids["trusting"], position=1
        )
        session.add(choice)
    before = fingerprint(db)
    merge = api.post(f"{VALUES}/{ids['trusting']}/merge", json={"into_id": ids["trust"]})
    # Moving a ranked place would rewrite a ballot's order: still refused.
    refused(merge, 409, "People have already voted on this one, so it cannot be merged; hide it instead")
    assert fingerprint(db) == before

    board = api.post(f"{VALUES}/{ids['care']}/merge", json={"into_id": ids["trust"]}).json()
    assert board["merge"] == {
        "dots_moved": 1,
        "dots_returned": 0,
        "people_returned": 0,
        "message": "Merging “Care” into “Trust”: 1 dot moved to “Trust”; no dots returned.",
    }
    care = next(v for v in board["values"] if v["id"] == ids["care"])
    assert (care["status"], care["merged_into"]) == ("merged", ids["trust"])
    summary = tui_values(db, item)
    assert [b.id for b in next(v for v in summary.values if v.id == ids["trust"]).behaviours] == [ids["keep"]]
    assert [m["name"] for m in pack_value(db, workshop_id, item, "Trust")["merged"]] == ["Care"]
    assert api.post(f"{VALUES}/{ids['care']}/merge", json={"into_id": 2**63}).status_code == 422


LANES = 8


@pytest.mark.parametrize(
    "every",
    # A request per string costs about 15 ms here: the fast tier sends a fifth and every string with a
    # control character, the slow tier all of them.
    [pytest.param(5, id="sample"), pytest.param(1, id="whole", marks=pytest.mark.slow)],
)
def test_naughty_strings_are_stored_and_returned_exactly(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, ids: dict[str, int], every: int
) -> None:
    db, token = live_server.db, token_of(live_server.db, workshop_id)
    corpus = [s for n, s in enumerate(BLNS) if n % every == 0 or any(ord(c) in UNSAFE for c in s)]
    with db.writing() as session:  # one behaviour per lane, under "Care", reworded side by side
        item, seat = get_row(session, AgendaItem, ids["item"]), store.join(session, workshop_id)
        lanes = [
            row_id(add_entry(session, item, seat, f"Lane {n}", tag="wont", parent_id=ids["care"]))
            for n in range(LANES)
        ]

    def reword(lane: int) -> str:
        """Send this lane's share of the corpus; each reply and the row must hold the text exactly."""
        entry_id, last = lanes[lane], f"Lane {lane}"
        with api_client(live_server, token) as client:
            for text in corpus[lane::LANES]:
                reply = client.put(f"{VALUES}/{entry_id}/wording", json={"text": text})
                kept = text.strip()  # trimmed as the terminal's dialog trims
                if not kept or len(kept) > 200:
                    assert reply.status_code == 422, (text, reply.text)
                    continue
                assert reply.status_code == 200, (text, reply.text)
                care = next(v for v in reply.json()["values"] if v["id"] == ids["care"])
                assert next(b["text"] for b in care["behaviours"] if b["id"] == entry_id) == kept, text
                with db.reading() as session:
                    assert get_row(session, Entry, entry_id).text == kept, text
                last = kept
        return last

    # Lanes at once, as several tools could send: the writer shares commits between them.
    with ThreadPoolExecutor(LANES) as pool:
        lasts = list(pool.map(reword, range(LANES)))
    data = api.get("/api/v1/outcomes").json()
    values = next(i for i in data["items"] if i["kind"] == "values")["results"]["values"]
    behaviours = next(v for v in values if v["name"] == "Care")["behaviours"]
    assert [b["text"] for b in behaviours] == lasts
    care = pack_value(db, workshop_id, ids["item"], "Care")
    assert [b["text"] for b in care["behaviours"]] == lasts


def test_agreed_levels_reach_the_pack(api: httpx.Client, live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    item = row_id(start_kind(db, workshop_id, "maturity"))
    path = f"/api/v1/maturity/{item}/agreed-levels"
    record = {"factor": "goals-and-values", "horizon": "now", "level": 3, "rationale": "Agreed after talk"}
    assert api.post(path, json=record).json() == {**record, "item_id": item}
    factor = next(f for f in results_of(db, workshop_id, item)["factors"] if f["key"] == "goals-and-values")
    now = next(h for h in factor["horizons"] if h["horizon"] == "now")
    assert (now["agreed"], now["agreed_level"], now["rationale"]) == (True, 3, "Agreed after talk")

    assert api.post(path, json={**record, "level": None, "rationale": ""}).status_code == 200
    factor = next(f for f in results_of(db, workshop_id, item)["factors"] if f["key"] == "goals-and-values")
    now = next(h for h in factor["horizons"] if h["horizon"] == "now")
    assert (now["agreed"], now["agreed_level"]) == (True, None)

    before = fingerprint(db)
    refused(
        api.post(path, json={**record, "factor": "nope"}), 422, "no factor 'nope' in this workshop (known:"
    )
    refused(api.post(path, json={**record, "horizon": "later"}), 422, "no horizon 'later'")
    refused(api.post(path, json={**record, "level": 9}), 422, "not on this workshop's scale (1, 2, 3, 4, 5")
    refused(api.post(path, json={**record, "rationale": "x" * 1001}), 422, "at most 1000 characters")
    no_level = {key: value for key, value in record.items() if key != "level"}
    assert api.post(path, json=no_level).status_code == 422  # "no agreement" is said, never assumed
    values = item_id_of(db, workshop_id, "values")
    refused(api.post(f"/api/v1/maturity/{values}/agreed-levels", json=record), 404, "no maturity item")
    assert fingerprint(db) == before


def test_agreed_priorities_reach_the_pack(
    api: httpx.Client, live_server: LiveServer, workshop_id: int
) -> None:
    db = live_server.db
    ranking = start_kind(db, workshop_id, "ranking")
    item = row_id(ranking)
    board = api.get(f"/api/v1/ranking/{item}").json()
    options = {o["text"]: o["id"] for o in board["options"]}
    first, second, third = list(options.values())[:3]
    board = api.put(f"/api/v1/ranking/{item}/agreed", json={"entry_ids": [second, first]}).json()
    assert [o["id"] for o in board["agreed"]] == [second, first]
    texts = {v: k for k, v in options.items()}
    assert results_of(db, workshop_id, item)["agreed"] == [texts[second], texts[first]]

    with db.writing() as session:
        proposal = add_entry(session, ranking, store.join(session, workshop_id), "A new idea")
        hidden = get_row(session, Entry, third)
        hidden.status = EntryStatus.HIDDEN.value
        session.add(hidden)
    assert [p["text"] for p in api.get(f"/api/v1/ranking/{item}").json()["waiting"]] == ["A new idea"]
    values = seed_values(db, workshop_id)  # another item's entries, in this workshop
    before = fingerprint(db)
    agreed = f"/api/v1/ranking/{item}/agreed"
    refused(api.put(agreed, json={"entry_ids": [row_id(proposal)]}), 409, "waiting for approval")
    refused(api.put(agreed, json={"entry_ids": [first, third]}), 409, "is hidden: it cannot be agreed")
    refused(api.put(agreed, json={"entry_ids": [first, first]}), 422, "an id is there twice")
    refused(api.put(agreed, json={"entry_ids": [values["trust"]]}), 409, "no longer part of this activity")
    assert api.put(agreed, json={"entry_ids": [2**63]}).status_code == 422
    assert api.put(agreed, json={"entry_ids": list(range(1, 1002))}).status_code == 422
    refused(api.put(f"/api/v1/ranking/{values['item']}/agreed", json={"entry_ids": []}), 404, "no ranking")
    assert fingerprint(db) == before
    assert [o["id"] for o in api.get(f"/api/v1/ranking/{item}").json()["agreed"]] == [second, first]
    assert api.put(agreed, json={"entry_ids": []}).json()["agreed"] == []
    assert results_of(db, workshop_id, item)["agreed"] == []


def first_option(db: Database, item_id: int) -> int:
    """The id of the ranking item's first option."""
    with db.reading() as session:
        return min(row_id(e) for e in entries(session, item_id))


def _other_workshop(db: Database) -> dict[str, int]:
    """Another workshop with the same agenda: values seeded, the maturity and ranking items started."""
    with db.writing() as session:
        other = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Other"))
    ids = seed_values(db, other)
    ids["maturity"] = row_id(start_kind(db, other, "maturity"))
    ids["ranking"] = row_id(start_kind(db, other, "ranking"))
    return {**ids, "option": first_option(db, ids["ranking"])}


Request = tuple[str, str, dict[str, Any] | None]


def requests_for(ids: dict[str, int]) -> list[Request]:
    """Every outcome endpoint once, in an order in which each would succeed on ``ids``' rows."""
    level = {"factor": "goals-and-values", "horizon": "now", "level": 2, "rationale": ""}
    return [
        ("GET", f"/api/v1/values/{ids['item']}", None),
        ("PUT", f"{VALUES}/{ids['trust']}/agreed", {"agreed": True}),
        ("PUT", f"{VALUES}/{ids['trust']}/wording", {"text": "Changed"}),
        ("POST", f"{VALUES}/{ids['care']}/merge", {"into_id": ids["trust"]}),
        ("POST", f"{VALUES}/{ids['keep']}/move", {"value_id": ids["trusting"]}),
        ("PUT", f"{VALUES}/{ids['trust']}/hidden", {"hidden": True}),
        ("POST", f"/api/v1/maturity/{ids['maturity']}/agreed-levels", level),
        ("GET", f"/api/v1/ranking/{ids['ranking']}", None),
        ("PUT", f"/api/v1/ranking/{ids['ranking']}/agreed", {"entry_ids": [ids["option"]]}),
    ]


def test_another_workshops_rows_are_a_404_and_stay_untouched(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, ids: dict[str, int]
) -> None:
    db = live_server.db
    other = _other_workshop(db)
    own = {**ids, "ranking": row_id(start_kind(db, workshop_id, "ranking"))}
    # This workshop's rows pointed at the other's: a merge or move target, an option to agree.
    across: list[Request] = [
        ("POST", f"{VALUES}/{own['care']}/merge", {"into_id": other["trust"]}),
        ("POST", f"{VALUES}/{own['keep']}/move", {"value_id": other["care"]}),
        ("PUT", f"/api/v1/ranking/{own['ranking']}/agreed", {"entry_ids": [other["option"]]}),
    ]
    before = fingerprint(db)
    for method, path, body in [*requests_for(other), *across]:
        reply = api.request(method, path, json=body)
        assert reply.status_code == 404, (method, path, reply.status_code, reply.text)
        assert "Trust" not in reply.text and "Other" not in reply.text
    assert fingerprint(db) == before


def test_nothing_changes_without_the_token(
    live_server: LiveServer, workshop_id: int, ids: dict[str, int]
) -> None:
    db = live_server.db
    own = {**ids, "maturity": row_id(start_kind(db, workshop_id, "maturity"))}
    own["ranking"] = row_id(start_kind(db, workshop_id, "ranking"))
    own["option"] = first_option(db, own["ranking"])
    token = token_of(db, workshop_id)
    files = [("GET", "/api/v1/outcomes", None), ("GET", "/api/v1/outcomes.md", None)]
    requests = [*requests_for(own), *files]
    before = fingerprint(db)
    for wrong in (None, "wrong", token[:-1], f"{token}x"):
        with api_client(live_server, wrong) as client:
            for method, path, body in requests:
                reply = client.request(method, path, json=body)
                assert reply.status_code == 401, (wrong, method, path, reply.status_code)
                assert reply.headers["www-authenticate"] == "Bearer"
    assert fingerprint(db) == before
    with api_client(live_server, token) as client:  # each change, sent with the token, does change it
        for method, path, body in requests:
            reply = client.request(method, path, json=body)
            assert reply.status_code == 200, (method, path, reply.text)
            assert (fingerprint(db) != before) == (method != "GET"), (method, path)
            before = fingerprint(db)
