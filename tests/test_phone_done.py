"""A phone with nothing left to answer says so in words: "you're done, you can put your phone down", near the
top of the saved page and of the maturity form's complete review; the page then moves on by itself, as the
words promise, and a phone without JavaScript is given the link it needs instead."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.helpers.axe import axe_violations
from tests.helpers.data import add_item, first_of_each_kind, join_code, start
from tests.helpers.html_tree import Node, parse
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop import store
from workshop.activities.maturity import load_structure
from workshop.models import AgendaItem, EntryStatus, row_id
from workshop.store.entries import add_entry
from workshop.usecases.control import ItemAction, apply_item_action

DONE = "You’re done for now. You can put your phone down."
MOVES_ON = "Keep this page open: it moves on by itself when the facilitator starts the next activity."
FINISHED = "The workshop has finished. Thank you for taking part: you can close this page."


@pytest.fixture
def phone(live_server: LiveServer, workshop_id: int) -> Iterator[httpx.Client]:
    """A phone that has joined the workshop."""
    with httpx.Client(base_url=live_server.url, timeout=10) as client:
        assert client.post(f"/j/{join_code(live_server.db, workshop_id)}", data={}).status_code == 303
        yield client


def _started(live_server: LiveServer, workshop_id: int, kind: str) -> AgendaItem:
    with live_server.db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        store.start_item(session, row_id(item))
        return item


def _main(page: str) -> Node:
    main = next((node for node in parse(page).iter("main")), None)
    assert main is not None, "the page has no <main>"
    return main


def _said(node: Node) -> str:
    return " ".join(node.text().split())


def _dot_vote(live_server: LiveServer, workshop_id: int) -> tuple[AgendaItem, int]:
    """The shipped dot vote, started, with one value to put a dot on (the kind whose phones end on the
    saved page); returns it and the value's id."""
    items = first_of_each_kind(live_server.db, workshop_id)
    with live_server.db.writing() as session:
        entry = add_entry(session, items["values"], None, "Trust", status=EntryStatus.APPROVED)
        value = row_id(entry)
    start(live_server.db, items["dots"])
    return items["dots"], value


def _vote(phone: httpx.Client, code: str, item: AgendaItem, value: int) -> httpx.Response:
    sent = phone.post(f"/w/{code}/items/{item.id}", data={f"dots-{value}": "1"}, follow_redirects=False)
    assert sent.status_code == 303 and sent.headers["location"].endswith("/saved"), sent.text
    return phone.get(sent.headers["location"])


def test_saved_page_says_done_near_the_top_in_words(
    live_server: LiveServer, workshop_id: int, phone: httpx.Client
) -> None:
    code = join_code(live_server.db, workshop_id)
    saved = _vote(phone, code, *_dot_vote(live_server, workshop_id))
    assert saved.status_code == 200
    main = _main(saved.text)
    text = _said(main)
    assert DONE in text and MOVES_ON in text
    # Near the top: in the status panel under the heading, before the way back to the form.
    panel = next(node for node in main.iter("div") if node.attrs.get("role") == "status")
    assert DONE in _said(panel)
    assert text.index(DONE) < text.index("Change my answers")
    # Without JavaScript nothing moves the page: those phones get the link in words instead.
    noscript = main.find("noscript")
    assert noscript is not None and "cannot move on by itself" in _said(noscript)
    link = noscript.find("a")
    assert link is not None and link.attrs["href"] == f"/w/{code}"


def test_saved_page_after_the_last_activity_says_goodbye_not_wait(
    live_server: LiveServer, workshop_id: int, phone: httpx.Client
) -> None:
    code = join_code(live_server.db, workshop_id)
    _, value = _dot_vote(live_server, workshop_id)
    last = add_item(live_server.db, workshop_id, "dots", "Last vote", {"source": "values"})
    _vote(phone, code, last, value)
    with live_server.db.writing() as session:
        apply_item_action(session, row_id(last), ItemAction.CLOSE)
    text = _said(_main(phone.get(f"/w/{code}/items/{last.id}/saved").text))
    assert FINISHED in text
    assert "put your phone down" not in text and "moves on" not in text


def test_maturity_review_says_done_only_once_every_factor_is_rated(
    live_server: LiveServer, workshop_id: int, phone: httpx.Client
) -> None:
    code = join_code(live_server.db, workshop_id)
    item = _started(live_server, workshop_id, "maturity")
    with live_server.db.reading() as session:
        matrix = load_structure(session, workshop_id)
    url = f"/w/{code}/items/{item.id}"

    def rate(number: int) -> None:
        factor = matrix.factors[number - 1]
        form = {"step": str(number), "go": "next", f"c-{factor.key}": ""}
        form |= {matrix.field_name(factor, horizon): "3" for horizon in matrix.horizons}
        assert phone.post(url, data=form).status_code == 303

    rate(1)
    part_way = _said(_main(phone.get(f"/w/{code}?step=review").text))
    assert "Check your answers" in part_way and "Not rated yet" in part_way
    assert DONE not in part_way  # factors left to rate: not done
    for number in range(2, len(matrix.factors) + 1):
        rate(number)
    review = _said(_main(phone.get(f"/w/{code}").text))
    assert "Check your answers" in review and DONE in review and MOVES_ON in review
    assert review.index(DONE) < review.index(f"1. {matrix.factors[0].name}")  # above the answers


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium")
def test_saved_page_passes_axe_and_moves_on_by_itself(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage
) -> None:
    _dot_vote(live_server, workshop_id)
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=375, height=740)
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    page.get_by_label("Trust").check()
    page.locator("main form[method=post] [type=submit]").first.click()
    expect(page.get_by_role("heading", name="Your answers are saved")).to_be_visible()
    expect(page.locator("#done")).to_have_text(f"{DONE} {MOVES_ON}")
    expect(page.get_by_text("cannot move on by itself")).to_have_count(0)  # the script runs here
    page.wait_for_load_state("load")
    assert axe_violations(page) == []
    # What the words promise: the facilitator moves on, and the page follows without a tap.
    with live_server.db.writing() as session:
        store.next_item(session, workshop_id)
    expect(page.get_by_role("heading", name="Your answers are saved")).to_have_count(0, timeout=15_000)
    expect(page).to_have_url(f"{url}/w/{code}")
