"""Dot vote: budgets and per-option caps held on the server, the phone flow, results, and the TUI."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import fields

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import expect
from pydantic import ValidationError
from sqlmodel import col, select

from screens.app import WorkshopApp
from screens.views.dots import dot_bar
from tests.helpers.data import activity, add_item, get_row, join_code
from tests.helpers.tui import screen_text, wait_for
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.base import AnswerRefused
from workshop.activities.dots import DotsActivity, DotsAnswers, DotsStructure, DotsSummary, OptionResult
from workshop.db import Database
from workshop.models import AgendaItem, Dot, Entry, EntryStatus, Response, row_id
from workshop.store.entries import add_entry, set_entry_status
from workshop.templates import AgendaItemSpec
from workshop.untrusted import readable

DOTS = activity("dots", DotsActivity)
THREE_TWO = {"source": "ideas", "dots_per_seat": 3, "max_per_entry": 2}


def proposals(db: Database, workshop_id: int, texts: list[str], key: str = "ideas") -> dict[str, Entry]:
    """A values item holding facilitator entries (a hidden, a merged and a behaviour among them)."""
    item = add_item(db, workshop_id, "values", "Ideas", key=key, start=False)
    made: dict[str, Entry] = {}
    with db.writing() as session:
        source = get_row(session, AgendaItem, row_id(item))
        for text in texts:
            made[text] = add_entry(session, source, None, text, detail=f"about {text}")
        made["child"] = add_entry(session, source, None, "child", parent_id=row_id(made[texts[0]]))
        for status in (EntryStatus.HIDDEN, EntryStatus.MERGED):
            made[status.value] = add_entry(session, source, None, status.value, status=status)
    return made


def structure(db: Database, item_id: int) -> DotsStructure:
    with db.reading() as session:
        return DOTS.structure(session, get_row(session, AgendaItem, item_id))


def summary(db: Database, item_id: int) -> DotsSummary:
    with db.reading() as session:
        return DOTS.summarise(session, get_row(session, AgendaItem, item_id))


def vote(db: Database, item_id: int, dots: dict[int, int], seat_id: int | None = None) -> int:
    with db.writing() as session:
        item = get_row(session, AgendaItem, item_id)
        seat = seat_id or row_id(store.join(session, item.workshop_id))
        usecases.save_response(session, item_id, seat, DotsAnswers(dots))
        return seat


def my_dots(db: Database, item_id: int) -> list[tuple[int, int, int]]:
    with db.reading() as session:
        rows = session.exec(
            select(Dot).where(Dot.item_id == item_id).order_by(col(Dot.seat_id), col(Dot.entry_id))
        )
        return [(d.seat_id, d.entry_id, d.dots) for d in rows.all()]


# Core --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("settings", "problem"),
    [
        ({}, "source: Field required"),
        ({"source": "ideas", "dots": 3}, "dots: Extra inputs are not permitted"),
        (
            {"source": "ideas", "dots_per_seat": 0},
            "dots_per_seat: Input should be greater than or equal to 1",
        ),
        ({"source": "ideas", "dots_per_seat": 51}, "dots_per_seat: Input should be less than or equal to 50"),
        ({"source": "ideas", "max_per_entry": 4}, "max_per_entry (4) cannot be more than dots_per_seat (3)"),
        ({"source": "Not a key!"}, "source: String should match pattern"),
    ],
)
def test_settings_are_checked(settings: dict[str, object], problem: str) -> None:
    with pytest.raises(ValidationError, match="settings for a dots item") as info:
        AgendaItemSpec(kind="dots", title="Vote", minutes=5, settings=settings)
    assert problem in str(info.value)
    spec = AgendaItemSpec(kind="dots", title="Vote", minutes=5, settings={"source": "ideas"})
    assert spec.settings == {"source": "ideas", "dots_per_seat": 3, "max_per_entry": 1}


def test_options_form_checks_and_server_limits(db: Database, workshop_id: int) -> None:
    made = proposals(db, workshop_id, ["A", "B", "C"])
    item = add_item(db, workshop_id, "dots", "Vote", THREE_TWO)
    shape = structure(db, row_id(item))
    assert [e.text for e in shape.options] == ["A", "B", "C"]  # no behaviour, hidden or merged entry
    a, b, c = (row_id(made[t]) for t in "ABC")

    def parse(**form: str) -> list[str]:
        return [
            e.message
            for e in DOTS.parse_form(shape, {k.replace("_", "-"): v for k, v in form.items()}).errors
        ]

    assert parse(**{f"dots_{a}": "2", f"dots_{b}": "2"}) == ["You have 3 dots but placed 4: take 1 off"]
    assert parse(**{f"dots_{a}": "3"}) == ["Dots on “A” must be a whole number from 0 to 2"]
    assert parse(**{f"dots_{a}": "-1", f"dots_{b}": "١"}) == [
        "Dots on “A” must be a whole number from 0 to 2",
        "Dots on “B” must be a whole number from 0 to 2",
    ]
    assert parse(**{f"dots_{a}": "0"}) == ["Place at least one dot on an option"]
    sneaky = parse(**{f"dots_{a}": "1", f"dots_{made['hidden'].id}": "1"})
    assert sneaky == ["Something you voted on is no longer in the vote: check your dots"]
    ok = DOTS.parse_form(shape, {f"dots-{a}": " 2 ", f"dots-{c}": "1", f"dots-{b}": ""})
    assert ok.errors == [] and ok.answers == DotsAnswers({a: 2, c: 1})

    other = add_item(db, workshop_id, "values", "Elsewhere", key="elsewhere", start=False)
    with db.writing() as session:
        foreign = add_entry(session, get_row(session, AgendaItem, row_id(other)), None, "F")
    for dots, message in [
        ({row_id(made["hidden"]): 1}, "no longer in the vote"),
        ({row_id(made["merged"]): 1}, "no longer in the vote"),
        ({row_id(made["child"]): 1}, "no longer in the vote"),
        ({row_id(foreign): 1}, "no longer in the vote"),
        ({a: 3}, "at most 2 on one option"),
        ({a: 2, b: 2}, "You have 3 dots but placed 4"),
        ({}, "at least one dot"),
    ]:
        with pytest.raises(AnswerRefused, match=message):
            vote(db, row_id(item), dots)
    seat = vote(db, row_id(item), {a: 2, b: 1})
    vote(db, row_id(item), {c: 1}, seat)
    assert my_dots(db, row_id(item)) == [(seat, c, 1)]  # replaced, not added to
    with db.writing() as session:
        set_entry_status(session, b, EntryStatus.HIDDEN)
    with pytest.raises(AnswerRefused, match="no longer in the vote"):  # hidden after the phone loaded it
        vote(db, row_id(item), {b: 1}, seat)
    with db.writing() as session:
        store.close_item(session, row_id(item))
    with pytest.raises(store.ActivityClosed):
        vote(db, row_id(item), {a: 1}, seat)
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
        assert session.exec(select(Response).where(Response.item_id == item.id)).all() == []
    assert my_dots(db, row_id(item)) == []


def test_totals_sorted_with_ties_and_no_seats(db: Database, workshop_id: int) -> None:
    made = proposals(db, workshop_id, ["A", "B", "C", "D", "E"])
    item = add_item(db, workshop_id, "dots", "Vote", THREE_TWO)
    a, b, c, d, e = (row_id(made[t]) for t in "ABCDE")
    before = summary(db, row_id(item)).options
    assert [(o.text, o.dots, o.rank, o.tied) for o in before][:2] == [("A", 0, 1, True), ("B", 0, 1, True)]
    for dots in ({a: 2, b: 1}, {b: 2, c: 1}, {d: 1}):
        vote(db, row_id(item), dots)
    result = summary(db, row_id(item))
    assert [(o.text, o.dots, o.seats, o.rank, o.tied) for o in result.options] == [
        ("B", 3, 2, 1, False),
        ("A", 2, 1, 2, False),
        ("C", 1, 1, 3, True),  # C before D: ties keep the order of the source item
        ("D", 1, 1, 3, True),
        ("E", 0, 0, 5, False),
    ]
    assert (result.voters, result.total_dots, result.source_title) == (3, 7, "Ideas")
    assert result.options[-1].entry_id == e
    names = {f.name for cls in (DotsSummary, OptionResult) for f in fields(cls)}
    assert names.isdisjoint({"seat", "seat_id", "seat_ids", "token", "code"})  # counts only, never who
    assert dot_bar(3, 3) == "●●●" and dot_bar(1, 3) == "●○○" and dot_bar(20, 40, width=4) == "●●○○"


def test_a_vote_without_its_source_says_so(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "dots", "Vote", {"source": "nowhere"})
    assert structure(db, row_id(item)).source is None and summary(db, row_id(item)).source_title is None
    with pytest.raises(AnswerRefused, match="not set up"):
        vote(db, row_id(item), {1: 1})
    broken = add_item(db, workshop_id, "dots", "Vote", {"source": "nowhere"})
    with db.writing() as session:  # settings no template would pass: still no crash
        row = get_row(session, AgendaItem, row_id(broken))
        row.config = {"key": None, "settings": {"max_per_entry": "lots"}}
        session.add(row)
    assert structure(db, row_id(broken)) == DotsStructure(None, None, ())


# Over HTTP ---------------------------------------------------------------------------------------


@contextmanager
def phone(server: LiveServer, code: str) -> Iterator[httpx.Client]:
    """A phone that has joined the workshop."""
    with httpx.Client(base_url=server.url, follow_redirects=False, timeout=10) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        yield client


def test_checkbox_vote_over_http(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    made = proposals(db, workshop_id, ["Early help", "One <front> door", "Shared data", "Family voice"])
    item = add_item(db, workshop_id, "dots", "Dot vote", {"source": "ideas"})
    code = join_code(db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    ids = [made[t].id for t in ("Early help", "One <front> door", "Shared data", "Family voice")]
    with phone(live_server, code) as client:
        page = client.get(f"/w/{code}").text
        assert "You have 3 dots." in page and page.count('type="checkbox"') == 4
        assert "One &lt;front&gt; door" in page and "child" not in page and "hidden" not in page
        over = client.post(url, data={f"dots-{i}": "1" for i in ids})
        assert over.status_code == 422 and "You have 3 dots but placed 4: take 1 off" in over.text
        assert over.text.count("checked") == 4  # what they picked is kept
        forged = client.post(url, data={f"dots-{ids[0]}": "1", f"dots-{made['hidden'].id}": "1"})
        assert forged.status_code == 422 and "no longer in the vote" in forged.text
        one_each = client.post(url, data={f"dots-{ids[0]}": "2"})
        assert one_each.status_code == 422 and "Dots on “Early help” must be 0 or 1" in one_each.text
        sent = client.post(url, data={f"dots-{ids[1]}": "1", f"dots-{ids[3]}": "1"})
        assert (sent.status_code, sent.headers["location"]) == (303, f"{url}/saved")
        assert "Your answers are saved" in client.get(sent.headers["location"]).text
        again = client.get(f"/w/{code}").text
        assert again.count("checked") == 2 and "You have placed 2 so far" in again
        with db.writing() as session:
            store.set_revealed(session, row_id(item), True)
        shown = client.get(f"/w/{code}").text
        assert "1 person voted, placing 2 dots" in shown
        assert shown.index("One &lt;front&gt; door</strong>: 1 dot from 1 person (tied)") < shown.index(
            "Family voice</strong>: 1 dot"
        )
        with db.writing() as session:
            store.close_item(session, row_id(item))
        assert client.post(url, data={f"dots-{ids[0]}": "1"}).status_code == 409
    assert [(e, n) for _, e, n in my_dots(db, row_id(item))] == [(ids[1], 1), (ids[3], 1)]


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_radios_number_boxes_and_naughty_numbers(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    made = proposals(db, workshop_id, ["A", "B"])
    radios = add_item(
        db, workshop_id, "dots", "Few", {"source": "ideas", "dots_per_seat": 5, "max_per_entry": 3}
    )
    code = join_code(db, workshop_id)
    a, b = made["A"].id, made["B"].id
    with phone(live_server, code) as client:
        page = client.get(f"/w/{code}").text
        assert page.count('type="radio"') == 8 and f'id="dots-{a}-3"' in page
        assert (
            client.post(f"/w/{code}/items/{radios.id}", data={f"dots-{a}": "3", f"dots-{b}": "2"}).status_code
            == 303
        )
        assert f'id="dots-{a}-3" name="dots-{a}" value="3" checked' in client.get(f"/w/{code}").text
        boxes = add_item(
            db, workshop_id, "dots", "Many", {"source": "ideas", "dots_per_seat": 20, "max_per_entry": 8}
        )
        url = f"/w/{code}/items/{boxes.id}"
        page = client.get(f"/w/{code}").text
        assert 'inputmode="numeric"' in page and "Dots from 0 to 8." in page
        for text in BLNS:
            reply = client.post(url, data={f"dots-{a}": text, f"dots-{b}": "1"})
            number = text.strip()  # blank means no dots on that option
            fine = not number or (number.isascii() and number.isdigit() and int(number) <= 8)
            assert reply.status_code == (303 if fine else 422), text
            if reply.status_code == 422:
                assert f'value="{escape(readable(text))}"' in reply.text, text
                assert "<script>alert" not in reply.text
    assert {(e, n) for _, e, n in my_dots(db, row_id(boxes))} <= {(a, n) for n in range(9)} | {(b, 1)}


@pytest.mark.tui
async def test_view_follows_dots(db: Database, workshop_id: int) -> None:
    made = proposals(db, workshop_id, ["Early help", "[red]Shared[/red] data"])
    item = add_item(
        db, workshop_id, "dots", "Dot vote", {"source": "ideas", "dots_per_seat": 4, "max_per_entry": 3}
    )
    with db.writing() as session:
        store.join(session, workshop_id)  # a seat that never votes
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "0 of 1 joined have voted" in screen_text(app))
        early, shared = row_id(made["Early help"]), row_id(made["[red]Shared[/red] data"])
        await asyncio.to_thread(vote, db, row_id(item), {shared: 3})
        await asyncio.to_thread(vote, db, row_id(item), {shared: 1, early: 2})
        await wait_for(pilot, lambda: "2 of 3 joined have voted" in screen_text(app))
        text = screen_text(app)
        assert "[red]Shared[/red] data" in text and "●●●●" in text and "●●○○" in text
        assert text.index("[red]Shared[/red] data") < text.index("Early help")
        await pilot.press("q")


@pytest.mark.tui
async def test_view_of_a_vote_without_its_source(db: Database, workshop_id: int) -> None:
    add_item(db, workshop_id, "dots", "Dot vote", {"source": "missing"})
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "no agenda item has the key 'missing'" in screen_text(app))
        await pilot.press("q")


# Browser tests come last: Playwright's event loop outlives them and would upset Pilot tests.


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_dot_vote_on_a_phone(live_server: LiveServer, workshop_id: int, open_page: OpenPage) -> None:
    proposals(live_server.db, workshop_id, ["Early help", "Shared data", "Family voice"])
    item = add_item(live_server.db, workshop_id, "dots", "Dot vote", {"source": "ideas", "dots_per_seat": 2})
    code = join_code(live_server.db, workshop_id)
    page = open_page(width=320, height=640)
    page.goto(f"{live_server.url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.locator("#budget")).to_have_text("You have 2 dots.")
    for label in ("Early help", "Shared data", "Family voice"):
        page.get_by_label(label).check()
    page.get_by_role("button", name="Send my dots").click()
    expect(page.locator("#dots-error")).to_contain_text("You have 2 dots but placed 3: take 1 off")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    page.get_by_label("Shared data").uncheck()
    page.get_by_role("button", name="Send my dots").click()
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert [(o.text, o.dots) for o in summary(live_server.db, row_id(item)).options] == [
        ("Early help", 1),
        ("Family voice", 1),
        ("Shared data", 0),
    ]
