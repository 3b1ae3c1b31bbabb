"""The open question: settings, limits, summary and word counts, reset, phone pages, browser and TUI."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import Page, expect
from sqlmodel import col, func, select

from screens.app import WorkshopApp
from tests.helpers.data import activity, add_item, get_row, join_code, save
from tests.helpers.data import new_seat as seat
from tests.helpers.tui import screen_lines, wait_for_text
from tests.helpers.web import CHROMIUM, LiveServer, phone_page
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.base import AnswerRefused
from workshop.activities.entry_forms import Remove
from workshop.activities.question import AddAnswer, QuestionActivity, QuestionSummary
from workshop.db import Database, open_database
from workshop.models import AgendaItem, Entry, EntryStatus, Response, row_id
from workshop.store import entries
from workshop.untrusted import readable
from workshop.words import WordCount

QUESTION = activity("question", QuestionActivity)
PROMPT = "What one word describes partnership working today?"


def question(db: Database, workshop_id: int, **settings: object) -> AgendaItem:
    return add_item(db, workshop_id, "question", "One word", {"prompt": PROMPT, **settings})


def summary(db: Database, item: AgendaItem) -> QuestionSummary:
    with db.reading() as session:
        return QUESTION.summarise(session, get_row(session, AgendaItem, row_id(item)))


def written(db: Database, item: AgendaItem) -> list[Entry]:
    with db.reading() as session:
        query = select(Entry).where(Entry.item_id == item.id, Entry.seat_id != None)  # noqa: E711
        return list(session.exec(query.order_by(col(Entry.id))).all())


def responses(db: Database) -> int:
    with db.reading() as session:
        return session.exec(select(func.count()).select_from(Response)).one()


# Core --------------------------------------------------------------------------------------------


def test_settings_have_defaults_and_limits(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id)
    assert item.config["settings"] == {"prompt": PROMPT, "max_answers_per_seat": 3, "max_length": 80}
    for bad in (
        {},
        {"prompt": " "},
        {"prompt": "?" * 201},
        {"prompt": "p", "max_answers_per_seat": 0},
        {"prompt": "p", "max_answers_per_seat": 21},
        {"prompt": "p", "max_length": 9},
        {"prompt": "p", "max_length": 281},
        {"prompt": "p", "cloud": True},
    ):
        with pytest.raises(ValueError, match="settings for a question item"):
            add_item(db, workshop_id, "question", "Bad", bad)


def test_parse_form_checks_the_answer(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id, max_length=10)
    with db.reading() as session:
        structure = QUESTION.structure(session, item)
    good = QUESTION.parse_form(structure, {"text": " Trust ", "action": "add"})
    assert (good.answers, good.errors, good.notice) == (AddAnswer(" Trust "), [], "added")
    assert QUESTION.parse_form(structure, {"text": "\u3000\n\t "}).errors[0].message == "Enter your answer"
    long = QUESTION.parse_form(structure, {"text": "x" * 11})
    assert long.errors[0].message == "Your answer must be 10 characters or fewer (it has 11)"
    assert long.entered == {"text": "x" * 11}
    assert QUESTION.parse_form(structure, {"action": "remove:7"}).answers == Remove(7)
    for action in ("remove:-1", "remove:1.5", "send"):
        assert QUESTION.parse_form(structure, {"action": action, "text": "ok"}).errors, action


def test_answers_are_limited_per_seat_and_rechecked_on_save(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id, max_answers_per_seat=2, max_length=20)
    me = seat(db, workshop_id)
    for answers, message in (
        (AddAnswer("   "), "Enter your answer"),
        (AddAnswer("z" * 21), "20 characters or fewer"),
        ("Trust", "could not be read"),
    ):
        with pytest.raises(AnswerRefused, match=message):
            save(db, item, me, answers)
    assert responses(db) == 0
    save(db, item, me, AddAnswer("Trust"))
    save(db, item, me, AddAnswer(" Patience "))
    with pytest.raises(AnswerRefused, match="already sent 2 answers"):
        save(db, item, me, AddAnswer("More"))
    assert [e.text for e in written(db, item)] == ["Trust", " Patience "] and responses(db) == 1


def test_remove_only_your_own_and_closed_items_refuse(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id)
    mine, theirs = seat(db, workshop_id), seat(db, workshop_id)
    save(db, item, mine, AddAnswer("Mine"))
    save(db, item, theirs, AddAnswer("Theirs"))
    my_answer, their_answer = written(db, item)
    with pytest.raises(AnswerRefused, match="only remove what you added yourself"):
        save(db, item, mine, Remove(row_id(their_answer)))
    save(db, item, mine, Remove(row_id(my_answer)))
    assert [e.text for e in written(db, item)] == ["Theirs"] and responses(db) == 1
    with db.writing() as session:
        store.close_item(session, row_id(item))
    with pytest.raises(store.ActivityClosed):
        save(db, item, theirs, Remove(row_id(their_answer)))
    with pytest.raises(store.ActivityClosed):
        save(db, item, mine, AddAnswer("Late"))
    assert [e.text for e in written(db, item)] == ["Theirs"]


def test_summary_lists_answers_and_counts_words(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id)
    assert summary(db, item) == QuestionSummary(PROMPT, (), (), 0)
    for text in ("Trust", "trust and patience", "Rude", "slow, slow, TRUST", "Family hubs"):
        save(db, item, seat(db, workshop_id), AddAnswer(text))
    rude = next(e for e in written(db, item) if e.text == "Rude")
    with db.writing() as session:
        entries.set_entry_status(session, row_id(rude), EntryStatus.HIDDEN)
    result = summary(db, item)
    assert result.answers == ("Trust", "trust and patience", "slow, slow, TRUST", "Family hubs")
    assert result.responses == 5
    assert result.words[:2] == (WordCount("Trust", 3), WordCount("Family", 1))
    assert "Rude" not in {w.word for w in result.words}
    assert "seat" not in repr(result).lower()


def test_reset_keeps_facilitator_entries(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id)
    save(db, item, seat(db, workshop_id), AddAnswer("Trust"))
    with db.writing() as session:
        entries.add_entry(session, item, None, "An example answer")
        usecases.reset_item(session, row_id(item))
    assert written(db, item) == [] and responses(db) == 0
    assert summary(db, item).answers == ("An example answer",)


# Phone pages over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def test_phone_sends_lists_and_removes(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    item = question(live_server.db, workshop_id, max_answers_per_seat=2, max_length=40)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    phone.post(f"/j/{code}", data={})
    page = phone.get(f"/w/{code}").text
    assert f'<h1><label for="text">{PROMPT}</label></h1>' in page
    assert "Up to 40 characters. You can send up to 2 answers." in page
    sent = phone.post(url, data={"text": "Trust", "action": "add"})
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=added")
    page = phone.get(sent.headers["location"]).text
    assert "Added." in page and "Your answers (1 of 2)" in page and ">Trust</p>" in page
    phone.post(url, data={"text": "Patience"})
    full = phone.get(f"/w/{code}").text
    assert "the most this question allows" in full and 'name="text"' not in full
    over = phone.post(url, data={"text": "Third"})
    assert over.status_code == 409 and "already sent 2 answers" in over.text
    blank = phone.post(url, data={"text": " "})
    assert blank.status_code in (409, 422)
    first = written(live_server.db, item)[0]
    gone = phone.post(url, data={"action": f"remove:{first.id}"})
    assert gone.headers["location"] == f"/w/{code}?notice=removed"
    assert [e.text for e in written(live_server.db, item)] == ["Patience"]


def test_hand_made_posts_and_other_seats(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    item = question(live_server.db, workshop_id, max_length=10)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    phone.post(f"/j/{code}", data={})
    long = phone.post(url, data={"text": "<i>too long</i>"})
    assert long.status_code == 422 and "10 characters or fewer (it has 15)" in long.text
    assert 'value="&lt;i&gt;too long&lt;/i&gt;"' in long.text and "<i>too" not in long.text
    empty = phone.post(url, data={"text": "\t"})
    assert empty.status_code == 422 and "Enter your answer" in empty.text
    assert phone.post(url, data={"action": "remove:"}).status_code == 422
    assert phone.post(url, data={"text": "ok", "action": "shout"}).status_code == 422
    assert phone.post(url, data={"text": "Mine"}).status_code == 303
    [mine] = written(live_server.db, item)
    with httpx.Client(base_url=live_server.url, timeout=10) as other:
        other.post(f"/j/{code}", data={})
        stolen = other.post(url, data={"action": f"remove:{mine.id}"}, follow_redirects=False)
        assert stolen.status_code == 409 and "only remove what you added yourself" in stolen.text
    assert [e.text for e in written(live_server.db, item)] == ["Mine"]


def test_results_show_once_revealed(live_server: LiveServer, phone: httpx.Client, workshop_id: int) -> None:
    item = question(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    phone.post(f"/j/{code}", data={})
    for text in ("Trust", "More trust"):
        phone.post(f"/w/{code}/items/{item.id}", data={"text": text})
    assert "What the room said" not in phone.get(f"/w/{code}").text
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    page = phone.get(f"/w/{code}").text
    assert "What the room said" in page and "<strong>Trust</strong>: 2" in page
    assert "All answers (2)" in page and "<li>More trust</li>" in page


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_naughty_strings_as_answers(live_server: LiveServer, workshop_id: int) -> None:
    item = question(live_server.db, workshop_id, max_answers_per_seat=20, max_length=280)
    code = join_code(live_server.db, workshop_id)
    corpus = BLNS
    stored: list[str] = []
    for start in range(0, len(corpus), 20):
        with httpx.Client(base_url=live_server.url, timeout=10) as phone:
            phone.post(f"/j/{code}", data={})
            accepted = []
            for text in corpus[start : start + 20]:
                reply = phone.post(f"/w/{code}/items/{item.id}", data={"text": text}, follow_redirects=False)
                assert reply.status_code in (303, 422), text
                if reply.status_code == 303:
                    accepted.append(text)
                else:
                    assert not text.strip(), text
                    assert "<script>alert" not in reply.text
            page = phone.get(f"/w/{code}").text
            assert "<script>alert" not in page
            assert all(str(escape(readable(text))) in page for text in accepted)
            stored += accepted
    assert [e.text for e in written(live_server.db, item)] == stored
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        shown = phone.get(f"/w/{code}")
    assert shown.status_code == 200 and "<script>alert" not in shown.text and "Words used most" in shown.text


# Browser -----------------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_browser_sends_and_removes_an_answer(live_server: LiveServer, workshop_id: int) -> None:
    question(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    with phone_page() as page:
        send_and_remove_in_browser(page, live_server.url, code)


def send_and_remove_in_browser(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(PROMPT)
    page.get_by_label(PROMPT).fill("Getting better")
    page.get_by_role("button", name="Send").click()
    expect(page.locator(".notice")).to_contain_text("Added.")
    expect(page.get_by_role("heading", name="Your answers (1 of 3)")).to_be_visible()
    expect(page.locator("ol li")).to_contain_text("Getting better")
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    inner, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
    page.get_by_role("button", name="Remove answer: Getting better").click()
    expect(page.locator(".notice")).to_contain_text("Removed.")
    expect(page.locator("ol li")).to_have_count(0)


# TUI ---------------------------------------------------------------------------------------------


def answer_from_elsewhere(db: Database, workshop_id: int, item: AgendaItem, *texts: str) -> None:
    other = open_database(db.url)  # a second handle stands in for the participant server
    try:
        me = seat(other, workshop_id)
        for text in texts:
            save(other, item, me, AddAnswer(text))
    finally:
        other.dispose()


@pytest.mark.tui
async def test_word_cloud_updates_as_answers_arrive(db: Database, workshop_id: int) -> None:
    item = question(db, workshop_id)
    seat(db, workshop_id)  # joined but silent
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(100, 36)) as pilot:
        await wait_for_text(pilot, app, "0 answers from 0 of 1 joined")
        assert "Word cloud: no words yet" in "\n".join(screen_lines(app))
        await asyncio.to_thread(answer_from_elsewhere, db, workshop_id, item, "Trust", "[red]slow[/red]")
        await asyncio.to_thread(answer_from_elsewhere, db, workshop_id, item, "trust, mostly")
        await wait_for_text(pilot, app, "3 answers from 2 of 3 joined")
        # Newest first; the layout may settle a frame after the text changes, so wait for the whole list.
        await wait_for_text(pilot, app, "• trust, mostly\n• [red]slow[/red]\n• Trust")
        text = "\n".join(screen_lines(app))
        assert "TRUST 2" in text and "slow 1" in text and "mostly 1" in text
        await app.action_quit()
