"""The ranking kind: server-side limits, the tap-to-rank flow over HTTP and in Chromium, and the live view."""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import httpx
import pytest
from markupsafe import escape
from playwright.sync_api import expect
from pydantic import ValidationError
from sqlmodel import col, select

from tests.helpers.data import add_item, join_code, new_seat, save
from tests.helpers.ranking import CANDIDATES, RANKING, TITLE, ids, summary
from tests.helpers.tui import wait_for
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.base import AnswerRefused
from workshop.activities.ranking import Ballot, Proposal, RankingSettings
from workshop.db import Database, open_database
from workshop.models import AgendaItem, Entry, EntryStatus, RankingChoice, row_id
from workshop.store.entries import set_entry_status
from workshop.untrusted import readable


@pytest.fixture
def item(db: Database, workshop_id: int) -> AgendaItem:
    return add_item(db, workshop_id, "ranking", TITLE, {"candidates": CANDIDATES, "top_n": 3})


def choices(db: Database) -> list[int]:
    with db.reading() as session:
        return [r.entry_id for r in session.exec(select(RankingChoice).order_by(col(RankingChoice.position)))]


@pytest.mark.parametrize(
    "bad", [{"top_n": 0}, {"top_n": 21}, {"candidates": ["x" * 121]}, {"candidates": ["A", "a "]}, {"n": 1}]
)
def test_settings_limits(bad: dict[str, object]) -> None:
    with pytest.raises(ValidationError):
        RankingSettings.model_validate(bad)
    defaults = dict(candidates=[], top_n=3, allow_proposals=True, max_proposals_per_seat=2, principles={})
    assert RankingSettings().model_dump() == defaults


def test_options_and_a_new_ballot_replaces_the_old(db: Database, workshop_id: int, item: AgendaItem) -> None:
    with db.reading() as session:
        options = RANKING.structure(session, item).options
    assert [(o.text, o.status, o.seat_id) for o in options] == [(t, "approved", None) for t in CANDIDATES]
    known, seat = ids(db, item), new_seat(db, workshop_id)
    a, b, c, d = (known[t] for t in CANDIDATES)
    save(db, item, seat, Ballot((a, b, c)))
    save(db, item, seat, Ballot((d, c, a)))
    assert choices(db) == [d, c, a] and summary(db, item).responses == 1


def test_the_server_refuses_every_bad_ballot(db: Database, workshop_id: int, item: AgendaItem) -> None:
    known, seat = ids(db, item), new_seat(db, workshop_id)
    a, b, c, _ = (known[t] for t in CANDIDATES)
    save(db, item, seat, Proposal("Parent carers on the board"))
    pending = ids(db, item)["Parent carers on the board"]
    other = add_item(db, workshop_id, "ranking", "Elsewhere", {"candidates": ["Z"]}, start=False)
    cases = {(a, b): "Choose 3", (a, b, c, known["Family voice"]): "Choose 3", (a, a, b): "only once"}
    cases |= {(a, b, pending): "no longer available", (a, b, ids(db, other)["Z"]): "no longer available"}
    for ballot, message in [*cases.items(), (None, "Nothing to save")]:
        with pytest.raises(AnswerRefused, match=message):
            save(db, item, seat, ballot and Ballot(ballot))
    with db.writing() as session:
        store.close_item(session, row_id(item))
    with pytest.raises(store.ActivityClosed):
        save(db, item, seat, Ballot((a, b, c)))
    assert not choices(db)
    small = add_item(db, workshop_id, "ranking", "Two", {"candidates": ["A", "B"], "top_n": 5})
    save(db, small, seat, Ballot((ids(db, small)["B"], ids(db, small)["A"])))  # fewer than N: rank all
    empty = add_item(db, workshop_id, "ranking", "None yet", {})
    with pytest.raises(AnswerRefused, match="nothing to rank"):
        save(db, empty, seat, Ballot(()))


def test_proposals_wait_and_are_limited(db: Database, workshop_id: int, item: AgendaItem) -> None:
    seat, parents = new_seat(db, workshop_id), "  Parent carers on the board "
    save(db, item, seat, Proposal(parents))
    save(db, item, seat, Proposal("Youth panel"))
    for who, text, message in [
        (seat, "A third", "proposed 2"),
        (None, " ", "Enter"),
        (None, "x" * 121, "120"),
    ]:
        with pytest.raises(AnswerRefused, match=message):
            save(db, item, who or new_seat(db, workshop_id), Proposal(text))
    known = ids(db, item)
    with db.reading() as session:
        assert len(RANKING.structure(session, item).options) == 4  # proposals wait: not rankable yet
    result = summary(db, item)
    assert [p.text for p in result.pending] == [parents, "Youth panel"]  # exactly as typed
    assert not hasattr(result.pending[0], "seat_id")
    with db.writing() as session:
        set_entry_status(session, known["Youth panel"], EntryStatus.APPROVED)
    with db.reading() as session:  # approved proposals come after the template's options
        assert [o.text for o in RANKING.structure(session, item).options] == [*CANDIDATES, "Youth panel"]
    closed = add_item(db, workshop_id, "ranking", "Closed", {"candidates": ["A"], "allow_proposals": False})
    with pytest.raises(AnswerRefused, match="does not take proposals"):
        save(db, closed, seat, Proposal("Sneaked in"))


def test_summary_counts_borda_c_and_reports_ties(db: Database, workshop_id: int, item: AgendaItem) -> None:
    a, b, c, d = (ids(db, item)[t] for t in CANDIDATES)
    assert summary(db, item).headline == "No rankings yet"
    for ballot in ((a, b, c), (b, a, d)):
        save(db, item, new_seat(db, workshop_id), Ballot(ballot))
    result = summary(db, item)
    assert result.responses == 2 and "rule (c)" in result.method
    # n = 4, top 3: 3/2/1 points, the unranked option gets the leftover 0.
    rows = [(r.score, r.first_choices, r.place, r.tied) for r in result.results]
    assert [r.text for r in result.results] == CANDIDATES  # tied options keep the template's order
    assert rows == [(5, 1, 1, True), (5, 1, 1, True), (1, 0, 3, True), (1, 0, 3, True)]
    assert result.headline == "No winner — tie between Integrated front door and Shared outcomes framework"
    assert result.results[0].positions == (1, 1, 0)
    with db.writing() as session:  # a hidden option drops out of the ballots that ranked it
        set_entry_status(session, a, EntryStatus.HIDDEN)
    after = summary(db, item)
    assert after.headline == "Winner: Shared outcomes framework"
    assert {o.status for o in after.options} == {"approved", "hidden"}


def test_reset_keeps_the_template_options(db: Database, workshop_id: int, item: AgendaItem) -> None:
    seat, known = new_seat(db, workshop_id), ids(db, item)
    save(db, item, seat, Proposal("Youth panel"))
    save(db, item, seat, Ballot(tuple(known[t] for t in CANDIDATES[:3])))
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
    assert list(ids(db, item)) == CANDIDATES
    assert not choices(db) and summary(db, item).responses == 0


@dataclass
class Phone:
    """A joined phone on the live server, with the ranking item's address and option ids."""

    client: httpx.Client
    code: str
    known: dict[str, int]
    post_to: str

    def send(self, action: str, order: str = "", **more: str) -> httpx.Response:
        return self.client.post(self.post_to, data={"order": order, "action": action, **more})


@pytest.fixture
def phone(live_server: LiveServer, workshop_id: int, item: AgendaItem) -> Iterator[Phone]:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        yield Phone(client, code, ids(live_server.db, item), f"/w/{code}/items/{item.id}")


def order_on(page: str) -> list[str]:
    """The draft order the page shows, as option texts."""
    listed = re.search(r'<ol class="ranking-list".*?</ol>', page, re.S)
    return [html.unescape(t) for t in re.findall(r'"ranking-text">([^<]*)<', listed[0] if listed else "")]


def test_tap_to_rank_then_send(live_server: LiveServer, phone: Phone) -> None:
    code, known = phone.code, phone.known
    a, b, c, d = (known[t] for t in CANDIDATES)
    page = phone.client.get(f"/w/{code}").text
    assert 'aria-label="Add to my ranking: Integrated front door">Add to my ranking</button>' in page
    order = ""
    steps = [("add", a, [a]), ("add", b, [a, b]), ("add", c, [a, b, c]), ("up", c, [a, c, b])]
    steps += [("down", a, [c, a, b]), ("remove", a, [c, b]), ("add", d, [c, b, d])]
    for verb, target, want in steps:
        reply = phone.send(f"{verb}:{target}", order)
        assert reply.status_code == 200, reply.text
        order = ",".join(map(str, want))
        assert f'name="order" value="{order}"' in reply.text
        assert order_on(reply.text) == [next(t for t, i in known.items() if i == w) for w in want]
    assert 'Move <span class="visually-hidden">Shared outcomes framework </span>up' in reply.text
    assert not choices(live_server.db)  # drafting saves nothing
    full = phone.send(f"add:{a}", order)
    assert full.status_code == 422 and "remove one before adding another" in full.text
    sent = phone.send("submit", order)
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=saved")
    back = phone.client.get(sent.headers["location"]).text
    assert "Saved." in back and "This is the ranking you sent." in back
    assert order_on(back) == ["Joint workforce plan", "Shared outcomes framework", "Family voice"]
    assert choices(live_server.db) == [c, b, d]


def test_hand_made_posts_are_refused(live_server: LiveServer, phone: Phone, item: AgendaItem) -> None:
    a, b, c, _ = (phone.known[t] for t in CANDIDATES)
    cases = [("submit", f"{a},{b}", "Choose 3 priorities"), ("submit", f"{a},{a},{b}", "only once")]
    cases += [("submit", f"{a},{b},{n}", "no longer available") for n in ("99999", "<b>", "-1")]
    cases += [("add:99999", "", "no longer available"), ("up:1", "", "not in your ranking")]
    for action, order, message in [*cases, ("explode", "", "Choose an option to add")]:
        reply = phone.send(action, order)
        assert reply.status_code == 422 and message in reply.text and "There is a problem" in reply.text
    assert not choices(live_server.db)
    with live_server.db.writing() as session:
        store.close_item(session, row_id(item))
    late = phone.send("submit", f"{a},{b},{c}")
    assert late.status_code == 409 and not choices(live_server.db)


def test_a_proposal_is_rankable_once_approved(
    live_server: LiveServer, phone: Phone, item: AgendaItem
) -> None:
    code = phone.code
    sent = phone.send("propose", proposal="Youth panel")
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?notice=added")
    page = phone.client.get(sent.headers["location"]).text
    assert "Waiting for the facilitator" in page and "You can propose 1 more" in page
    youth = ids(live_server.db, item)["Youth panel"]
    assert f"add:{youth}" not in page
    assert phone.send(f"add:{youth}").status_code == 422
    with live_server.db.writing() as session:
        set_entry_status(session, youth, EntryStatus.APPROVED)
    page = phone.client.get(f"/w/{code}").text
    assert f"add:{youth}" in page and "Added to the options." in page
    assert phone.send(f"add:{youth}").status_code == 200
    phone.send("propose", proposal="Second")
    full = phone.client.get(f"/w/{code}").text
    assert "the most each person can" in full and 'id="proposal"' not in full


def test_results_once_revealed(live_server: LiveServer, phone: Phone, item: AgendaItem) -> None:
    ballot = Ballot(tuple(phone.known[t] for t in CANDIDATES[:3]))
    save(live_server.db, item, new_seat(live_server.db, item.workshop_id), ballot)
    assert "The room's ranking" not in phone.client.get(f"/w/{phone.code}").text
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    page = phone.client.get(f"/w/{phone.code}").text
    assert "The room's ranking" in page and "Winner: Integrated front door" in page
    assert (
        "options someone left unranked share what is left" in page and "Method: Borda count (rule c)" in page
    )
    with live_server.db.writing() as session:
        store.close_item(session, row_id(item))
    assert "Winner: Integrated front door" in phone.client.get(f"/w/{phone.code}").text  # and once closed


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_blns_through_the_proposal_box(live_server: LiveServer, workshop_id: int) -> None:
    settings = {"candidates": ["A"], "max_proposals_per_seat": 20}
    item = add_item(live_server.db, workshop_id, "ranking", "Naughty strings", settings)
    code = join_code(live_server.db, workshop_id)
    strings: list[str] = BLNS
    chunks = [strings[i : i + 20] for i in range(0, len(strings), 20)]

    def one_phone(chunk: list[str]) -> list[str]:  # a fresh seat proposes each; returns those accepted
        accepted = []
        with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=20) as client:
            client.post(f"/j/{code}", data={})
            for text in chunk:
                reply = client.post(
                    f"/w/{code}/items/{item.id}", data={"action": "propose", "proposal": text}
                )
                if text.strip() and len(text) <= 120:
                    assert reply.status_code == 303, (text, reply.status_code)
                    accepted.append(text)
                else:  # refused, and kept in the box as typed
                    assert reply.status_code == 422 and str(escape(readable(text))) in reply.text, text
            page = client.get(f"/w/{code}").text
        for text in accepted:
            assert str(escape(readable(text))) in page, text  # listed under "Your proposals", escaped
            assert "<" not in text or text not in page, text
        return accepted

    # Several phones at once, as in a room: the writer batches their commits.
    with ThreadPoolExecutor(max_workers=8) as pool:
        sent = list(pool.map(one_phone, chunks))
    by_seat: dict[int | None, list[str]] = {}
    with live_server.db.reading() as session:
        for entry in session.exec(select(Entry).where(Entry.item_id == row_id(item)).order_by(col(Entry.id))):
            by_seat.setdefault(entry.seat_id, []).append(entry.text)
    by_seat.pop(None)  # the template's option
    assert sorted(by_seat.values()) == sorted(chunk for chunk in sent if chunk)  # stored exactly as typed


@pytest.mark.tui
async def test_live_view_and_moderation_by_key(db: Database, workshop_id: int, item: AgendaItem) -> None:
    from textual.widgets import OptionList

    from screens.app import WorkshopApp
    from screens.views.ranking import WAITING, RankingView

    def screen_text() -> str:
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", app.export_screenshot())
        return html.unescape("".join(texts)).replace("\xa0", " ")

    def the_room() -> None:  # a second handle on the file: as if a server elsewhere wrote it all
        other, known = open_database(db.url), ids(db, item)
        answers = [Ballot(tuple(known[CANDIDATES[i]] for i in places)) for places in ((2, 1, 0), (2, 0, 1))]
        for answer in [*answers, Proposal("Youth [bold]panel[/bold]"), Proposal("Buy pizza")]:
            save(other, item, new_seat(other, workshop_id), answer)
        other.dispose()

    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(RankingView)))
        await wait_for(pilot, lambda: "Nobody has joined yet" in screen_text())
        await asyncio.to_thread(the_room)
        # Everything the room wrote has committed: wait for one snapshot that shows all of it.
        wanted = ["2 of 4 joined have ranked", "Winner: Joint workforce plan", f"{WAITING} · Buy pizza"]
        wanted.append(f"{WAITING} · Youth [bold]panel[/bold]")  # shown as typed, not as markup
        await wait_for(pilot, lambda: all(text in screen_text() for text in wanted))
        options = app.screen.query_one("#ranking-pending", OptionList)
        for _ in range(5):  # Tab from the agenda reaches the list of waiting proposals
            if app.focused is not options:
                await pilot.press("tab")
        assert app.focused is options
        app.screen.query_one("#agenda").focus()
        await pilot.pause()
        app.screen.query_one(RankingView).focus()  # what a "go to proposals" key would call
        await pilot.pause()
        assert app.focused is options
        await pilot.press("down", "x")
        await wait_for(pilot, lambda: len(summary(db, item).pending) == 1)
        await pilot.press("up", "a")
        await wait_for(pilot, lambda: summary(db, item).pending == ())
        statuses = {o.text: o.status for o in summary(db, item).options}
        assert statuses["Youth [bold]panel[/bold]"] == "approved" and statuses["Buy pizza"] == "hidden"
        await wait_for(pilot, lambda: "No proposals waiting for approval." in screen_text())
        assert "Youth [bold]panel[/bold]" in screen_text()  # now a rankable option, shown as typed
        await pilot.press("q")


# Last in the module: the module's browser keeps an event loop that must end before asyncio tests run.
@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_rank_by_tapping_on_a_phone(
    live_server: LiveServer, workshop_id: int, item: AgendaItem, open_page: OpenPage
) -> None:
    code, known = join_code(live_server.db, workshop_id), ids(live_server.db, item)
    page = open_page(width=320, height=640)
    page.goto(f"{live_server.url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    ranking = page.locator("ol.ranking-list .ranking-text")
    for n, text in enumerate(("Joint workforce plan", "Integrated front door", "Family voice"), 1):
        page.get_by_role("button", name=f"Add to my ranking: {text}").click()
        expect(page.get_by_role("heading", name=f"Your ranking: {n} of 3 chosen")).to_be_visible()
    expect(ranking).to_have_text(["Joint workforce plan", "Integrated front door", "Family voice"])
    page.get_by_role("button", name="Move Family voice up").click()
    expect(ranking).to_have_text(["Joint workforce plan", "Family voice", "Integrated front door"])
    page.get_by_role("button", name="Move Joint workforce plan down").click()
    expect(ranking).to_have_text(["Family voice", "Joint workforce plan", "Integrated front door"])
    page.get_by_role("button", name="Remove Family voice from my ranking").click()
    expect(ranking).to_have_text(["Joint workforce plan", "Integrated front door"])
    page.get_by_role("button", name="Add to my ranking: Shared outcomes framework").click()
    names = ["Joint workforce plan", "Integrated front door", "Shared outcomes framework"]
    expect(ranking).to_have_text(names)
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # no sideways scrolling
    for button in page.get_by_role("button").all():
        box = button.bounding_box()
        assert box is not None and box["height"] >= 24 and box["width"] >= 24
    page.get_by_role("button", name="Send my ranking").click()
    expect(page.get_by_role("status")).to_contain_text("Saved.")
    expect(page.get_by_text("This is the ranking you sent.")).to_be_visible()
    expect(ranking).to_have_text(names)
    assert choices(live_server.db) == [known[t] for t in names]
