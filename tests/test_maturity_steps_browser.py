"""The maturity form in steps in Debian's Chromium at 320 and 375 px: resume after a closed tab, Back keeps
answers, no sideways scrolling, no serious axe-core violation, and the same steps with JavaScript off."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.helpers.axe import axe_violations
from tests.helpers.data import activity, get_row, join_code
from tests.helpers.maturity_steps import next_page, rate_every_step, rate_page
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop.activities.maturity import MatrixSummary, MaturityActivity, load_structure
from workshop.activities.maturity.focus import set_focus
from workshop.models import AgendaItem, row_id

MATURITY = activity("maturity", MaturityActivity)
SHOTS = Path("/tmp/shots")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]


def plan(server: LiveServer, workshop_id: int, value: str) -> dict[str, str]:
    with server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    return {structure.field_name(f, h): value for f in structure.factors for h in structure.horizons}


def summary(server: LiveServer, item: AgendaItem) -> MatrixSummary:
    with server.db.reading() as session:
        return MATURITY.summarise(session, get_row(session, AgendaItem, row_id(item)))


def join(page: Page, url: str, code: str) -> None:
    page.goto(f"{url}/j/{code}")
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{url}/w/{code}")


def expect_fits(page: Page) -> None:
    page.wait_for_load_state("load")  # measured before the stylesheet arrives, the page is another shape
    inner, scroll = page.evaluate("[innerWidth, document.scrollingElement.scrollWidth]")
    assert scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"


@pytest.mark.parametrize("width", [320, 375])
def test_steps_resume_after_a_closed_tab_and_back_keeps_answers(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, open_page: OpenPage, width: int
) -> None:
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=width, height=740)
    join(page, url, code)
    expect(page.locator("#progress-label")).to_have_text("Factor 1 of 9")
    expect(page.get_by_role("progressbar", name="Factor 1 of 9")).to_be_visible()
    expect_fits(page)
    assert axe_violations(page) == []
    if width == 320:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / "maturity-step-320.png"), full_page=True)

    answers = plan(live_server, workshop_id, "2")
    rate_page(page, answers)
    next_page(page)
    expect(page).to_have_url(f"{url}/w/{code}?step=2")
    rate_page(page, {k: "4" for k in answers})
    page.get_by_role("button", name="Back", exact=True).click()
    expect(page).to_have_url(f"{url}/w/{code}?step=1")
    assert page.locator("input[type=radio][value='2']:checked").count() == 3  # Back kept factor 1
    next_page(page)
    assert page.locator("input[type=radio][value='4']:checked").count() == 3  # and Back saved factor 2
    counted = summary(live_server, maturity_item)
    assert (counted.complete, counted.partial) == (0, 1)

    context = page.context
    page.close()  # the tab is closed mid-form; a new one in the same browser carries on at factor 3
    again = context.new_page()
    again.goto(f"{url}/w/{code}")
    expect(again.locator("#progress-label")).to_have_text("Factor 3 of 9")
    for number in range(3, 10):
        expect(again.locator("#progress-label")).to_have_text(f"Factor {number} of 9")
        rate_page(again, {k: "dk" for k in answers})
        next_page(again)
    expect(again).to_have_url(f"{url}/w/{code}?step=review")
    expect(again.get_by_role("heading", name="Check your answers")).to_be_visible()
    expect(again.locator(".review-list dd").first).to_have_text("2 Connecting")
    expect_fits(again)
    assert axe_violations(again) == []
    counted = summary(live_server, maturity_item)
    assert (counted.responses, counted.complete, counted.partial) == (1, 1, 0)

    again.get_by_role("link", name="Change your answers for Leadership and governance").click()
    expect(again).to_have_url(f"{url}/w/{code}?step=2")
    assert again.locator("input[type=radio][value='4']:checked").count() == 3


def test_first_page_height_in_screens(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, open_page: OpenPage
) -> None:
    """The first factor's page at 375×740, in screens (the one-page form was about 18)."""
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=375, height=740)
    join(page, url, code)
    page.wait_for_load_state("load")
    height = page.evaluate("document.scrollingElement.scrollHeight")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "maturity-height.txt").write_text(f"{height} px = {height / 740:.2f} screens\n", "utf-8")
    assert height / 740 < 4


def test_steps_work_without_javascript(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, browser: Browser
) -> None:
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    context = browser.new_context(viewport={"width": 320, "height": 640}, java_script_enabled=False)
    context.set_default_timeout(10_000)
    try:
        page = context.new_page()
        join(page, url, code)
        answers = plan(live_server, workshop_id, "3")
        rate_every_step(page, answers)
        expect_fits(page)
        page.get_by_role("link", name="Change your answers for Goals and values").click()
        page.get_by_role("button", name="Next", exact=True).click()
        expect(page.locator("#progress-label")).to_have_text("Factor 2 of 9")
        page.get_by_role("button", name="Back", exact=True).click()
        expect(page.locator("#progress-label")).to_have_text("Factor 1 of 9")
        assert page.locator("input[type=radio][value='3']:checked").count() == 3
    finally:
        context.close()
    counted = summary(live_server, maturity_item)
    assert (counted.responses, counted.complete, counted.partial) == (1, 1, 0)


def test_one_horizon_at_a_time_phones_follow_the_room_to_the_next_horizon(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem, open_page: OpenPage
) -> None:
    with live_server.db.writing() as session:
        item = get_row(session, AgendaItem, row_id(maturity_item))
        item.config = {**item.config, "settings": {"horizons": "one_at_a_time"}}
        session.add(item)
    url, code = live_server.url, join_code(live_server.db, workshop_id)
    page = open_page(width=375, height=740)
    join(page, url, code)
    expect(page.get_by_text("on this factor now", exact=False).first).to_be_visible()
    with live_server.db.writing() as session:
        set_focus(session, row_id(maturity_item), "1y")
    # No tap: the page's status check sees the room moved on and loads the new horizon (it polls every 3 s).
    expect(page.get_by_text("on this factor in one year", exact=False).first).to_be_visible(timeout=15_000)
    assert page.locator("input[type=radio][name$='-1y']").count() > 0
    assert page.locator("input[type=radio][name$='-now']").count() == 0
