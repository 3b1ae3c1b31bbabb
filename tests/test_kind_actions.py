"""The actions kind: what will be done, who leads, by when, for which agreed priority; confirmed ones go in
the outcome pack. Core, phone pages over HTTP, and the facilitator's view and dialog in the TUI."""

from __future__ import annotations

import asyncio
import csv
import io
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape
from openpyxl import load_workbook
from textual.widgets import Input, Select

from screens.app import WorkshopApp
from screens.views.action_dialog import ActionDialog
from tests.helpers.actions import agree, items, lead
from tests.helpers.data import activity, get_row, join_code, new_seat, save, start
from tests.helpers.tui import wait_for, wait_for_text
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store
from workshop.activities.actions import (
    BY_WHEN_FORMAT,
    ActionsActivity,
    ActionsResults,
    ActionsStructure,
    ActionsSummary,
    AddAction,
    Lead,
    Priority,
    by_when_problem,
    by_when_words,
    parse_action,
)
from workshop.activities.base import AnswerRefused
from workshop.activities.entry_forms import Remove
from workshop.blocks import Table
from workshop.db import Database
from workshop.exports.cells import csv_text, is_risky
from workshop.exports.files import export_workshop
from workshop.exports.pack import build_pack
from workshop.models import AgendaItem, Entry, EntryStatus, Workshop, row_id
from workshop.store.entries import set_entry_status
from workshop.store.responses import ActivityClosed
from workshop.untrusted import readable, xml_text

STRUCTURE = ActionsStructure((Lead("1", "Council"), Lead("2", "Police")), (Priority(7, "Family Hubs"),))


def summary(db: Database, item: AgendaItem) -> ActionsSummary:
    with db.reading() as session:
        return activity("actions", ActionsActivity).summarise(
            session, get_row(session, AgendaItem, row_id(item))
        )


def test_by_when_takes_a_day_or_a_month_and_says_clearly_what_is_wrong() -> None:
    assert by_when_problem("2027-03-31") is None and by_when_problem(" 2027-03 ") is None
    empty = "Enter by when it will be done, as a date like 2027-03-31 or a month like 2027-03"
    assert by_when_problem("") == empty
    for bad in ("31/03/2027", "next spring", "2027-3-31", "20270331", "2027-03-31T10:00", "２０２７-03"):
        assert by_when_problem(bad) == BY_WHEN_FORMAT, bad
    unreal = (("2027-02-30", "date"), ("0000-05-01", "date"), ("2027-13", "month"), ("0000-05", "month"))
    for bad, what in (*unreal, ("2027-00", "month")):  # there is no year 0 in a day or a month
        assert by_when_problem(bad) == f"{bad} is not a real {what}. {BY_WHEN_FORMAT}", bad
    assert (by_when_words("2027-03-31"), by_when_words("2027-03")) == ("31 March 2027", "March 2027")


def test_parse_checks_every_field_and_keeps_what_was_typed() -> None:
    bad = parse_action(STRUCTURE, {"text": "  ", "lead": "9", "by_when": "soon", "priority": "8"})
    assert bad.answers is None and bad.entered == {"text": "  ", "by_when": "soon"}
    assert [(e.field, e.message) for e in bad.errors] == [
        ("text", "Enter your action"),
        ("lead", "Choose one of the organisations shown"),
        ("by_when", BY_WHEN_FORMAT),
        ("priority", "That priority is no longer agreed: choose another"),
    ]
    assert parse_action(STRUCTURE, {"text": "x", "by_when": "2027-01"}).errors[0].message == (
        "Choose the organisation that leads it"
    )
    long = parse_action(STRUCTURE, {"text": "x" * 201, "lead": "1", "by_when": "2027-01"})
    assert long.errors[0].message == "Your action must be 200 characters or fewer (it has 201)"
    good = parse_action(
        STRUCTURE, {"text": "Open hubs", "lead": "2", "by_when": " 2027-03 ", "priority": "7"}
    )
    assert good.answers == AddAction("Open hubs", "2", "2027-03", 7) and not good.errors


def test_a_participants_action_waits_is_confirmed_and_links_to_an_agreed_priority(
    db: Database, workshop_id: int
) -> None:
    ranking, actions = items(db, workshop_id)
    # The shipped template links them.
    assert activity("actions", ActionsActivity).settings(actions).priorities_from == "priorities"
    agreed = agree(db, ranking, 2)
    start(db, actions)
    with db.reading() as session:
        shape = activity("actions", ActionsActivity).structure(session, actions)
    assert [(p.id, p.text) for p in shape.priorities] == agreed
    assert [lead.name for lead in shape.leads][:2] == ["Council", "NHS trust"]
    seat = new_seat(db, workshop_id)
    police = lead(db, workshop_id, "Police")
    save(db, actions, seat, AddAction("Open two Family Hubs", police, "2027-03-31", agreed[0][0]))
    waiting = summary(db, actions)
    assert (len(waiting.pending), waiting.confirmed, waiting.responses) == (1, (), 1)
    assert activity("actions", ActionsActivity).waiting(waiting) == 1
    with db.writing() as session:
        entry = get_row(session, Entry, waiting.pending[0].id)
        assert (entry.tag, entry.tag2, entry.parent_id, entry.status) == (
            police,
            "2027-03-31",
            agreed[0][0],
            "pending",
        )
        set_entry_status(session, row_id(entry), EntryStatus.APPROVED)
    [done] = summary(db, actions).confirmed
    assert (done.text, done.lead, done.by_when, done.priority) == (
        "Open two Family Hubs",
        "Police",
        "31 March 2027",
        agreed[0][1],
    )
    # Confirmed, it is the facilitator's as well: the participant cannot take it back.
    with pytest.raises(AnswerRefused, match="confirmed this action"):
        save(db, actions, seat, Remove(done.id))
    # A priority no longer agreed is refused in the write, whatever the form said.
    agree(db, ranking, 1)
    with pytest.raises(AnswerRefused, match="no longer agreed"):
        save(db, actions, seat, AddAction("Data sharing", police, "2027-06", agreed[0][0]))
    # The action made for it keeps naming the priority it was made for.
    assert summary(db, actions).confirmed[0].priority == agreed[0][1]


def test_limits_removal_and_reset(db: Database, workshop_id: int) -> None:
    _, actions = items(db, workshop_id)
    start(db, actions)
    seat, council = new_seat(db, workshop_id), lead(db, workshop_id, "Council")
    for n in range(5):
        save(db, actions, seat, AddAction(f"Step {n}", council, "2027-01"))
    with pytest.raises(AnswerRefused, match="already added 5 actions"):
        save(db, actions, seat, AddAction("One more", council, "2027-01"))
    save(db, actions, seat, Remove(summary(db, actions).pending[0].id))
    assert len(summary(db, actions).pending) == 4
    with db.writing() as session:
        store.close_item(session, row_id(actions))
    with pytest.raises(ActivityClosed):
        save(db, actions, seat, AddAction("Late", council, "2027-01"))
    with db.writing() as session:
        activity("actions", ActionsActivity).reset(session, actions)
    assert summary(db, actions).pending == () and summary(db, actions).responses == 0


def test_the_facilitators_action_is_confirmed_at_once_and_checked_the_same(
    db: Database, workshop_id: int
) -> None:
    _, actions = items(db, workshop_id)
    kind = activity("actions", ActionsActivity)
    with db.reading() as session:
        before = get_row(session, Workshop, workshop_id).revision
    with db.writing() as session:
        kind.add_confirmed(
            session, row_id(actions), AddAction("Joint plan", lead(db, workshop_id, "Council"), "2027-09")
        )
    with db.reading() as session:
        assert get_row(session, Workshop, workshop_id).revision > before
    assert [a.text for a in summary(db, actions).confirmed] == ["Joint plan"]
    with db.writing() as session, pytest.raises(AnswerRefused, match="not a real date"):
        kind.add_confirmed(session, row_id(actions), AddAction("Bad", "1", "2027-02-30"))
    with db.writing() as session, pytest.raises(AnswerRefused, match="only be added to an actions item"):
        kind.add_confirmed(session, row_id(items(db, workshop_id)[0]), AddAction("x", "1", "2027-01"))


def test_only_confirmed_actions_reach_the_pack_as_a_table_and_data(db: Database, workshop_id: int) -> None:
    ranking, actions = items(db, workshop_id)
    agreed = agree(db, ranking, 1)
    start(db, actions)
    council = lead(db, workshop_id, "Council")
    save(db, actions, new_seat(db, workshop_id), AddAction("Not yet confirmed", council, "2027-01"))
    with db.writing() as session:
        kind = activity("actions", ActionsActivity)
        kind.add_confirmed(
            session, row_id(actions), AddAction('=HYPERLINK("x")', council, "2027-05", agreed[0][0])
        )
        pack = build_pack(session, workshop_id)
    report = next(i for i in pack.items if i.kind == "actions")
    [table] = [b for b in report.blocks if isinstance(b, Table)]
    assert table.headers == ("What", "Lead", "By when", "Priority")
    assert table.rows == (('=HYPERLINK("x")', "Council", "May 2027", agreed[0][1]),)
    [data] = [i.results for i in pack.data.items if isinstance(i.results, ActionsResults)]
    assert [(a.what, a.lead, a.by_when, a.priority) for a in data.actions] == [
        ('=HYPERLINK("x")', "Council", "2027-05", agreed[0][1])
    ]


def test_the_packs_spreadsheets_keep_action_text_inert(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    _, actions = items(db, workshop_id)
    # Naughty strings a spreadsheet would read as formulas, and one that surely would.
    risky = ["=1+1", *[t for t in BLNS if t.strip() and len(t) <= 200 and is_risky(t)][:15]]
    council = lead(db, workshop_id, "Council")
    start(db, actions)  # the pack leaves out items never started
    with db.writing() as session:
        for text in risky:
            activity("actions", ActionsActivity).add_confirmed(
                session, row_id(actions), AddAction(text, council, "2027-01")
            )
    (book,) = export_workshop(db, workshop_id, tmp_path / "x", formats=("xlsx",))
    cells = [c for sheet in load_workbook(book).worksheets for row in sheet.iter_rows() for c in row]
    assert not any(c.data_type == "f" for c in cells)
    written = {c.value: c for c in cells if isinstance(c.value, str)}
    for text in risky:
        cell = written[xml_text(text)]
        assert cell.data_type == "s" and cell.quotePrefix, text
    (archive,) = export_workshop(db, workshop_id, tmp_path / "y", formats=("csv",))
    with zipfile.ZipFile(archive) as zipped:
        texts = [zipped.read(name).decode("utf-8-sig") for name in zipped.namelist() if name.endswith(".csv")]
    cells_csv = {cell for text in texts for row in csv.reader(io.StringIO(text)) for cell in row}
    for text in risky:
        assert csv_text(text) in cells_csv and csv_text(text).startswith("'"), text


# Phone pages over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def test_phone_adds_an_action_for_an_agreed_priority_and_sees_it_confirmed(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    db = live_server.db
    ranking, actions = items(db, workshop_id)
    [(priority_id, priority)] = agree(db, ranking, 1)
    start(db, actions)
    code = join_code(db, workshop_id)
    phone.post(f"/j/{code}", data={})
    page = phone.get(f"/w/{code}").text
    assert "Which organisation leads it?" in page and str(escape(priority)) in page and "2027-03-31" in page
    police = lead(db, workshop_id, "Police")
    form = {"text": "Open two hubs", "lead": police, "by_when": "2027-03", "priority": str(priority_id)}
    sent = phone.post(f"/w/{code}/items/{actions.id}", data={**form, "action": "add"})
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=added")
    page = phone.get(sent.headers["location"]).text
    assert (
        "Open two hubs" in page and "Police · by March 2027" in page and "waiting for the facilitator" in page
    )
    with db.writing() as session:
        set_entry_status(session, summary(db, actions).pending[0].id, EntryStatus.APPROVED)
        store.set_revealed(session, row_id(actions), True)
    page = phone.get(f"/w/{code}").text
    assert "confirmed" in page and "Actions confirmed" in page and "Remove<" not in page


def test_bad_posts_come_back_with_every_problem_and_nothing_lost(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    db = live_server.db
    _, actions = items(db, workshop_id)
    start(db, actions)
    code = join_code(db, workshop_id)
    url = f"/w/{code}/items/{actions.id}"
    phone.post(f"/j/{code}", data={})
    bad = phone.post(
        url, data={"text": "<b>Keep me</b>", "lead": "999", "by_when": "31/03/2027", "priority": "x"}
    )
    assert bad.status_code == 422
    for message in ("Choose one of the organisations shown", BY_WHEN_FORMAT, "no longer agreed"):
        assert message in bad.text, message
    assert 'value="&lt;b&gt;Keep me&lt;/b&gt;"' in bad.text and 'value="31/03/2027"' in bad.text
    unreal = phone.post(
        url, data={"text": "Plan", "lead": lead(db, workshop_id, "Council"), "by_when": "2027-02-30"}
    )
    assert unreal.status_code == 422 and "2027-02-30 is not a real date" in unreal.text
    assert phone.post(url, data={"action": "remove:x"}).status_code == 422
    assert summary(db, actions).pending == ()


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_naughty_strings_as_actions(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    _, actions = items(db, workshop_id)
    start(db, actions)
    code, council = join_code(db, workshop_id), lead(db, workshop_id, "Council")
    stored: list[str] = []
    for first in range(0, len(BLNS), 5):
        with httpx.Client(base_url=live_server.url, timeout=10) as phone:
            phone.post(f"/j/{code}", data={})
            accepted = []
            for text in BLNS[first : first + 5]:
                reply = phone.post(
                    f"/w/{code}/items/{actions.id}",
                    data={"text": text, "lead": council, "by_when": "2027-01"},
                    follow_redirects=False,
                )
                assert reply.status_code in (303, 422), text
                if reply.status_code == 303:
                    assert text.strip() and len(text) <= 200
                    accepted.append(text)
                else:
                    assert not text.strip() or len(text) > 200, text
                    assert "<script>alert" not in reply.text
            page = phone.get(f"/w/{code}").text
            assert "<script>alert" not in page
            for text in accepted:
                assert str(escape(readable(text))) in page, text
            stored += accepted
    assert [a.text for a in summary(db, actions).pending] == stored
    assert len(stored) > 400


# The facilitator's view and dialog ------------------------------------------------------------------


@pytest.mark.tui
async def test_the_facilitator_confirms_and_adds_actions(db: Database, workshop_id: int) -> None:
    ranking, actions = items(db, workshop_id)
    [(priority_id, priority)] = agree(db, ranking, 1)
    start(db, actions)
    police, seat = lead(db, workshop_id, "Police"), new_seat(db, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_text(pilot, app, "Actions confirmed: 0 · waiting: 0")
        await asyncio.to_thread(
            save, db, actions, seat, AddAction("[bold]Safe walk[/bold]", police, "2027-06")
        )
        await wait_for_text(pilot, app, "⧗ to confirm · [bold]Safe walk[/bold] · Police · by June 2027")
        await pilot.press("tab")
        await wait_for(pilot, lambda: app.focused is not None and app.focused.id == "actions-pending")
        await pilot.press("a")
        await wait_for_text(
            pilot, app, "Actions confirmed: 1 · waiting: 0", "No actions waiting to be confirmed"
        )
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ActionDialog))
        dialog = app.screen
        await pilot.press(*"Joint plan")
        dialog.query_one("#by-when", Input).value = "2027-02-30"
        await pilot.press("enter")
        await wait_for_text(
            pilot, app, "2027-02-30 is not a real date", "Choose the organisation that leads it"
        )
        dialog.query_one("#lead", Select).value = police
        dialog.query_one("#by-when", Input).value = "2027-09"
        dialog.query_one("#priority", Select).value = str(priority_id)
        dialog.query_one("#by-when", Input).focus()
        await pilot.press("enter")  # from the keyboard: Enter in a field saves
        await wait_for_text(pilot, app, "Actions confirmed: 2", "Joint plan", "September 2027")
        assert [a.priority for a in summary(db, actions).confirmed] == [None, priority]
        await app.action_quit()
