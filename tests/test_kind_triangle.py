"""The population intervention triangle: settings, limits, summary, reset, phone pages, browser and TUI."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import cast

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import Page, expect
from sqlmodel import Session, func, select

from screens.app import WorkshopApp
from tests.helpers.data import activity, add_item, get_row, join_code, save
from tests.helpers.data import new_seat as seat
from tests.helpers.tui import screen_lines, wait_for_text, wait_until
from tests.helpers.web import CHROMIUM, LiveServer, phone_page
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.base import AnswerRefused
from workshop.activities.entry_forms import Remove
from workshop.activities.triangle import AddIdea, TriangleActivity, TriangleSummary
from workshop.db import Database, open_database
from workshop.models import AgendaItem, Dot, Entry, EntryStatus, Response, row_id
from workshop.store import entries
from workshop.untrusted import readable

TRIANGLE = activity("triangle", TriangleActivity)
PRIORITY = "Every family can get help early"


def triangle(db: Database, workshop_id: int, **settings: object) -> AgendaItem:
    return add_item(db, workshop_id, "triangle", "Triangle: early help", {"priority": PRIORITY, **settings})


def summary(db: Database, item: AgendaItem) -> TriangleSummary:
    with db.reading() as session:
        return TRIANGLE.summarise(session, get_row(session, AgendaItem, row_id(item)))


def seat_entries(db: Database, item: AgendaItem) -> list[Entry]:
    with db.reading() as session:
        return list(session.exec(select(Entry).where(Entry.item_id == item.id, Entry.seat_id != None)).all())  # noqa: E711


def responses(db: Database) -> int:
    with db.reading() as session:
        return session.exec(select(func.count()).select_from(Response)).one()


# Core --------------------------------------------------------------------------------------------


def test_settings_have_defaults_and_limits(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    assert item.config["settings"] == {
        "priority": PRIORITY,
        "max_ideas_per_seat": 6,
        "priority_from": None,
        "principle_required": False,
    }
    for bad in (
        {},
        {"priority": "   "},
        {"priority": "x" * 201},
        {"priority": "p", "max_ideas_per_seat": 0},
        {"priority": "p", "max_ideas_per_seat": 31},
        {"priority": "p", "colour": "red"},
    ):
        with pytest.raises(ValueError, match="settings for a triangle item"):
            add_item(db, workshop_id, "triangle", "Bad", bad)


def test_parse_form_checks_text_segment_and_question() -> None:
    no_session = cast(Session, None)  # an item with its own priority reads nothing from the database
    structure = TRIANGLE.structure(
        no_session,
        AgendaItem(workshop_id=1, kind="triangle", title="t", config={"settings": {"priority": "p"}}),
    )
    good = TRIANGLE.parse_form(
        structure, {"text": " Parent peer group ", "segment": "community", "question": "a"}
    )
    assert good.errors == [] and good.notice == "added"
    assert good.answers == AddIdea(" Parent peer group ", "community", "a")
    blank = TRIANGLE.parse_form(structure, {"text": " \t ", "segment": "", "question": ""})
    assert [e.message for e in blank.errors] == [
        "Enter your idea",
        "Choose civic, service or community",
        "Choose which question the idea answers",
    ]
    forged = TRIANGLE.parse_form(structure, {"text": "x" * 201, "segment": "political", "question": "d"})
    assert [(e.field, e.anchor) for e in forged.errors] == [
        ("text", "text"),
        ("segment", "segment-civic"),
        ("question", "question-a"),
    ]
    assert "200 characters or fewer (it has 201)" in forged.errors[0].message
    assert forged.entered == {"text": "x" * 201}
    assert TRIANGLE.parse_form(structure, {"action": "remove:12"}).answers == Remove(12)
    for action in ("remove:abc", "remove:", "remove:١٢", "delete"):
        assert TRIANGLE.parse_form(structure, {"action": action}).errors, action


def test_ideas_are_saved_tagged_and_limited(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id, max_ideas_per_seat=2)
    me = seat(db, workshop_id)
    save(db, item, me, AddIdea("Smoke-free school gates", "civic", "c"))
    save(db, item, me, AddIdea("  Parent champions  ", "community", "b"))
    with pytest.raises(AnswerRefused, match="already added 2 ideas"):
        save(db, item, me, AddIdea("One more", "service", "a"))
    rows = seat_entries(db, item)
    assert [(e.text, e.tag, e.tag2) for e in rows] == [
        ("Smoke-free school gates", "civic", "c"),
        ("  Parent champions  ", "community", "b"),
    ]
    assert responses(db) == 1


def test_save_rechecks_what_a_hand_made_request_could_skip(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    me = seat(db, workshop_id)
    for answers, message in (
        (AddIdea("ok", "political", "a"), "Choose a part of the triangle"),
        (AddIdea("ok", "civic", "d"), "Choose a part of the triangle"),
        (AddIdea(" \n ", "civic", "a"), "Enter your idea"),
        (AddIdea("y" * 201, "civic", "a"), "200 characters or fewer"),
        ({"text": "ok"}, "could not be read"),
    ):
        with pytest.raises(AnswerRefused, match=message):
            save(db, item, me, answers)
    assert seat_entries(db, item) == [] and responses(db) == 0


def test_only_your_own_ideas_can_be_removed(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    mine, theirs = seat(db, workshop_id), seat(db, workshop_id)
    save(db, item, mine, AddIdea("Mine", "civic", "a"))
    save(db, item, theirs, AddIdea("Theirs", "service", "b"))
    [my_idea, their_idea] = seat_entries(db, item)
    with pytest.raises(AnswerRefused, match="only remove what you added yourself"):
        save(db, item, mine, Remove(row_id(their_idea)))
    with pytest.raises(AnswerRefused):
        save(db, item, mine, Remove(999_999))
    save(db, item, mine, Remove(row_id(my_idea)))
    assert [e.text for e in seat_entries(db, item)] == ["Theirs"]
    assert responses(db) == 1  # the seat with nothing left no longer counts as having answered


def test_closed_item_takes_no_ideas(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    me = seat(db, workshop_id)
    with db.writing() as session:
        store.close_item(session, row_id(item))
    with pytest.raises(store.ActivityClosed):
        save(db, item, me, AddIdea("Late", "civic", "a"))
    assert seat_entries(db, item) == []


def test_summary_groups_counts_and_checks_balance(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    first, second = seat(db, workshop_id), seat(db, workshop_id)
    empty = summary(db, item)
    assert empty.total == 0 and [c.key for c in empty.empty] == ["civic", "service", "community"]
    save(db, item, first, AddIdea("Healthy planning", "civic", "c"))
    save(db, item, second, AddIdea("Family hub drop-in", "service", "b"))
    save(db, item, second, AddIdea("Rude words", "community", "a"))
    save(db, item, first, AddIdea("Outreach", "service", "b"))
    hidden = next(e for e in seat_entries(db, item) if e.text == "Rude words")
    with db.writing() as session:
        entries.set_entry_status(session, row_id(hidden), EntryStatus.HIDDEN)
    result = summary(db, item)
    assert result.priority == PRIORITY and result.responses == 2 and result.total == 3
    civic, service, community = result.segments
    assert [i.text for i in service.ideas] == ["Family hub drop-in", "Outreach"]
    assert service.by_question == {"a": 0, "b": 2, "c": 0} and civic.by_question == {"a": 0, "b": 0, "c": 1}
    assert community.ideas == () and [c.name for c in result.empty] == ["Community"]
    assert result.by_question == {"a": 0, "b": 2, "c": 1}
    assert "seat" not in repr(result).lower()


def test_reset_removes_participant_ideas_and_votes_on_them(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    me = seat(db, workshop_id)
    save(db, item, me, AddIdea("Parent-led group", "community", "a"))
    with db.writing() as session:
        entries.add_entry(session, item, None, "Facilitator's example", tag="civic", tag2="c")
        [idea] = session.exec(select(Entry).where(Entry.seat_id == me)).all()
        later_vote = Dot(item_id=row_id(item), seat_id=me, entry_id=row_id(idea), dots=2)
        session.add(later_vote)  # a later vote on it
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
    assert seat_entries(db, item) == [] and responses(db) == 0
    with db.reading() as session:
        assert session.exec(select(func.count()).select_from(Dot)).one() == 0
    assert [i.text for i in summary(db, item).segments[0].ideas] == ["Facilitator's example"]


# Phone pages over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def test_phone_adds_lists_and_removes_an_idea(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    item = triangle(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    phone.post(f"/j/{code}", data={})
    page = phone.get(f"/w/{code}").text
    assert PRIORITY in page and "Up to 200 characters" in page and 'value="community"' in page
    assert "What agencies must do because families cannot" in page
    sent = phone.post(
        f"/w/{code}/items/{item.id}",
        data={"text": "Peer mentors", "segment": "community", "question": "b", "action": "add"},
    )
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=added")
    page = phone.get(sent.headers["location"]).text
    assert "Added." in page and "Peer mentors" in page and "Your ideas (1 of 6)" in page
    [idea] = seat_entries(live_server.db, item)
    gone = phone.post(f"/w/{code}/items/{item.id}", data={"action": f"remove:{idea.id}"})
    assert gone.headers["location"] == f"/w/{code}?notice=removed"
    assert "Peer mentors" not in phone.get(gone.headers["location"]).text
    assert seat_entries(live_server.db, item) == []


def test_hand_made_posts_are_refused(live_server: LiveServer, phone: httpx.Client, workshop_id: int) -> None:
    item = triangle(live_server.db, workshop_id, max_ideas_per_seat=1)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    phone.post(f"/j/{code}", data={})
    bad = phone.post(url, data={"text": "<b>Keep me</b>", "segment": "political", "question": "z"})
    assert (
        bad.status_code == 422
        and "Choose one of the parts shown" in bad.text
        and "Choose (a), (b) or (c)" in bad.text
    )
    assert 'value="&lt;b&gt;Keep me&lt;/b&gt;"' in bad.text
    blank = phone.post(url, data={"text": "   ", "segment": "civic", "question": "a"})
    assert (
        blank.status_code == 422 and "Enter your idea" in blank.text and 'value="civic" checked' in blank.text
    )
    assert phone.post(url, data={"action": "remove:x"}).status_code == 422
    assert phone.post(url, data={"text": "First", "segment": "civic", "question": "a"}).status_code == 303
    over = phone.post(url, data={"text": "Second", "segment": "civic", "question": "a"})
    assert over.status_code == 409 and "already added 1 idea" in over.text
    with httpx.Client(base_url=live_server.url, timeout=10) as other:
        other.post(f"/j/{code}", data={})
        [idea] = seat_entries(live_server.db, item)
        stolen = other.post(url, data={"action": f"remove:{idea.id}"}, follow_redirects=False)
        assert stolen.status_code == 409 and "only remove what you added yourself" in stolen.text
    assert [e.text for e in seat_entries(live_server.db, item)] == ["First"]
    with live_server.db.writing() as session:
        store.close_item(session, row_id(item))
    assert phone.post(url, data={"action": f"remove:{idea.id}"}).status_code == 409


def test_results_show_once_revealed(live_server: LiveServer, phone: httpx.Client, workshop_id: int) -> None:
    item = triangle(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    phone.post(f"/j/{code}", data={})
    phone.post(f"/w/{code}/items/{item.id}", data={"text": "Licensing", "segment": "civic", "question": "c"})
    assert "The room's ideas so far" not in phone.get(f"/w/{code}").text
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    page = phone.get(f"/w/{code}").text
    assert "The room's ideas so far" in page and "No service ideas yet. No community ideas yet." in page
    assert "Civic: 1 idea" in page and "(c) Licensing" in page


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_naughty_strings_as_ideas(live_server: LiveServer, workshop_id: int) -> None:
    item = triangle(live_server.db, workshop_id, max_ideas_per_seat=30)
    code = join_code(live_server.db, workshop_id)
    corpus = BLNS
    stored: list[str] = []
    for start in range(0, len(corpus), 30):
        batch = corpus[start : start + 30]
        with httpx.Client(base_url=live_server.url, timeout=10) as phone:
            phone.post(f"/j/{code}", data={})
            accepted = []
            for text in batch:
                reply = phone.post(
                    f"/w/{code}/items/{item.id}",
                    data={"text": text, "segment": "service", "question": "b"},
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
    assert [e.text for e in seat_entries(live_server.db, item)] == stored
    assert len(stored) > 400


# Browser -----------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_browser_adds_and_removes_an_idea(live_server: LiveServer, workshop_id: int) -> None:
    triangle(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    with phone_page() as page:
        add_and_remove_in_browser(page, live_server.url, code)


def add_and_remove_in_browser(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Triangle: early help")
    page.get_by_label("Your idea").fill("Family hub outreach on estates")
    page.locator("label[for='segment-service']").click()
    page.locator("label[for='question-b']").click()
    page.get_by_role("button", name="Add idea").click()
    expect(page.locator(".notice")).to_contain_text("Added.")
    expect(page.get_by_role("heading", name="Your ideas (1 of 6)")).to_be_visible()
    expect(page.locator("ol li")).to_contain_text("Family hub outreach on estates")
    expect(page.locator("ol li")).to_contain_text("Service · (b) What they need a little help with")
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    inner, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
    page.get_by_role("button", name="Remove idea: Family hub outreach on estates").click()
    expect(page.locator(".notice")).to_contain_text("Removed.")
    expect(page.locator("ol li")).to_have_count(0)


# TUI ---------------------------------------------------------------------------------------------


def add_from_elsewhere(
    db: Database, workshop_id: int, item: AgendaItem, text: str, segment: str, question: str
) -> None:
    other = open_database(db.url)  # a second handle stands in for the participant server
    try:
        save(other, item, seat(other, workshop_id), AddIdea(text, segment, question))
    finally:
        other.dispose()


@pytest.mark.tui
async def test_board_updates_as_ideas_arrive(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_text(pilot, app, "No civic ideas yet")
        await asyncio.to_thread(
            add_from_elsewhere, db, workshop_id, item, "Social value in contracts", "civic", "c"
        )
        await asyncio.to_thread(
            add_from_elsewhere, db, workshop_id, item, "[bold]Stay & play[/bold]", "service", "b"
        )
        await wait_for_text(
            pilot,
            app,
            "(b) [bold]Stay & play[/bold]",
            "(c) Social value in contracts",
            "No community ideas yet",
            "2 ideas from 2 of 2 joined",
        )
        side_by_side = "CIVIC", "SERVICE", "COMMUNITY"
        await wait_until(
            pilot, app, lambda lines: any(all(w in line for w in side_by_side) for line in lines), "a board"
        )
        await asyncio.to_thread(add_from_elsewhere, db, workshop_id, item, "Parent forum", "community", "a")
        await wait_for_text(pilot, app, "Balanced: every segment has at least one idea")
        await pilot.resize_terminal(70, 40)
        await wait_for_text(pilot, app, "(a) Parent forum", "COMMUNITY  1 idea · (a) 1  (b) 0  (c) 0")
        assert not any("CIVIC" in line and "SERVICE" in line for line in screen_lines(app))
        await app.action_quit()
