"""The facilitator's phone remote does what the terminal does to run the room: the previous item, a maturity
item's horizon and agreed levels, values moderation, and results to reveal for every kind that has them."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import expect
from sqlmodel import select

from tests.helpers.axe import axe_violations
from tests.helpers.data import add_item, get_row, start_kind, token_for, vote
from tests.helpers.web import LiveServer, OpenPage, RemoteClient
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities import KINDS
from workshop.activities.maturity import load_structure
from workshop.models import AgendaItem, AgreedLevel, Entry, EntryStatus, MaturityFocus, Workshop, row_id
from workshop.store.entries import add_entry
from workshop.templates import get_template


@pytest.fixture
def token(live_server: LiveServer, workshop_id: int) -> str:
    return token_for(live_server.db, workshop_id)


@contextmanager
def signed_in(live_server: LiveServer, token: str) -> Iterator[httpx.Client]:
    """A browser that has opened the remote's link (so it holds the cookie)."""
    with RemoteClient(base_url=live_server.url, timeout=10) as browser:
        assert browser.get(f"/f/{token}").status_code == 303
        yield browser


def item_of(live_server: LiveServer, workshop_id: int, kind: str) -> AgendaItem:
    with live_server.db.reading() as session:
        return next(i for i in store.agenda(session, workshop_id) if i.kind == kind)


def current(live_server: LiveServer, workshop_id: int) -> int | None:
    with live_server.db.reading() as session:
        return get_row(session, Workshop, workshop_id).current_item_id


def test_previous_item_on_the_remote(live_server: LiveServer, token: str, workshop_id: int) -> None:
    with signed_in(live_server, token) as browser:
        assert browser.post("/f/next").status_code == 303
        page = browser.get("/f/").text
        assert "Previous item" not in page  # at the first item there is none
        refused = browser.post("/f/previous", follow_redirects=True)
        assert "That is the first agenda item" in refused.text
        browser.post("/f/next")
        with live_server.db.reading() as session:
            first, second = (row_id(i) for i in store.agenda(session, workshop_id)[:2])
        assert current(live_server, workshop_id) == second
        assert "Previous item" in browser.get("/f/").text
        back = browser.post("/f/previous", data={"back": "top"})
        assert back.status_code == 303 and back.headers["location"] == "/f/"
        assert current(live_server, workshop_id) == first
        with live_server.db.reading() as session:
            assert get_row(session, AgendaItem, second).state == "closed"
            assert get_row(session, AgendaItem, first).state == "open"
        # Without the form token nothing moves.
        forged = httpx.post(f"{live_server.url}/f/previous", cookies=browser.cookies, data={"csrf": "x"})
        assert forged.status_code == 403 and current(live_server, workshop_id) == first


def test_horizon_buttons_move_the_room(live_server: LiveServer, token: str, workshop_id: int) -> None:
    matrix = item_of(live_server, workshop_id, "maturity")
    with live_server.db.reading() as session:
        horizons = load_structure(session, workshop_id).horizons
    with signed_in(live_server, token) as browser:
        page = browser.get("/f/").text
        assert f"Horizon: <strong>{horizons[0].label}</strong>" in page
        assert f"Go to {horizons[1].label}" in page and f"Go to {horizons[0].label}" not in page
        moved = browser.post(f"/f/maturity/{matrix.id}/horizon", data={"horizon": horizons[1].key})
        assert (
            moved.status_code == 303 and moved.headers["location"] == f"/f/?at={matrix.id}#item-{matrix.id}"
        )
        with live_server.db.reading() as session:
            focus = session.get(MaturityFocus, matrix.id)
            assert focus is not None and focus.horizon_id == horizons[1].id
        assert f"Horizon: <strong>{horizons[1].label}</strong>" in browser.get("/f/").text
        unknown = browser.post(f"/f/maturity/{matrix.id}/horizon", data={"horizon": "someday"})
        assert unknown.status_code == 404
        values = item_of(live_server, workshop_id, "values")
        assert browser.post(f"/f/maturity/{values.id}/horizon", data={"horizon": "now"}).status_code == 404


def as_posted(page: str) -> dict[str, str]:
    """What a browser posts from the agreed-levels form as the page left it (hidden fields, ticks too)."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    chosen = r'<select[^>]* name="(level-\d+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected'
    form |= dict(re.findall(chosen, page, flags=re.S))
    form |= dict(re.findall(r'<textarea[^>]* name="(why-\d+)"[^>]*>([^<]*)</textarea>', page))
    form |= {name: "1" for name in re.findall(r'name="(agree-\d+)" value="1" checked', page)}
    return {name: html.unescape(value) for name, value in form.items()}


def agreed_at(live_server: LiveServer, item_id: int, horizon_id: int) -> dict[int, tuple[int | None, str]]:
    with live_server.db.reading() as session:
        rows = session.exec(select(AgreedLevel).where(AgreedLevel.item_id == item_id)).all()
    assert {r.horizon_id for r in rows} <= {horizon_id}
    return {r.factor_id: (r.level, r.rationale) for r in rows}


def test_agreed_levels_page_saves_only_what_was_agreed(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    matrix = start_kind(live_server.db, workshop_id, "maturity")
    for level in (2, 3):  # a median of 2½: every factor starts at 2, the more cautious level
        vote(live_server.db, workshop_id, row_id(matrix), level)
    with live_server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    factors, horizon = structure.factors, structure.horizons[1]
    with signed_in(live_server, token) as browser:
        page = browser.get(f"/f/maturity/{matrix.id}?horizon={horizon.key}")
        assert page.status_code == 200 and '<meta http-equiv="refresh"' not in page.text
        assert page.text.count("Median 2½ · middle half 2 to 3 · 2 rated") == len(factors)
        for factor in factors:  # a label for every field
            assert all(f'for="{field}-{factor.id}"' in page.text for field in ("level", "why", "agree"))
        assert page.text.count('<option value="2" selected>') == len(factors)
        # Saved as shown, nothing is agreed: the median is the room's, not yet the facilitator's decision.
        untouched = browser.post(f"/f/maturity/{matrix.id}", data=as_posted(page.text))
        assert "Nothing was saved" in browser.get(untouched.headers["location"]).text
        assert agreed_at(live_server, row_id(matrix), row_id(horizon)) == {}
        form = as_posted(page.text) | {f"level-{factors[0].id}": "none", f"agree-{factors[2].id}": "1"}
        form[f"why-{factors[1].id}"] = "We heard the same from schools"
        saved = browser.post(f"/f/maturity/{matrix.id}", data=form)
        assert saved.status_code == 303
        assert "Agreed levels saved for 3 factors." in browser.get(saved.headers["location"]).text
    first, second, third = (row_id(f) for f in factors[:3])
    assert agreed_at(live_server, row_id(matrix), row_id(horizon)) == {
        first: (None, ""),
        second: (2, "We heard the same from schools"),
        third: (2, ""),
    }


def test_agreed_levels_form_errors_keep_what_was_typed(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    matrix = item_of(live_server, workshop_id, "maturity")
    with live_server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    factors, key = structure.factors, structure.horizons[0].key
    with signed_in(live_server, token) as browser:
        page = browser.get(f"/f/maturity/{matrix.id}").text
        # No ratings yet: nothing to start from, so every factor starts "Not recorded yet".
        assert page.count('<option value="" selected>Not recorded yet</option>') == len(factors)
        form = {
            "horizon": key,
            f"level-{factors[0].id}": "3",
            f"why-{factors[0].id}": "x" * 1001,
            f"level-{factors[1].id}": "9",
            f"why-{factors[2].id}": "Kept <b>reason</b>",
        }
        refused = browser.post(f"/f/maturity/{matrix.id}", data=form)
        assert refused.status_code == 422
        text = html.unescape(refused.text)
        assert f"The reason for {factors[0].name} must be 1000 characters or fewer (it has 1001)." in text
        assert f"Choose a level for {factors[1].name}, or “No agreement reached”." in text
        assert f"Choose a level for {factors[2].name} (or “No agreement reached”) to keep its reason." in text
        assert "x" * 1001 in refused.text and "Kept &lt;b&gt;reason&lt;/b&gt;" in refused.text
        # The reason's error leads to the reason, which names it.
        assert f'href="#why-{factors[0].id}"' in refused.text
        assert f'href="#level-{factors[1].id}"' in refused.text
        assert f'name="why-{factors[0].id}" rows="2" aria-describedby="error-{factors[0].id}"' in refused.text
        assert "<title>Error:" in refused.text
        other = browser.get(f"/f/maturity/{matrix.id}?horizon=someday")
        assert other.status_code == 404
    with live_server.db.reading() as session:
        assert session.exec(select(AgreedLevel).where(AgreedLevel.item_id == matrix.id)).first() is None


def test_remote_pages_refuse_strangers_and_other_workshops(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    with live_server.db.writing() as session:
        other = usecases.create_workshop(session, get_template("cyp-integration"), "Someone else's")
        theirs = {i.kind: row_id(i) for i in store.agenda(session, row_id(other))}
        seat = store.join(session, row_id(other))
        their_value = row_id(
            add_entry(session, get_row(session, AgendaItem, theirs["values"]), seat, "Theirs")
        )
    with httpx.Client(base_url=live_server.url, timeout=10) as stranger:
        for path in (f"/f/maturity/{theirs['maturity']}", f"/f/values/{theirs['values']}"):
            assert stranger.get(path).status_code == 401
    with signed_in(live_server, token) as browser:
        assert browser.get(f"/f/maturity/{theirs['maturity']}").status_code == 404
        assert browser.get(f"/f/values/{theirs['values']}").status_code == 404
        mine = item_of(live_server, workshop_id, "values")
        assert browser.get(f"/f/values/{mine.id}").status_code == 200
        assert browser.get(f"/f/maturity/{mine.id}").status_code == 404  # not a maturity item
        assert browser.post(f"/f/values/entries/{their_value}", data={"action": "hide"}).status_code == 404
        assert browser.post(f"/f/maturity/{theirs['maturity']}", data={"horizon": "now"}).status_code == 404
    with live_server.db.reading() as session:
        assert get_row(session, Entry, their_value).status == EntryStatus.PENDING.value


def seed_values(live_server: LiveServer, workshop_id: int) -> dict[str, int]:
    with live_server.db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        store.start_item(session, row_id(item))
        a = store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other")
        trusting = add_entry(session, item, a, "Trusting")
        care = add_entry(session, item, a, "Care")
        keep = add_entry(session, item, a, "keep promises", tag="will", parent_id=trusting.id)
        return {
            "item": row_id(item),
            "trust": row_id(trust),
            "trusting": row_id(trusting),
            "care": row_id(care),
            "keep": row_id(keep),
        }


def status(live_server: LiveServer, entry_id: int) -> Entry:
    with live_server.db.reading() as session:
        return get_row(session, Entry, entry_id)


def test_values_moderation_on_the_remote(live_server: LiveServer, token: str, workshop_id: int) -> None:
    ids = seed_values(live_server, workshop_id)
    with signed_in(live_server, token) as browser:
        assert f'href="/f/values/{ids["item"]}"' in browser.get("/f/").text
        page = browser.get(f"/f/values/{ids['item']}").text
        assert "Trusting" in page and "keep promises" in page and page.count('for="merge-') == 3
        agreed = browser.post(f"/f/values/entries/{ids['trust']}", data={"action": "agree"})
        assert agreed.status_code == 303 and status(live_server, ids["trust"]).agreed_position is not None
        assert "Marked as agreed." in browser.get(agreed.headers["location"]).text
        assert browser.post(f"/f/values/entries/{ids['care']}", data={"action": "hide"}).status_code == 303
        assert status(live_server, ids["care"]).status == EntryStatus.HIDDEN.value
        # A hidden value is no place to move a behaviour to: the store's refusal, in words, nothing changed.
        refused = browser.post(f"/f/values/entries/{ids['keep']}/move", data={"value_id": str(ids["care"])})
        assert (
            refused.status_code == 409 and "That value is hidden or merged: restore it first" in refused.text
        )
        assert browser.post(f"/f/values/entries/{ids['care']}", data={"action": "restore"}).status_code == 303
        moved = browser.post(f"/f/values/entries/{ids['keep']}/move", data={"value_id": str(ids["care"])})
        assert moved.status_code == 303 and status(live_server, ids["keep"]).parent_id == ids["care"]
        blank = browser.post(f"/f/values/entries/{ids['keep']}/move", data={"value_id": ""})
        assert blank.status_code == 422 and "Choose the value to move it to." in blank.text
        # Merge: the preview first, in the API's words, then the merge.
        preview = browser.get(f"/f/values/entries/{ids['trusting']}/merge?into={ids['trust']}")
        assert preview.status_code == 200
        assert "Merging “Trusting” into “Trust”: no dots to move." in html.unescape(preview.text)
        assert (
            status(live_server, ids["trusting"]).status == EntryStatus.PENDING.value
        )  # the preview writes nothing
        merged = browser.post(f"/f/values/entries/{ids['trusting']}/merge", data={"into": str(ids["trust"])})
        assert merged.status_code == 303
        assert status(live_server, ids["trusting"]).merged_into == ids["trust"]
        again = browser.get(f"/f/values/entries/{ids['care']}/merge?into={ids['trusting']}")
        assert "Cannot merge: That entry is hidden or merged itself: restore it first." in html.unescape(
            again.text
        )
        assert 'action="/f/values/entries/' not in again.text.split("<main", 1)[1]  # no button to do it
        assert browser.post(f"/f/values/entries/{ids['care']}", data={"action": "explode"}).status_code == 404
        forged = httpx.post(
            f"{live_server.url}/f/values/entries/{ids['care']}",
            cookies=browser.cookies,
            data={"action": "hide"},
        )
        assert (
            forged.status_code == 403 and status(live_server, ids["care"]).status == EntryStatus.PENDING.value
        )


def test_every_kind_with_results_can_be_revealed(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    with_results = {kind for kind, activity in KINDS.items() if activity.results_template is not None}
    with live_server.db.reading() as session:
        on_agenda = {i.kind for i in store.agenda(session, workshop_id)}
    assert with_results <= on_agenda, "the template lacks a kind with results: add one here"
    with signed_in(live_server, token) as browser:
        page = browser.get("/f/").text
        blocks = dict(re.findall(r'<li id="item-(\d+)"(.*?)(?=<li id="item-|</ol>)', page, flags=re.S))
        with live_server.db.reading() as session:
            for item in store.agenda(session, workshop_id):
                shown = "Reveal results" in blocks[str(item.id)]
                assert shown == (item.kind in with_results), item.kind


def test_naughty_strings_stay_inert_on_the_remote(
    live_server: LiveServer, token: str, workshop_id: int
) -> None:
    texts = [s for s in BLNS if s.strip()][::3]
    with live_server.db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        seat = store.join(session, workshop_id)
        for text in texts[:200]:
            value = add_entry(session, item, seat, text[:60] or "x")
            add_entry(session, item, seat, text[:200] or "x", tag="will", parent_id=row_id(value))
    matrix = add_item(
        live_server.db, workshop_id, "maturity", "<script>alert(1)</script> {{7*7}}", start=False
    )
    with live_server.db.reading() as session:
        structure = load_structure(session, workshop_id)
    with signed_in(live_server, token) as browser:
        page = browser.get(f"/f/values/{item.id}")
        assert page.status_code == 200
        for check in (page.text, browser.get("/f/").text):
            assert "<script>alert" not in check and "<img src=x" not in check.lower()
        reasons = {f"why-{f.id}": texts[n % len(texts)][:1000] for n, f in enumerate(structure.factors)}
        form = {f"level-{f.id}": "none" for f in structure.factors} | reasons
        saved = browser.post(f"/f/maturity/{matrix.id}", data=form | {"horizon": structure.horizons[0].key})
        assert saved.status_code == 303, saved.text
        shown = browser.get(saved.headers["location"]).text
        assert "<script>alert" not in shown and "49" not in shown.split("<h1>", 1)[1].split("</h1>", 1)[0]
    with live_server.db.reading() as session:
        kept = {r.factor_id: r.rationale for r in session.exec(select(AgreedLevel)).all()}
    # Stored exactly as sent: the page changes nothing in the words.
    assert {f"why-{k}": v for k, v in kept.items()} == reasons


@pytest.mark.browser
def test_remote_pages_in_a_phone_browser(
    live_server: LiveServer, token: str, workshop_id: int, open_page: OpenPage
) -> None:
    matrix = start_kind(live_server.db, workshop_id, "maturity")
    for level in (1, 3, 3):
        vote(live_server.db, workshop_id, row_id(matrix), level)
    ids = seed_values(live_server, workshop_id)
    with live_server.db.reading() as session:
        factors = load_structure(session, workshop_id).factors
    shots = Path("/tmp/shots")
    shots.mkdir(exist_ok=True)
    page = open_page(375, 740)
    page.goto(f"{live_server.url}/f/{token}")
    page.screenshot(path=str(shots / "remote-runsheet-375.png"), full_page=True)
    # The run-sheet refreshes itself by script with a Pause (WCAG 2.2.1), never by a meta refresh; the
    # other pages have none, since a reload would lose what is being typed.
    assert axe_violations(page) == []
    pause = page.get_by_role("button", name="Pause refreshing")
    expect(pause).to_have_attribute("aria-pressed", "false")
    pause.click()
    expect(pause).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#auto-refresh-note")).to_have_text("Refreshing is paused.")
    page.reload()  # the choice lasts for the tab
    expect(page.get_by_role("button", name="Pause refreshing")).to_have_attribute("aria-pressed", "true")
    # Agreed levels: pick from the list, give a reason, save; every target at least 24 px.
    page.goto(f"{live_server.url}/f/maturity/{matrix.id}")
    page.get_by_label("What the room agreed").first.select_option("4")
    page.locator(f"#why-{factors[0].id}").fill("Schools and health said the same")
    page.screenshot(path=str(shots / "remote-agreed-375.png"), full_page=True)
    assert axe_violations(page) == []
    small = page.evaluate(
        "() => [...document.querySelectorAll('main button, main select, main a, main textarea')]"
        ".filter(e => { const r = e.getBoundingClientRect(); return r.width < 24 || r.height < 24; })"
        ".map(e => e.outerHTML.slice(0, 80))"
    )
    assert small == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.get_by_role("button", name="Save agreed levels").click()
    page.get_by_text("Agreed levels saved for 1 factor.").wait_for()
    with live_server.db.reading() as session:
        row = session.exec(select(AgreedLevel).where(AgreedLevel.factor_id == factors[0].id)).one()
        assert (row.level, row.rationale) == (4, "Schools and health said the same")
    # Moderation: hide a value, then see the merge preview.
    page.goto(f"{live_server.url}/f/values/{ids['item']}")
    page.get_by_role("button", name="Hide Care").click()
    page.get_by_text("Hidden from phones and results.").wait_for()
    assert status(live_server, ids["care"]).status == EntryStatus.HIDDEN.value
    page.screenshot(path=str(shots / "remote-values-375.png"), full_page=True)
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    page.locator(f"#merge-{ids['trusting']}").select_option(str(ids["trust"]))
    page.get_by_role("button", name="Preview merge of Trusting").click()
    page.get_by_text("Merging “Trusting” into “Trust”: no dots to move.").wait_for()
    page.screenshot(path=str(shots / "remote-merge-375.png"), full_page=True)
    assert axe_violations(page) == []
