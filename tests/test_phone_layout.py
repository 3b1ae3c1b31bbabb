"""No participant text, however long and unbroken, makes a phone page wider than the phone.

Playwright's phone contexts (is_mobile) widen the layout viewport to fit a page that overflows, so
window.innerWidth grows with the page: every check compares against the phone's own width as well.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.helpers.data import add_item, join_code
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop import store
from workshop.models import AgendaItem, Entry, row_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]

LONG = "Collaborativeintegratedpartnershipworkingforchildrenfamilies"
assert len(LONG) == 60 and " " not in LONG  # the longest name a value may have


def assert_fits(page: Page, width: int, where: str) -> None:
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    scroll, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert scroll <= inner and inner <= width and scroll <= width, (where, scroll, inner, width)


def join(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{url}/w/{code}")


@pytest.mark.parametrize(
    ("width", "settings"),
    [
        (320, {}),  # one dot per proposal: checkboxes
        (375, {}),
        (320, {"max_per_entry": 2}),  # radios, with the proposal as the legend
        (320, {"dots_per_seat": 10, "max_per_entry": 10}),  # a number box, with the proposal as its label
    ],
    ids=["checkbox-320", "checkbox-375", "radios-320", "number-320"],
)
def test_a_long_unbroken_value_name_wraps(
    live_server: LiveServer, workshop_id: int, open_page: OpenPage, width: int, settings: dict[str, int]
) -> None:
    db, url = live_server.db, live_server.url
    values = add_item(db, workshop_id, "values", "Values", key="vals")
    code = join_code(db, workshop_id)
    page = open_page(width=width, height=700)
    join(page, url, code)

    page.get_by_label("Name of the value").fill(LONG)
    page.get_by_label("What it means").fill(f"We {LONG} {LONG}.")
    page.get_by_role("button", name="Propose this value").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Added.")
    page.get_by_label(LONG).check()
    page.get_by_label("We will", exact=True).check()
    page.get_by_label("The behaviour").fill(LONG[::-1])
    page.get_by_role("button", name="Add this behaviour").click()
    expect(page.locator(".notice[role=status]")).to_contain_text("Added.")
    assert_fits(page, width, "values form, own proposals")

    with db.writing() as session:
        store.set_entries_shown(session, row_id(values), True)
    page.reload()
    expect(page.get_by_role("heading", name="Everyone's proposals")).to_be_visible()
    expect(page.get_by_role("heading", level=3, name=LONG)).to_be_visible()
    assert_fits(page, width, "values form, proposals shown")

    dots = add_item(db, workshop_id, "dots", "Vote", {"source": "vals", **settings})
    with db.reading() as session:
        entry = session.exec(select(Entry).where(Entry.item_id == values.id, Entry.text == LONG)).one()
    page.goto(f"{url}/w/{code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Vote")
    expect(page.locator("main form")).to_contain_text(LONG)
    assert_fits(page, width, "dots form")
    if not settings:
        page.get_by_label(LONG).check()
    elif settings["max_per_entry"] == 2:
        page.locator(f"label[for='dots-{entry.id}-1']").click()
    else:
        page.locator(f"#dots-{entry.id}").fill("1")
    page.get_by_role("button", name="Send my dots").click()
    expect(page).to_have_url(f"{url}/w/{code}/items/{dots.id}/saved")
    assert_fits(page, width, "dots saved")

    with db.writing() as session:
        store.set_revealed(session, row_id(dots), True)
    page.reload()
    expect(page.locator(".results")).to_contain_text(LONG)
    assert_fits(page, width, "dots saved, results shown")
    page.goto(f"{url}/w/{code}")
    expect(page.locator(".results")).to_contain_text(LONG)
    assert_fits(page, width, "dots form, results shown")

    with db.writing() as session:
        store.close_item(session, row_id(dots))
    page.goto(f"{url}/w/{code}")
    expect(page.locator("body")).to_have_attribute("data-state", "closed")
    expect(page.locator(".results")).to_contain_text(LONG)
    assert_fits(page, width, "dots closed, results shown")


@pytest.mark.parametrize("width", [320, 375])
def test_maturity_results_fit_a_phone(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, open_page: OpenPage, width: int
) -> None:
    db, url = live_server.db, live_server.url
    code = join_code(db, workshop_id)
    page = open_page(width=width, height=700)
    join(page, url, code)
    for _factor in range(9):  # the form is in steps: one factor a page, saved on Next
        for radio in page.locator("input[type=radio][value='3']").all():
            page.locator(f"label[for='{radio.get_attribute('id')}']").click()
        page.locator("button[name=go][value=next]").click()
    expect(page).to_have_url(f"{url}/w/{code}?step=review")

    with db.writing() as session:
        store.set_revealed(session, row_id(maturity_item), True)
    page.reload()
    results = page.locator(".results")
    expect(results.get_by_role("heading", name="How the room rated")).to_be_visible()
    expect(results).to_contain_text("1 person answered.")
    expect(results.locator("dd").first).to_contain_text("3 Coordinating · too few ratings")
    assert_fits(page, width, "maturity saved, results shown")

    with db.writing() as session:
        store.close_item(session, row_id(maturity_item))
    page.goto(f"{url}/w/{code}")
    expect(page.locator(".results")).to_contain_text("1: 0 · 2: 0 · 3: 1 · 4: 0 · 5: 0 · don't know: 0")
    assert_fits(page, width, "maturity closed, results shown")
