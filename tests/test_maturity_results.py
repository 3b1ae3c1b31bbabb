"""Maturity results on phones: hidden until the facilitator reveals them, then medians, agreement in words and
counts per level, all as text, on the saved, form and closed pages. Real votes over real HTTP."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import ExitStack

import httpx
import pytest

from tests.helpers.data import get_row, join_code
from tests.helpers.web import LiveServer
from workshop import store
from workshop.activities import KINDS
from workshop.models import AgendaItem, row_id

TITLE = "How the room rated"
# Four phones' ratings for the first two factors by horizon; every other rating is "don't know".
VOTES = {
    ("goals-and-values", "now"): ["2", "3", "3", "3"],
    ("goals-and-values", "1y"): ["2", "2", "3", "3"],
    ("goals-and-values", "2y"): ["1", "1", "5", "5"],
    ("leadership-and-governance", "now"): ["2", "3", "3", "5"],
    ("leadership-and-governance", "1y"): ["4", "dk", "dk", "dk"],
}
# What the room should read for those, in page order.
EXPECTED = [
    "Goals and values "
    "Now 3 Coordinating · strong agreement 1: 0 · 2: 1 · 3: 3 · 4: 0 · 5: 0 · don't know: 0 "
    "In one year 2½, between Connecting and Coordinating · strong agreement "
    "1: 0 · 2: 2 · 3: 2 · 4: 0 · 5: 0 · don't know: 0 "
    "In two years 3 Coordinating · split 1: 2 · 2: 0 · 3: 0 · 4: 0 · 5: 2 · don't know: 0 ",
    "Leadership and governance "
    "Now 3 Coordinating · some agreement 1: 0 · 2: 1 · 3: 2 · 4: 0 · 5: 1 · don't know: 0 "
    "In one year 4 Collaborating · too few ratings 1: 0 · 2: 0 · 3: 0 · 4: 1 · 5: 0 · don't know: 3 "
    "In two years No level chosen · too few ratings 1: 0 · 2: 0 · 3: 0 · 4: 0 · 5: 0 · don't know: 4",
]


def text_of(page: str) -> str:
    """The page as a reader hears it: tags dropped, entities decoded, white space collapsed."""
    plain = html.unescape(re.sub(r"<[^>]+>", " ", page))
    return re.sub(r"\s+", " ", plain).strip()


def results_text(page: str) -> str:
    """The text of the results section alone."""
    found = re.search(r'<section class="results"[^>]*>.*</section>', page, re.S)
    assert found, "the page has no results section"
    return text_of(found.group(0))


@pytest.fixture
def phones(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem
) -> Iterator[list[httpx.Client]]:
    """Four joined phones that have each sent their whole matrix."""
    code = join_code(live_server.db, workshop_id)
    with live_server.db.reading() as session:
        shape = KINDS["maturity"].structure(session, get_row(session, AgendaItem, row_id(maturity_item)))
    with ExitStack() as stack:
        clients = [
            stack.enter_context(httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10))
            for _ in range(4)
        ]
        for index, client in enumerate(clients):
            assert client.post(f"/j/{code}", data={}).status_code == 303
            form = {
                shape.field_name(f, h): VOTES.get((f.key, h.key), ["dk"] * 4)[index]
                for f in shape.factors
                for h in shape.horizons
            }
            sent = client.post(f"/w/{code}/items/{maturity_item.id}", data=form)
            assert sent.status_code == 303, sent.text
            assert sent.headers["location"] == f"/w/{code}/items/{maturity_item.id}/saved"
        yield clients


def test_results_only_after_reveal_on_saved_and_closed_pages(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, phones: list[httpx.Client]
) -> None:
    db = live_server.db
    code = join_code(db, workshop_id)
    saved = f"/w/{code}/items/{maturity_item.id}/saved"
    phone = phones[0]
    for path in (f"/w/{code}", saved):
        page = phone.get(path)
        assert page.status_code == 200 and TITLE not in page.text and "strong agreement" not in page.text

    with db.writing() as session:
        store.set_revealed(session, row_id(maturity_item), True)
    page = phone.get(saved)
    assert page.status_code == 200 and "Your answers are saved" in page.text
    shown = results_text(page.text)
    assert shown.startswith(f"{TITLE} 4 people answered.")
    for block in EXPECTED:
        assert block in shown, block
    # The other factors were all "don't know": named, with no level and no agreement claimed.
    with db.reading() as session:
        shape = KINDS["maturity"].structure(session, get_row(session, AgendaItem, row_id(maturity_item)))
    pairs = len(shape.factors) * len(shape.horizons)
    assert shown.count("No level chosen · too few ratings") == pairs - len(VOTES)
    assert all(f.name in shown for f in shape.factors)

    with db.writing() as session:
        store.close_item(session, row_id(maturity_item))
    closed = phone.get(f"/w/{code}")
    assert closed.status_code == 200 and 'data-state="closed"' in closed.text
    assert results_text(closed.text) == shown
    late = phones[1].post(f"/w/{code}/items/{maturity_item.id}", data={})
    assert late.status_code == 409 and results_text(late.text) == shown

    with db.writing() as session:
        store.set_revealed(session, row_id(maturity_item), False)
    assert TITLE not in phone.get(f"/w/{code}").text


def test_results_on_the_form_page_after_reveal(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, phones: list[httpx.Client]
) -> None:
    code = join_code(live_server.db, workshop_id)
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(maturity_item), True)
    page = phones[0].get(f"/w/{code}")
    assert page.status_code == 200 and "Check your answers" in page.text  # all sent: the review page
    shown = results_text(page.text)
    assert all(block in shown for block in EXPECTED)


def test_no_answers_yet(live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem) -> None:
    code = join_code(live_server.db, workshop_id)
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(maturity_item), True)
        store.close_item(session, row_id(maturity_item))
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        assert results_text(phone.get(f"/w/{code}").text) == f"{TITLE} No one has answered yet."
