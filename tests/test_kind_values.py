"""Values and behaviours: server limits and hiding, the phone flow over HTTP and in Chromium, the TUI."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields
from typing import Any

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import Page, expect
from pydantic import ValidationError
from sqlmodel import col, select

from screens.app import WorkshopApp
from tests.helpers.data import activity, add_item, get_row, join_code, new_seat
from tests.helpers.tui import screen_text, wait_for
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.base import AnswerRefused
from workshop.activities.dots import DotsActivity, DotsStructure
from workshop.activities.values import (
    AddBehaviour,
    AddValue,
    RemoveEntry,
    ValuesActivity,
    ValuesSummary,
    ValueSummary,
)
from workshop.db import Database
from workshop.models import AgendaItem, Dot, Entry, EntryStatus, Response, row_id
from workshop.store.entries import add_entry, set_entry_status
from workshop.templates import AgendaItemSpec
from workshop.untrusted import readable

VALUES = activity("values", ValuesActivity)
DOTS = activity("dots", DotsActivity)


def send(db: Database, item: AgendaItem, seat_id: int, answers: Any) -> None:
    with db.writing() as session:
        usecases.save_response(session, row_id(item), seat_id, answers)


def rows(db: Database, item: AgendaItem) -> list[Entry]:
    with db.reading() as session:
        return list(session.exec(select(Entry).where(Entry.item_id == item.id).order_by(col(Entry.id))).all())


def summary(db: Database, item: AgendaItem) -> ValuesSummary:
    with db.reading() as session:
        return VALUES.summarise(session, get_row(session, AgendaItem, row_id(item)))


def responses(db: Database, item: AgendaItem) -> int:
    with db.reading() as session:
        return len(session.exec(select(Response).where(Response.item_id == item.id)).all())


# Core --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({"max_value": 3}, "max_value: Extra inputs are not permitted"),
        ({"max_values_per_seat": 0}, "max_values_per_seat: Input should be greater than or equal to 1"),
        ({"max_behaviours_per_seat": "many"}, "max_behaviours_per_seat: Input should be a valid integer"),
    ],
)
def test_settings_are_checked(settings: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match="settings for a values item") as info:
        AgendaItemSpec(kind="values", title="Values", minutes=5, settings=settings)
    assert problem in str(info.value)
    spec = AgendaItemSpec(kind="values", title="Values", minutes=5)
    assert spec.settings == {"max_values_per_seat": 3, "max_behaviours_per_seat": 10}


def test_parse_form_explains_each_problem() -> None:
    settings = VALUES.settings_model()
    blank = VALUES.parse_form(settings, {"action": "add-value", "name": "  ", "statement": "\t"})
    assert [e.message for e in blank.errors] == [
        "Enter a name for the value",
        "Enter a one-sentence statement of the value",
    ]
    long = VALUES.parse_form(settings, {"action": "add-value", "name": "n" * 61, "statement": "s" * 201})
    assert [e.message for e in long.errors] == [
        "The value's name must be 60 characters or fewer (it has 61)",
        "The statement must be 200 characters or fewer (it has 201)",
    ]
    assert long.entered == {"name": "n" * 61, "statement": "s" * 201}
    ok = VALUES.parse_form(settings, {"action": "add-value", "name": " Trust ", "statement": "We trust."})
    assert ok.errors == [] and ok.answers == AddValue(" Trust ", "We trust.") and ok.notice == "added"
    bad = VALUES.parse_form(settings, {"action": "add-behaviour", "value": "x", "stance": "maybe"})
    assert [e.anchor for e in bad.errors] == ["value", "stance", "behaviour"]
    assert VALUES.parse_form(settings, {"action": "remove", "entry": "7"}).answers == RemoveEntry(7)
    assert VALUES.parse_form(settings, {"action": "remove", "entry": "٧"}).errors  # a non-ASCII digit
    assert VALUES.parse_form(settings, {"action": "launch"}).errors


def test_limits_hiding_and_removal_on_the_server(db: Database, workshop_id: int) -> None:
    item = add_item(
        db, workshop_id, "values", "Values", {"max_values_per_seat": 2, "max_behaviours_per_seat": 2}
    )
    other = add_item(db, workshop_id, "values", "Elsewhere", start=False)
    me, you = new_seat(db, workshop_id), new_seat(db, workshop_id)
    send(db, item, me, AddValue("Respect", "We respect each other."))
    send(db, item, me, AddValue("Trust", "We trust each other."))
    with pytest.raises(AnswerRefused, match=r"most values this activity allows \(2\)"):
        send(db, item, me, AddValue("Third", "We go on."))
    with pytest.raises(AnswerRefused, match="cannot be empty"):  # a replayed post without the form's checks
        send(db, item, you, AddValue("   ", "We."))
    with pytest.raises(AnswerRefused, match="60 characters"):
        send(db, item, you, AddValue("x" * 61, "We."))
    respect, trust = rows(db, item)
    send(db, item, you, AddValue("Courage", "We speak up."))
    courage = rows(db, item)[-1]
    with db.writing() as session:
        foreign = add_entry(session, get_row(session, AgendaItem, row_id(other)), None, "Elsewhere")

    def behaviour(seat: int, value_id: int, text: str = "listen", stance: str = "will") -> None:
        send(db, item, seat, AddBehaviour(value_id, stance, text))

    refused = "That value is not available"
    with pytest.raises(AnswerRefused, match=refused):
        behaviour(me, row_id(courage))  # not shown yet
    for target in (row_id(foreign), 999_999):
        with pytest.raises(AnswerRefused, match=refused):
            behaviour(me, target)
    with pytest.raises(AnswerRefused, match="we will or we won't"):
        behaviour(me, row_id(respect), stance="perhaps")
    behaviour(me, row_id(respect), "listen first", "will")
    with pytest.raises(AnswerRefused, match=refused):
        behaviour(me, row_id(rows(db, item)[-1]))  # under a behaviour
    with db.writing() as session:
        store.set_entries_shown(session, row_id(item), True)
    behaviour(me, row_id(courage), "blame people", "wont")
    with pytest.raises(AnswerRefused, match=r"most behaviours this activity allows \(2\)"):
        behaviour(me, row_id(trust))
    with db.writing() as session:
        set_entry_status(session, row_id(trust), EntryStatus.HIDDEN)
    with pytest.raises(AnswerRefused, match=refused):
        behaviour(you, row_id(trust))
    with pytest.raises(AnswerRefused, match="only remove what you added"):
        send(db, item, you, RemoveEntry(row_id(respect)))
    with pytest.raises(AnswerRefused, match="Others have added to this"):
        send(db, item, you, RemoveEntry(row_id(courage)))

    result = summary(db, item)
    assert [(v.name, v.status, [(b.text, b.stance) for b in v.behaviours]) for v in result.values] == [
        ("Respect", "pending", [("listen first", "will")]),
        ("Trust", "hidden", []),
        ("Courage", "pending", [("blame people", "wont")]),
    ]
    assert (result.value_count, result.behaviour_count, result.responses) == (2, 2, 2)
    assert (result.values[0].will, result.values[2].wont) == (1, 1)
    assert not any("seat" in f.name for cls in (ValuesSummary, ValueSummary) for f in fields(cls))

    for entry in reversed([e for e in rows(db, item) if e.seat_id == me]):  # behaviours first
        send(db, item, me, RemoveEntry(row_id(entry)))
    assert [e.text for e in rows(db, item)] == ["Courage"]
    assert responses(db, item) == 1  # a seat with nothing left no longer counts as taking part
    with db.writing() as session:
        store.close_item(session, row_id(item))
    with pytest.raises(store.ActivityClosed):
        send(db, item, you, AddValue("Late", "We are late."))


def test_reset_keeps_the_facilitators_entries(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "values", "Values", key="test-values")
    seat = new_seat(db, workshop_id)
    with db.writing() as session:
        seeded = add_entry(session, store.get_item(session, row_id(item)), None, "Care", detail="We care.")
    send(db, item, seat, AddValue("Respect", "We respect each other."))
    send(db, item, seat, AddBehaviour(row_id(seeded), "will", "ask families first"))
    respect = rows(db, item)[1]
    with db.writing() as session:
        facilitator = add_entry(
            session, get_row(session, AgendaItem, row_id(item)), None, "x", parent_id=row_id(respect)
        )
    assert facilitator.id and responses(db, item) == 1
    vote = add_item(db, workshop_id, "dots", "Vote", {"source": "test-values"})
    ballot = DOTS.parse_form(_structure(db, vote), {f"dots-{row_id(respect)}": "1"}).answers
    send(db, vote, seat, ballot)
    with db.writing() as session:
        store.start_item(session, row_id(item))  # back to the values, reopened
    with pytest.raises(AnswerRefused, match="already voted on this"):
        send(db, item, seat, RemoveEntry(row_id(respect)))
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
    assert [(e.text, e.seat_id) for e in rows(db, item)] == [("Care", None)]
    assert responses(db, item) == 0
    with db.reading() as session:
        assert session.exec(select(Dot)).all() == []  # the dots on a deleted proposal went with it


def _structure(db: Database, item: AgendaItem) -> DotsStructure:
    with db.reading() as session:
        return DOTS.structure(session, get_row(session, AgendaItem, row_id(item)))


# Over HTTP ---------------------------------------------------------------------------------------


@contextmanager
def phone(server: LiveServer, code: str) -> Iterator[httpx.Client]:
    """A phone that has joined the workshop."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=10) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        yield client


def test_propose_add_remove_and_hidden_until_shown(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    item = add_item(db, workshop_id, "values", "Our values", {"max_values_per_seat": 1})
    code = join_code(db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    with phone(live_server, code) as first, phone(live_server, code) as second:
        page = first.get(f"/w/{code}")
        assert "Propose a value" in page.text and "Propose a value first" in page.text
        blank = first.post(url, data={"action": "add-value", "name": "Open <b>ness</b>", "statement": " "})
        assert blank.status_code == 422 and "Enter a one-sentence statement" in blank.text
        assert 'value="Open &lt;b&gt;ness&lt;/b&gt;"' in blank.text  # kept as typed, escaped
        sent = first.post(
            url, data={"action": "add-value", "name": "Openness", "statement": "We share early."}
        )
        assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=added")
        page = first.get(sent.headers["location"])
        assert "Added." in page.text and "We share early." in page.text
        assert "the most for this activity" in page.text
        again = first.post(url, data={"action": "add-value", "name": "Twice", "statement": "We repeat."})
        assert again.status_code == 409 and "most values this activity allows (1)" in again.text
        value_id = row_id(rows(db, item)[0])
        added = first.post(
            url,
            data={
                "action": "add-behaviour",
                "value": str(value_id),
                "stance": "wont",
                "behaviour": "hide news",
            },
        )
        assert added.status_code == 303
        assert "We won&#39;t: hide news" in first.get(f"/w/{code}").text

        hidden = second.get(f"/w/{code}")
        assert "Openness" not in hidden.text and "hide news" not in hidden.text
        sneaky = second.post(
            url, data={"action": "add-behaviour", "value": str(value_id), "stance": "will", "behaviour": "x"}
        )
        assert sneaky.status_code == 409 and "That value is not available" in sneaky.text
        with db.writing() as session:
            store.set_entries_shown(session, row_id(item), True)
        shown = second.get(f"/w/{code}").text
        assert "Everyone's proposals" in shown and "Openness" in shown and "hide news" in shown
        assert f'name="value" value="{value_id}"' in shown
        ok = second.post(
            url,
            data={
                "action": "add-behaviour",
                "value": str(value_id),
                "stance": "will",
                "behaviour": "call back",
            },
        )
        assert ok.status_code == 303
        refused = first.post(url, data={"action": "remove", "entry": str(value_id)})
        assert refused.status_code == 409 and "Others have added to this" in refused.text
        mine = [row_id(e) for e in rows(db, item) if e.text == "hide news"]
        gone = first.post(url, data={"action": "remove", "entry": str(mine[0])})
        assert gone.headers["location"] == f"/w/{code}?notice=removed"
        assert "hide news" not in first.get(f"/w/{code}").text
        with db.writing() as session:
            store.close_item(session, row_id(item))
        late = second.post(url, data={"action": "add-value", "name": "Late", "statement": "We are late."})
        assert late.status_code == 409 and "were not saved" in late.text
    assert [e.text for e in rows(db, item)] == ["Openness", "call back"]


def test_phones_see_agreed_marks_and_their_reworded_words(live_server: LiveServer, workshop_id: int) -> None:
    from workshop.store import moderation

    db = live_server.db
    item = add_item(db, workshop_id, "values", "Our values")
    code = join_code(db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    with phone(live_server, code) as first, phone(live_server, code) as second:
        first.post(url, data={"action": "add-value", "name": "<i>Trust</i>", "statement": "We share early."})
        value_id = row_id(rows(db, item)[0])
        with db.writing() as session:
            moderation.reword_entry(session, value_id, "Mutual trust")
            moderation.set_agreed(session, value_id, True)
        mine = first.get(f"/w/{code}").text
        assert "Reworded by the facilitator; you wrote “&lt;i&gt;Trust&lt;/i&gt;”." in mine
        assert "The facilitator has worked on this, so it stays." in mine  # no Remove it would refuse
        assert "> the value Mutual trust" not in mine
        assert "★ Agreed" not in second.get(f"/w/{code}").text  # not shown to others yet
        with db.writing() as session:
            store.set_entries_shown(session, row_id(item), True)
        shown = second.get(f"/w/{code}").text
        assert '<span class="agreed">★ Agreed:</span> Mutual trust' in shown
        assert "&lt;i&gt;Trust" not in shown  # the original stays between the facilitator and its author


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_naughty_strings_in_every_field(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    item = add_item(db, workshop_id, "values", "Values")
    code = join_code(db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    with phone(live_server, code) as client:
        for text in BLNS:
            fits_name, fits_long = (
                bool(text.strip()) and len(text) <= 60,
                bool(text.strip()) and len(text) <= 200,
            )
            reply = client.post(url, data={"action": "add-value", "name": text, "statement": text})
            assert reply.status_code == (303 if fits_name and fits_long else 422), text
            if reply.status_code == 422:
                assert escape(readable(text)) in reply.text, text  # given back as typed, escaped
                continue
            value = rows(db, item)[-1]
            assert (value.text, value.detail) == (text, text)
            data = {"action": "add-behaviour", "value": str(value.id), "stance": "will", "behaviour": text}
            assert client.post(url, data=data).status_code == 303, text
            assert rows(db, item)[-1].text == text
            page = client.get(f"/w/{code}")
            assert page.status_code == 200 and f"<strong>{escape(readable(text))}</strong>" in page.text, text
            assert "<script>alert" not in page.text
            assert client.post(url, data={"action": "remove", "entry": str(value.id)}).status_code == 303
    assert rows(db, item) == []


# In a browser and on the facilitator's screen ----------------------------------------------------


@pytest.mark.tui
async def test_view_follows_proposals(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "values", "Values")
    seat = new_seat(db, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for(pilot, lambda: "hidden from phones" in screen_text(app))
        assert "0 values · 0 behaviours" in screen_text(app)
        await asyncio.to_thread(send, db, item, seat, AddValue("[bold]Trust[/bold]", "We keep our word."))
        value_id = row_id(rows(db, item)[0])
        await asyncio.to_thread(send, db, item, seat, AddBehaviour(value_id, "will", "reply in a day"))
        await asyncio.to_thread(send, db, item, seat, AddBehaviour(value_id, "wont", "pass the buck"))
        await wait_for(pilot, lambda: "✖ we won't  pass the buck" in screen_text(app))
        text = screen_text(app)
        assert "[bold]Trust[/bold]" in text and "✔ we will  reply in a day" in text
        assert "1 value · 2 behaviours · 0 agreed · 1 of 1 joined contributed" in text
        with db.writing() as session:
            store.set_entries_shown(session, row_id(item), True)
            set_entry_status(session, value_id, EntryStatus.HIDDEN)
        await wait_for(
            pilot, lambda: "shown to phones" in screen_text(app) and "(hidden)" in screen_text(app)
        )
        await pilot.press("q")


# Browser tests come last: Playwright's event loop outlives them and would upset Pilot tests.


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_propose_a_value_and_a_behaviour_on_a_phone(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage
) -> None:
    item = add_item(live_server.db, workshop_id, "values", "Shared values")
    code = join_code(live_server.db, workshop_id)
    propose_on(open_page(width=320, height=640), live_server.url, code)
    [value] = summary(live_server.db, item).values
    assert (value.name, [(b.text, b.stance) for b in value.behaviours]) == (
        "Respect",
        [("talk over families", "wont")],
    )


def propose_on(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Shared values")
    page.get_by_role("button", name="Propose this value").click()
    expect(page.locator("#name-error")).to_contain_text("Enter a name for the value")
    page.get_by_label("Name of the value").fill("Respect")
    page.get_by_label("What it means").fill("We treat everyone with dignity.")
    page.get_by_role("button", name="Propose this value").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Added.")
    page.get_by_label("Respect").check()
    page.get_by_label("We won't").check()
    page.get_by_label("The behaviour").fill("talk over families")
    page.get_by_role("button", name="Add this behaviour").click()
    expect(page.get_by_text("We won't: talk over families")).to_be_visible()
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
