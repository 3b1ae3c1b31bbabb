"""Drives Debian's Chromium on a phone-sized screen through joining, answering, changing and fixing errors."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlmodel import select

from tests.helpers.data import activity, get_row
from tests.helpers.maturity_steps import next_page, rate_every_step
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop import store
from workshop.activities.maturity import MatrixSummary, MaturityActivity
from workshop.models import AgendaItem, Seat, row_id

MATURITY = activity("maturity", MaturityActivity)
SCREENSHOTS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
# Cycled over the ratings: every level and several Don't knows.
CHOICES = ("1", "2", "dk", "3", "4", "5", "dk")

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]


@dataclass
class Site:
    """A running server with a workshop whose maturity matrix is open."""

    server: LiveServer
    workshop_id: int
    item: AgendaItem
    code: str
    fields: list[str]  # every rating's field name, in page order

    @property
    def url(self) -> str:
        return self.server.url

    def summary(self) -> MatrixSummary:
        with self.server.db.reading() as session:
            return MATURITY.summarise(session, get_row(session, AgendaItem, row_id(self.item)))

    def seats(self) -> list[Seat]:
        with self.server.db.reading() as session:
            return list(session.exec(select(Seat).where(Seat.workshop_id == self.workshop_id)).all())


@pytest.fixture
def site(live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem) -> Site:
    with live_server.db.reading() as session:
        code = store.get_workshop(session, workshop_id).join_code
        structure = MATURITY.structure(session, get_row(session, AgendaItem, row_id(maturity_item)))
        fields = [structure.field_name(f, h) for f in structure.factors for h in structure.horizons]
    return Site(live_server, workshop_id, maturity_item, code, fields)


def plan_for(fields: list[str]) -> dict[str, str]:
    return {name: CHOICES[i % len(CHOICES)] for i, name in enumerate(fields)}


def join(page: Page, site: Site, organisation: str | None = None, role: str | None = None) -> None:
    page.goto(f"{site.url}/j/{site.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the workshop")
    expect(page.locator("#organisation-none")).to_be_checked()
    expect(page.locator("#role_level-none")).to_be_checked()
    for label in (organisation, role):
        if label:
            page.locator("label").get_by_text(label, exact=True).click()
    page.get_by_role("button", name="Join").click()
    expect(page).to_have_url(f"{site.url}/w/{site.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(site.item.title)


def pick(page: Page, answers: dict[str, str]) -> None:
    """Tap each answer's label, as a participant would."""
    for name, value in answers.items():
        page.locator(f"label[for='{name}-{value}']").click()
        expect(page.locator(f"#{name}-{value}")).to_be_checked()


def expect_review(page: Page, site: Site) -> None:
    expect(page).to_have_url(f"{site.url}/w/{site.code}?step=review")
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()


def expect_counts(result: MatrixSummary, answers: dict[str, str]) -> None:
    """The summary holds exactly one answer per rating: the one in ``answers``."""
    assert result.responses == 1
    levels = len(result.structure.levels)
    for factor in result.factors:
        for horizon, distribution in factor.by_horizon.items():
            chosen = answers[f"r-{factor.factor.key}-{horizon}"]
            want = tuple(int(chosen == str(v)) for v in range(1, levels + 1))
            got = (distribution.counts, distribution.dont_know)
            assert got == (want, int(chosen == "dk")), (factor.factor.key, horizon)


def test_join_and_answer_everything(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    join(page, site, organisation="NHS trust", role="Front line")
    assert page.locator("input[type=radio]:checked").count() == 0
    answers = plan_for(site.fields)
    rate_every_step(page, answers)
    expect_review(page, site)
    expect(page.get_by_role("link", name="Change your answers for Goals and values")).to_be_visible()

    expect_counts(site.summary(), answers)
    [seat] = site.seats()
    with site.server.db.reading() as session:
        organisations = {o.name: o.id for o in store.organisations(session, site.workshop_id)}
        role_levels = {r.name: r.id for r in store.role_levels(session, site.workshop_id)}
    assert seat.organisation_id == organisations["NHS trust"]
    assert seat.role_level_id == role_levels["Front line"]
    expect(page.locator(".site-footer")).to_contain_text(seat.code)


def test_change_answers(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    join(page, site)
    answers = plan_for(site.fields)
    rate_every_step(page, answers)
    expect_review(page, site)

    page.get_by_role("link", name="Change your answers for Goals and values").click()
    expect(page).to_have_url(f"{site.url}/w/{site.code}?step=1")
    for name in site.fields[:3]:
        expect(page.locator(f"#{name}-{answers[name]}")).to_be_checked()
    assert page.locator("input[type=radio]:checked").count() == 3

    changed = site.fields[0]
    answers[changed] = "5" if answers[changed] != "5" else "dk"
    pick(page, {changed: answers[changed]})
    next_page(page)
    expect(page).to_have_url(f"{site.url}/w/{site.code}?step=2")
    expect_counts(site.summary(), answers)
    assert len(site.seats()) == 1


def test_skipped_answers_are_kept_and_shown_on_the_review(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    join(page, site)
    picked = {site.fields[0]: "3", site.fields[4]: "dk", site.fields[-1]: "5"}
    rate_every_step(page, picked)
    expect_review(page, site)
    expect(page.locator(".notice")).to_contain_text("Some factors still have a time to rate")
    expect(page.locator(".review-list dd", has_text="Not rated yet")).to_have_count(len(site.fields) - 3)
    result = site.summary()
    assert (result.responses, result.complete, result.partial) == (1, 0, 1)
    page.goto(f"{site.url}/w/{site.code}")  # opened again: back on the first factor with a gap
    expect(page.locator("#progress-label")).to_have_text("Factor 1 of 9")
    expect(page.locator(f"#{site.fields[0]}-3")).to_be_checked()
    assert len(site.seats()) == 1


def test_a_forged_level_is_explained(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    join(page, site)
    page.evaluate("document.querySelector('input[type=radio]').value = '9'")
    page.locator(f"label[for='{site.fields[0]}-1']").click()
    page.locator(f"label[for='{site.fields[1]}-2']").click()
    next_page(page)
    box = page.locator(".error-summary")
    expect(box).to_contain_text("Choose one of the levels shown for Goals and values, now")
    expect(page).to_have_title(f"Error: {site.item.title}")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'error-summary'")
    expect(page.locator("#progress-label")).to_have_text("Factor 1 of 9")
    expect(page.locator(f"#{site.fields[1]}-2")).to_be_checked()  # what was sent comes back
    assert site.summary().responses == 0


def expect_fits_320(page: Page) -> None:
    """No sideways scrolling, targets of at least 24 by 24 CSS pixels, and a label for every input."""
    page.wait_for_load_state("load")  # measured before the stylesheet arrives, every label looks tiny
    inner, scroll = page.evaluate("[window.innerWidth, document.documentElement.scrollWidth]")
    assert inner == 320 and scroll <= inner, f"the page is {scroll} px wide in a {inner} px window"
    page.wait_for_load_state("load")  # measure once the stylesheet is in
    small = page.evaluate("""() => [...document.querySelectorAll('.radio label, button, .button')]
        .map(el => [el.textContent.trim(), el.getBoundingClientRect()])
        .filter(([, box]) => box.width < 24 || box.height < 24)
        .map(([text, box]) => `${text}: ${box.width}x${box.height}`)""")
    assert small == []
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), select')]
        .filter(el => el.labels.length === 0).map(el => el.id || el.name)""")
    assert unlabelled == []


def test_small_phone_320px(site: Site, open_page: OpenPage) -> None:
    page = open_page(width=320, height=640)
    page.goto(f"{site.url}/j/{site.code}")
    expect(page.locator(".radio label")).to_have_count(14)  # 8 organisations, 4 roles, 2 Prefer not to say
    expect_fits_320(page)
    page.get_by_role("button", name="Join").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(site.item.title)
    expect(page.locator(".radio label")).to_have_count(3 * 6)  # one factor a page, at three horizons
    expect_fits_320(page)
    page.evaluate("document.querySelectorAll('input[type=radio]').forEach(r => { r.value = '9'; })")
    for name in site.fields[:3]:
        page.locator(f"label[for='{name}-1']").click()
    next_page(page)  # the page with every rating in error must fit too
    expect(page.locator(".error-summary")).to_be_visible()
    expect_fits_320(page)


def test_reload_keeps_seat_and_lost_cookie_rejoins(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    join(page, site, organisation="Police")
    [seat] = site.seats()
    page.reload()
    expect(page).to_have_url(f"{site.url}/w/{site.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text(site.item.title)
    expect(page.locator(".site-footer")).to_contain_text(seat.code)
    page.goto(f"{site.url}/j/{site.code}")  # the join link again: straight back to the form
    expect(page).to_have_url(f"{site.url}/w/{site.code}")
    assert [s.id for s in site.seats()] == [seat.id]

    other = open_page()  # a phone that lost its cookie
    other.goto(f"{site.url}/w/{site.code}")
    expect(other).to_have_url(f"{site.url}/j/{site.code}")
    expect(other.get_by_role("heading", level=1)).to_have_text("Join the workshop")
    expect(other.get_by_role("button", name="Join")).to_be_visible()
    assert [s.id for s in site.seats()] == [seat.id]


def test_start_page_code(site: Site, open_page: OpenPage) -> None:
    page = open_page()
    page.goto(f"{site.url}/")
    page.get_by_label("Workshop code").fill(f" {site.code[:3].lower()} {site.code[3:].lower()} ")
    page.get_by_role("button", name="Continue").click()
    expect(page).to_have_url(f"{site.url}/j/{site.code}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Join the workshop")

    wrong = "ZZZZZZ" if site.code != "ZZZZZZ" else "YYYYYY"
    page.goto(f"{site.url}/")
    page.get_by_label("Workshop code").fill(wrong)
    page.get_by_role("button", name="Continue").click()
    message = f"No workshop has the code {wrong}. Check the code on the screen and try again"
    expect(page.locator("#code-error")).to_have_text(f"Error: {message}")
    expect(page.locator(".error-summary")).to_contain_text(message)
    expect(page.get_by_label("Workshop code")).to_have_value(wrong)
    expect(page).to_have_title("Error: Join a workshop")


@pytest.mark.skipif(
    os.environ.get("WORKSHOP_SCREENSHOTS") != "1",
    reason="set WORKSHOP_SCREENSHOTS=1 to refresh the README screenshots",
)
def test_readme_screenshots(site: Site, open_page: OpenPage) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page = open_page()
    join(page, site)
    page.screenshot(path=str(SCREENSHOTS / "phone-form.png"), full_page=False)
    rate_every_step(page, plan_for(site.fields))
    expect_review(page, site)
    page.screenshot(path=str(SCREENSHOTS / "phone-saved.png"), full_page=False)
