"""Answering the maturity form in steps in a browser: one factor a page, Next, then the review."""

from __future__ import annotations

from collections.abc import Mapping

from playwright.sync_api import Page, expect


def radio_names(page: Page) -> list[str]:
    """The rating fields on the page, in page order."""
    names: list[str] = page.evaluate(
        "[...new Set([...document.querySelectorAll('input[type=radio]')].map(r => r.name))]"
    )
    return names


def rate_page(page: Page, answers: Mapping[str, str]) -> None:
    """Tap the answer's label for each rating on this page that ``answers`` has, as a participant would."""
    for name in radio_names(page):
        if name in answers:
            page.locator(f"label[for='{name}-{answers[name]}']").click()
            expect(page.locator(f"#{name}-{answers[name]}")).to_be_checked()


def next_page(page: Page) -> None:
    """Press the step's first button: Next (on the last factor, Next: check your answers)."""
    page.locator("button[name=go][value=next]").click()


def rate_every_step(page: Page, answers: Mapping[str, str], factors: int = 9) -> None:
    """From factor 1, rate each page from ``answers`` and press Next, until the review shows."""
    for number in range(1, factors + 1):
        expect(page.locator("#progress-label")).to_have_text(f"Factor {number} of {factors}")
        rate_page(page, answers)
        next_page(page)
    expect(page.get_by_role("heading", name="Check your answers")).to_be_visible()
