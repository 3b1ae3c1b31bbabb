"""Ids that phones send in form fields: any number or text a row cannot have is a plain form error.

Every kind's phone form, over real HTTP: no id is ever handed to int() unchecked (Python refuses more than
4,300 digits: a 500) or to SQLite (which cannot hold 2**63: a "could not save, send again" 503).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx
import pytest
from sqlmodel import col, select

from tests.helpers.data import add_item, get_row, join_code
from tests.helpers.web import LiveServer
from workshop.db import Database
from workshop.models import AgendaItem, Dot, Entry, RankingChoice, Response, row_id
from workshop.row_ids import MAX_ID, parse_row_id
from workshop.store.entries import add_entry

BAD_IDS = [str(2**63), str(2**64), "9" * 5000, "-1", "0", "1e3"]
NOT_YOURS = "You can only remove what you added yourself"
Url = Callable[[AgendaItem], str]


@dataclass
class Kind:
    """A started item of one kind, with what one phone saved to it, and the forms that carry ids."""

    item: AgendaItem
    # Form data for a bad id, each with the message the kind gives for an id that names nothing.
    forms: list[tuple[Callable[[str], dict[str, str]], str]]


@contextmanager
def phone(server: LiveServer, code: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=30) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        yield client


def saved(db: Database) -> list[tuple[object, ...]]:
    """Every answer row in the database, to compare before and after."""
    with db.reading() as session:
        return [
            tuple(row.model_dump().items())
            for model in (Entry, Response, RankingChoice, Dot)
            for row in session.exec(select(model)).all()
        ]


def values(db: Database, workshop_id: int, client: httpx.Client, url: Url) -> Kind:
    item = add_item(db, workshop_id, "values", "Values")
    sent = client.post(url(item), data={"action": "add-value", "name": "Trust", "statement": "We trust."})
    assert sent.status_code == 303
    with db.reading() as session:
        value = session.exec(select(Entry).where(Entry.item_id == item.id)).one()
    behaviour = {"action": "add-behaviour", "value": str(value.id), "stance": "will", "behaviour": "listen"}
    assert client.post(url(item), data=behaviour).status_code == 303
    return Kind(
        item,
        [
            (lambda bad: {**behaviour, "value": bad}, "That value is not available"),
            (lambda bad: {"action": "remove", "entry": bad}, NOT_YOURS),
        ],
    )


def ranking(db: Database, workshop_id: int, client: httpx.Client, url: Url) -> Kind:
    item = add_item(db, workshop_id, "ranking", "Rank", {"candidates": ["A", "B", "C"], "top_n": 2})
    with db.reading() as session:
        a, b, _ = session.exec(select(Entry.id).where(Entry.item_id == item.id).order_by(col(Entry.id))).all()
    assert client.post(url(item), data={"action": "submit", "order": f"{a},{b}"}).status_code == 303
    return Kind(
        item,
        [
            (lambda bad: {"action": "submit", "order": f"{a},{bad}"}, "no longer available"),
            (lambda bad: {"action": "submit", "order": f"{bad},{bad}"}, "no longer available"),
            (lambda bad: {"action": f"add:{bad}", "order": str(a)}, "no longer available"),
            (lambda bad: {"action": f"up:{bad}", "order": str(a)}, "not in your ranking"),
        ],
    )


def dots(db: Database, workshop_id: int, client: httpx.Client, url: Url) -> Kind:
    source = add_item(db, workshop_id, "values", "Ideas", key="ideas", start=False)
    with db.writing() as session:
        idea = add_entry(session, get_row(session, AgendaItem, row_id(source)), None, "Idea")
        name = f"dots-{idea.id}"
    item = add_item(db, workshop_id, "dots", "Vote", {"source": "ideas"})
    assert client.post(url(item), data={name: "1"}).status_code == 303
    return Kind(item, [(lambda bad: {name: "1", f"dots-{bad}": "1"}, "no longer in the vote")])


def triangle(db: Database, workshop_id: int, client: httpx.Client, url: Url) -> Kind:
    item = add_item(db, workshop_id, "triangle", "Triangle", {"priority": "Early help"})
    idea = {"text": "Hubs", "segment": "civic", "question": "a"}
    assert client.post(url(item), data=idea).status_code == 303
    return Kind(item, [(lambda bad: {"action": f"remove:{bad}"}, NOT_YOURS)])


def question(db: Database, workshop_id: int, client: httpx.Client, url: Url) -> Kind:
    item = add_item(db, workshop_id, "question", "Word", {"prompt": "One word?"})
    assert client.post(url(item), data={"text": "Trust"}).status_code == 303
    return Kind(item, [(lambda bad: {"action": f"remove:{bad}"}, NOT_YOURS)])


@pytest.mark.parametrize("make", [values, ranking, dots, triangle, question], ids=lambda f: f.__name__)
def test_ids_no_row_can_have_are_form_errors(
    live_server: LiveServer, workshop_id: int, make: Callable[..., Kind]
) -> None:
    db = live_server.db
    code = join_code(db, workshop_id)
    with phone(live_server, code) as client:
        kind = make(db, workshop_id, client, lambda item: f"/w/{code}/items/{item.id}")
        before = saved(db)
        assert before, "the phone saved something first"
        for form, message in kind.forms:
            for bad in BAD_IDS:
                data = form(bad)
                reply = client.post(f"/w/{code}/items/{kind.item.id}", data=data)
                shown = f"{data!r:.80} gave {reply.status_code}"
                assert reply.status_code in (409, 422), shown
                assert message in reply.text and "There is a problem" in reply.text, shown
                assert "could not save" not in reply.text, shown
    assert saved(db) == before


def test_parse_row_id_takes_only_what_a_row_can_have() -> None:
    good = {"1": 1, "42": 42, str(MAX_ID): MAX_ID, "0000000000000000007": 7}
    assert {raw: parse_row_id(raw) for raw in good} == good
    bad = ["", "0", "-1", "+1", " 1", "1e3", "١٢", "²", str(MAX_ID + 1), str(2**64), "9" * 5000, "00" * 10]
    assert [raw for raw in bad if parse_row_id(raw) is not None] == []
