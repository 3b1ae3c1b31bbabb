"""Participant text is untrusted everywhere: maturity comments, seat codes, and every live view in the TUI."""

from __future__ import annotations

from functools import partial

import httpx
import pytest
from markupsafe import escape
from sqlmodel import select

from screens.app import WorkshopApp
from tests.helpers.data import add_item, get_row, join_code
from tests.helpers.tui import is_current, screen_text, wait_for
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store
from workshop.activities.maturity import load_structure
from workshop.db import Database
from workshop.models import AgendaItem, MaturityComment, row_id
from workshop.store.entries import add_entry
from workshop.untrusted import readable
from workshop.web.guards import SeatCodeGuard

MARKUP = "[bold red]not bold[/bold red] [link=http://x]no link[/link] [@click=app.quit]no action[/]"


def _form(live_server: LiveServer, workshop_id: int) -> tuple[dict[str, str], str]:
    with live_server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    form = {structure.field_name(f, h): "2" for f in structure.factors for h in structure.horizons}
    return form, f"c-{structure.factors[0].key}"


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_maturity_comments_are_kept_as_typed_and_limited(
    live_server: LiveServer, workshop_id: int, maturity_item: AgendaItem
) -> None:
    code = join_code(live_server.db, workshop_id)
    form, comment = _form(live_server, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        too_long = phone.post(f"/w/{code}/items/{maturity_item.id}", data={**form, comment: "x" * 501})
        assert too_long.status_code == 422
        assert "Comment on Goals and values must be 500 characters or fewer (it has 501)" in too_long.text
        assert "x" * 501 in too_long.text  # what they typed comes back for them to shorten
        for text in BLNS:
            reply = phone.post(f"/w/{code}/items/{maturity_item.id}", data={**form, comment: text})
            assert reply.status_code in (303, 422), text
            if reply.status_code == 303:
                page = phone.get(f"/w/{code}").text
                assert str(escape(readable(text))) in page or not text.strip()  # less control characters
                with live_server.db.reading() as session:
                    stored = session.exec(select(MaturityComment.text)).all()
                assert stored == ([text] if text.strip() else [])
            else:
                assert len(text) > 500


@pytest.mark.slow  # the whole naughty-strings corpus, one request at a time
def test_naughty_seat_codes_never_break_the_restore_page(live_server: LiveServer, workshop_id: int) -> None:
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        for index, text in enumerate(BLNS):
            if index % 9 == 0:  # every test request comes from 127.0.0.1: stay under the guessing brake
                live_server.app.state.seat_guard = SeatCodeGuard()
            reply = phone.post(f"/j/{code}/seat", data={"seat_code": text})
            assert reply.status_code == 422, text
            assert "<script>alert" not in reply.text


@pytest.mark.tui
async def test_live_views_never_read_participant_text_as_markup(db: Database, workshop_id: int) -> None:
    values = add_item(db, workshop_id, "values", "Values", key="v", start=False)
    question = add_item(db, workshop_id, "question", "Word", {"prompt": "One word?"}, start=False)
    # Where each view shows it: values list oldest first, the question view the newest answers.
    orders = {values.id: [MARKUP, *BLNS[:60]], question.id: [*BLNS[:60], MARKUP]}
    with db.writing() as session:
        for item in (values, question):
            for text in orders[item.id]:
                add_entry(session, get_row(session, AgendaItem, row_id(item)), None, text[:500])
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(120, 40)) as pilot:
        for item in (values, question):
            with db.writing() as session:
                store.start_item(session, row_id(item))
            await wait_for(pilot, partial(is_current, app, row_id(item)))
            await wait_for(pilot, lambda: "[bold red]not bold[/bold red]" in screen_text(app))
        assert app.is_running  # no markup action ran (the text held [@click=app.quit])
        await pilot.press("q")
