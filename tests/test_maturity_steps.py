"""The maturity phone form in steps over real HTTP: one factor a page, each step saved, resume, review,
the one-horizon-at-a-time setting, partial responses in the count and the results, and every refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from markupsafe import escape
from sqlmodel import func, select

from tests.helpers.data import activity, get_row
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store
from workshop.activities.maturity import MatrixStructure, MatrixSummary, MaturityActivity, load_structure
from workshop.activities.maturity.focus import set_focus
from workshop.activities.maturity.results import maturity_results
from workshop.blocks import Paragraph
from workshop.models import AgendaItem, MaturityComment, MaturityRating, Response, row_id
from workshop.templates import TemplateError, load_template
from workshop.untrusted import readable

MATURITY = activity("maturity", MaturityActivity)
SHIPPED = Path(__file__).resolve().parent.parent / "data" / "templates" / "cyp-integration.toml"


@pytest.fixture
def code(live_server: LiveServer, workshop_id: int) -> str:
    with live_server.db.reading() as session:
        return store.get_workshop(session, workshop_id).join_code


@pytest.fixture
def phone(live_server: LiveServer, code: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        yield client


@pytest.fixture
def matrix(live_server: LiveServer, workshop_id: int) -> MatrixStructure:
    with live_server.db.reading() as session:
        return load_structure(session, workshop_id)


def step_form(matrix: MatrixStructure, number: int, value: str | None, go: str = "next") -> dict[str, str]:
    """Factor ``number``'s page as a phone sends it: every horizon ``value`` (None: none chosen)."""
    factor = matrix.factors[number - 1]
    form = {"step": str(number), "go": go, f"c-{factor.key}": ""}
    if value is not None:
        form |= {matrix.field_name(factor, h): value for h in matrix.horizons}
    return form


def summary(live_server: LiveServer, item: AgendaItem) -> MatrixSummary:
    with live_server.db.reading() as session:
        return MATURITY.summarise(session, get_row(session, AgendaItem, row_id(item)))


def ratings(live_server: LiveServer) -> int:
    with live_server.db.reading() as session:
        return session.exec(select(func.count()).select_from(MaturityRating)).one()


def test_each_step_is_saved_and_a_closed_tab_resumes_at_the_first_gap(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    first = phone.get(f"/w/{code}")
    assert first.status_code == 200
    assert "Factor 1 of 9" in first.text and '<progress class="progress" max="9" value="1"' in first.text
    # One factor: three horizons of five levels and don't know.
    assert first.text.count('type="radio"') == 3 * 6
    assert matrix.factors[0].descriptors[4] in first.text  # the level descriptors are on the page
    assert 'value="back"' not in first.text  # no Back on the first factor

    url = f"/w/{code}/items/{maturity_item.id}"
    sent = phone.post(url, data=step_form(matrix, 1, "2"))
    assert (sent.status_code, sent.headers["location"]) == (303, f"/w/{code}?step=2")
    assert ratings(live_server) == 3
    counted = summary(live_server, maturity_item)
    assert (counted.responses, counted.complete, counted.partial) == (1, 0, 1)
    assert MATURITY.answered(counted) == 0

    # Factor 2 with only "now" chosen: saved, and the seat carries on there, with "now" still chosen.
    now = matrix.field_name(matrix.factors[1], matrix.horizons[0])
    partly = phone.post(url, data={**step_form(matrix, 2, None), now: "dk"})
    assert partly.headers["location"] == f"/w/{code}?step=3"
    resumed = phone.get(f"/w/{code}")  # a new tab: no step in the address
    assert "Factor 2 of 9" in resumed.text
    assert f'id="{now}-dk" name="{now}" value="dk" checked' in resumed.text

    for number in range(2, 10):
        sent = phone.post(url, data=step_form(matrix, number, "4"))
    assert sent.headers["location"] == f"/w/{code}?step=review"
    counted = summary(live_server, maturity_item)
    assert (counted.responses, counted.complete, counted.partial, MATURITY.answered(counted)) == (1, 1, 0, 1)
    assert ratings(live_server) == 27

    review = phone.get(f"/w/{code}")  # complete: the phone opens on the review
    assert "Check your answers" in review.text and "Not rated yet" not in review.text
    assert review.text.count("2 Connecting") == 3 and review.text.count("4 Collaborating") == 24
    for number in range(1, 10):
        assert f'href="/w/{code}?step={number}"' in review.text


def test_back_saves_the_page_and_keeps_every_answer(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    url = f"/w/{code}/items/{maturity_item.id}"
    phone.post(url, data=step_form(matrix, 1, "1"))
    form = step_form(matrix, 2, "5", go="back") | {f"c-{matrix.factors[1].key}": "Boards meet; staff don't"}
    back = phone.post(url, data=form)
    assert back.headers["location"] == f"/w/{code}?step=1"
    page = phone.get(back.headers["location"])
    assert page.text.count('value="1" checked') == 3 and 'value="back"' not in page.text
    again = phone.get(f"/w/{code}?step=2")
    assert again.text.count('value="5" checked') == 3 and "Boards meet; staff don&#39;t" in again.text
    # Emptying the comment removes it; choosing nothing keeps the saved ratings.
    phone.post(url, data=step_form(matrix, 2, None))
    with live_server.db.reading() as session:
        assert session.exec(select(func.count()).select_from(MaturityComment)).one() == 0
    assert ratings(live_server) == 6


def test_bad_levels_steps_and_comments_get_422_and_lose_nothing(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    url = f"/w/{code}/items/{maturity_item.id}"
    phone.post(url, data=step_form(matrix, 1, "3"))
    forged = step_form(matrix, 2, "4") | {matrix.field_name(matrix.factors[1], matrix.horizons[2]): "6"}
    reply = phone.post(url, data=forged)
    assert reply.status_code == 422 and "There is a problem" in reply.text
    assert f"Choose one of the levels shown for {matrix.factors[1].name}, in two years" in reply.text
    assert "Factor 2 of 9" in reply.text and reply.text.count('value="4" checked') == 2  # as it was left
    assert ratings(live_server) == 3  # step 1 kept, nothing of step 2 written

    for step in ("0", "10", "abc", "", "review", "٣", "1" * 40):
        refused = phone.post(url, data={**step_form(matrix, 1, "5"), "step": step})
        assert refused.status_code == 422, step
        assert "This form has no step" in refused.text and "its steps are factors 1 to 9" in refused.text
    for step in ("0", "99", "-1", "x<b>y</b>"):
        page = phone.get(f"/w/{code}", params={"step": step})
        assert page.status_code == 422 and f"This form has no step “{escape(step)}”" in page.text
        assert "Factor 2 of 9" in page.text  # shows where the seat carries on
    assert phone.get(f"/w/{code}?step=review").status_code == 200

    moved = phone.post(url, data=step_form(matrix, 2, "4", go="sideways"))
    assert moved.status_code == 422 and "Use the Next or Back button" in moved.text
    long = step_form(matrix, 2, "4") | {f"c-{matrix.factors[1].key}": "x" * 501}
    too_long = phone.post(url, data=long)
    assert too_long.status_code == 422 and "500 characters or fewer (it has 501)" in too_long.text
    with live_server.db.reading() as session:
        levels = session.exec(select(MaturityRating.level)).all()
    assert list(levels) == [3, 3, 3]  # nothing refused was written, nothing saved was lost

    with live_server.db.writing() as session:
        store.close_item(session, row_id(maturity_item))
    late = phone.post(url, data=step_form(matrix, 2, "4"))
    assert late.status_code == 409 and "were not saved" in late.text
    assert ratings(live_server) == 3


def test_naughty_comments_are_kept_and_escaped_on_the_review(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    url = f"/w/{code}/items/{maturity_item.id}"
    key = matrix.factors[0].key
    for text in [s for s in BLNS if s.strip() and len(s) <= 500][::25]:
        sent = phone.post(url, data=step_form(matrix, 1, "3") | {f"c-{key}": text})
        assert sent.status_code == 303, text
        with live_server.db.reading() as session:
            assert session.exec(select(MaturityComment.text)).all() == [text]
        review = phone.get(f"/w/{code}?step=review")
        assert review.status_code == 200 and str(escape(readable(text))) in review.text


def test_one_horizon_at_a_time_asks_only_the_focused_horizon(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    with live_server.db.writing() as session:
        item = get_row(session, AgendaItem, row_id(maturity_item))
        item.config = {**item.config, "settings": {"horizons": "one_at_a_time"}}
        session.add(item)
        set_focus(session, row_id(item), "1y")
    one_year = matrix.horizons[1]
    page = phone.get(f"/w/{code}")
    assert page.text.count('type="radio"') == 6 and f"-{one_year.key}-1" in page.text
    assert f"-{matrix.horizons[0].key}-1" not in page.text and "on this factor in one year" in page.text

    url = f"/w/{code}/items/{maturity_item.id}"
    for number in range(1, 10):
        factor = matrix.factors[number - 1]
        form = {"step": str(number), "go": "next", matrix.field_name(factor, one_year): "3"}
        assert phone.post(url, data=form).status_code == 303
    counted = summary(live_server, maturity_item)
    assert (counted.complete, counted.partial) == (1, 0) and ratings(live_server) == 9
    assert "Check your answers" in phone.get(f"/w/{code}").text

    with live_server.db.writing() as session:
        set_focus(session, row_id(maturity_item), "2y")
    counted = summary(live_server, maturity_item)
    assert (counted.complete, counted.partial) == (0, 1)  # the new horizon is still to rate
    assert "Factor 1 of 9" in phone.get(f"/w/{code}").text


def test_partial_responses_count_where_they_rated(
    live_server: LiveServer, code: str, maturity_item: AgendaItem, matrix: MatrixStructure
) -> None:
    url = f"/w/{code}/items/{maturity_item.id}"
    for plan in ((1,), tuple(range(1, 10))):
        with httpx.Client(base_url=live_server.url, timeout=10) as client:
            client.post(f"/j/{code}", data={})
            for number in plan:
                client.post(url, data=step_form(matrix, number, "2"))
    counted = summary(live_server, maturity_item)
    assert (counted.responses, counted.complete, counted.partial) == (2, 1, 1)
    now = matrix.horizons[0].key
    assert counted.factors[0].by_horizon[now].counts[1] == 2  # both rated the first factor
    assert counted.factors[1].by_horizon[now].counts[1] == 1  # only the complete seat rated the second
    with live_server.db.reading() as session:
        item = get_row(session, AgendaItem, row_id(maturity_item))
        results = maturity_results(session, item, counted)
        report = MATURITY.report(session, item, counted)
        assert session.exec(select(func.count()).select_from(Response)).one() == 2
    assert results.responses == 2
    first = report[0]
    assert isinstance(first, Paragraph)
    assert first.text == "2 people rated the matrix (1 of them rated only part of it)."


def test_next_on_an_untouched_page_begins_no_response(
    live_server: LiveServer,
    phone: httpx.Client,
    code: str,
    maturity_item: AgendaItem,
    matrix: MatrixStructure,
) -> None:
    reply = phone.post(f"/w/{code}/items/{maturity_item.id}", data=step_form(matrix, 1, None))
    assert reply.headers["location"] == f"/w/{code}?step=2"
    assert summary(live_server, maturity_item).responses == 0


def test_the_horizons_setting_is_checked(tmp_path: Path) -> None:
    text = SHIPPED.read_text(encoding="utf-8").replace('name = "cyp-integration"', 'name = "broken"', 1)
    old = 'notes = "Rate alone first; reveal the spread; discuss the most divided factors first."\n'
    assert old in text
    for value, fine in (("one_at_a_time", True), ("all", True), ("sideways", False)):
        path = tmp_path / "broken.toml"
        path.write_text(text.replace(old, old + f'[agenda.settings]\nhorizons = "{value}"\n', 1), "utf-8")
        if fine:
            load_template(path)
        else:
            with pytest.raises(TemplateError, match="settings for a maturity item: horizons"):
                load_template(path)
