"""Agreeing a whole horizon of the maturity matrix in one dialog, the comments under the live table, and h."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from textual.pilot import Pilot

from screens.app import WorkshopApp
from screens.views.maturity import MaturityView
from screens.views.maturity_agreed import BLANK, AgreedLevelsScreen, FactorRow
from tests.helpers.data import get_row, start_kind, token_for
from tests.helpers.snapshots import SIZES, Snap, fixed_app, open_item, settled
from tests.helpers.tui import screen_text, wait_for
from tests.helpers.web import LiveServer, RemoteClient
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities import KINDS
from workshop.activities.maturity import MatrixAnswers, MatrixSummary, load_structure
from workshop.activities.maturity import agreed as agreed_module
from workshop.activities.maturity.agreed import AgreedRow, set_agreed, set_agreed_many, starting_level
from workshop.analysis import Distribution
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.store.agenda import AgendaError

# Five seats' ratings of the nine factors (None: don't know), the same at every horizon. Pathways' median
# falls between 3 and 4; nobody rated Skills; Behaviour is only "some" agreement; the rest agree strongly.
SEATS = [
    [2, 2, 3, 4, 1, 2, 1, None, 4],
    [3, 3, 4, 4, 2, 3, 2, None, 4],
    [3, 3, 3, 4, 2, 3, 5, None, 3],
    [3, 2, 4, 5, 2, 3, 1, None, 4],
    [4, 3, None, 4, 2, 3, 5, None, 4],
]
MEDIANS = [3, 3, 3, 4, 2, 3, 2, BLANK, 4]  # Pathways' 3½ starts at 3, the more cautious level
STRONG = {0, 1, 2, 3, 4, 5, 8}


def rate(db: Database, workshop_id: int, item_id: int, comments: dict[int, str] | None = None) -> None:
    """The five seats of :data:`SEATS` rate the matrix; the first also comments (factor position -> text)."""
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        for number, seat_ratings in enumerate(SEATS):
            seat = store.join(session, workshop_id)
            ratings = {
                (row_id(factor), row_id(horizon)): seat_ratings[position]
                for position, factor in enumerate(structure.factors)
                for horizon in structure.horizons
            }
            said = (
                {row_id(structure.factors[p]): text for p, text in (comments or {}).items()}
                if not number
                else {}
            )
            usecases.save_response(session, item_id, row_id(seat), MatrixAnswers(ratings, said))


def summary_of(db: Database, item_id: int) -> MatrixSummary:
    with db.reading() as session:
        found = KINDS["maturity"].summarise(session, get_row(session, AgendaItem, item_id))
    assert isinstance(found, MatrixSummary)
    return found


def agreed_now(db: Database, item_id: int) -> dict[str, tuple[int | None, str]]:
    return {f: value for (f, h), value in summary_of(db, item_id).agreed.items() if h == "now"}


def dialog(app: WorkshopApp) -> AgreedLevelsScreen:
    screen = app.screen
    assert isinstance(screen, AgreedLevelsScreen), type(screen).__name__
    return screen


def notices(app: WorkshopApp) -> list[str]:
    return [str(n.message) for n in app._notifications]


def test_many_agreed_levels_in_one_write(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        factors, now = structure.factors, row_id(structure.horizons[0])
        before = store.workshops.revision(session, workshop_id)
        rows = [
            AgreedRow(row_id(factors[0]), 3, "Boards endorsed it"),
            AgreedRow(row_id(factors[1]), None, ""),
        ]
        assert set_agreed_many(session, row_id(item), now, rows) == 2
        assert store.workshops.revision(session, workshop_id) == before + 1
    assert agreed_now(db, row_id(item)) == {
        factors[0].key: (3, "Boards endorsed it"),
        factors[1].key: (None, ""),
    }
    with db.writing() as session:
        # One bad row refuses them all: nothing of this write is kept.
        bad = [AgreedRow(row_id(factors[2]), 4, ""), AgreedRow(row_id(factors[3]), 9, "")]
        with pytest.raises(AgendaError, match="level 9 is not on this workshop's scale"):
            set_agreed_many(session, row_id(item), now, bad)
        with pytest.raises(AgendaError, match="1000 characters"):
            set_agreed_many(session, row_id(item), now, [AgreedRow(row_id(factors[2]), 4, "x" * 1001)])
        with pytest.raises(AgendaError, match="once per save"):
            set_agreed_many(session, row_id(item), now, [AgreedRow(row_id(factors[2]), 4, "")] * 2)
    assert factors[2].key not in agreed_now(db, row_id(item))


def test_rows_start_at_the_median_rounded_down() -> None:
    two_and_a_half, nobody = Distribution((0, 1, 1, 0, 0)), Distribution((0, 0, 0, 0, 0), dont_know=2)
    assert starting_level(two_and_a_half) == 2 and starting_level(nobody) is None  # 2½: the cautious 2
    assert FactorRow(1, "Vision", "", two_and_a_half, None).level == 2
    assert FactorRow(1, "Vision", "", nobody, None).level == BLANK


@contextmanager
def remote(live_server: LiveServer, workshop_id: int) -> Iterator[RemoteClient]:
    """A browser holding the facilitator remote's cookie."""
    token = token_for(live_server.db, workshop_id)
    with RemoteClient(base_url=live_server.url, timeout=10) as browser:
        assert browser.get(f"/f/{token}").status_code == 303
        yield browser


def as_posted(page: str) -> dict[str, str]:
    """What a browser posts from the remote's agreed-levels form as the page left it (hidden fields too)."""
    form = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))
    chosen = r'<select[^>]* name="(level-\d+)"[^>]*>(?:(?!</select>).)*?<option value="([^"]*)" selected'
    form |= dict(re.findall(chosen, page, flags=re.S))
    form |= dict(re.findall(r'<textarea[^>]* name="(why-\d+)"[^>]*>([^<]*)</textarea>', page))
    form |= {name: "1" for name in re.findall(r'name="(agree-\d+)" value="1" checked', page)}
    return {name: html.unescape(value) for name, value in form.items()}


def test_the_remote_starts_and_agrees_strong_factors_as_the_dialog_does(
    db: Database, workshop_id: int, live_server: LiveServer
) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, row_id(item))
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        leadership = row_id(structure.factors[1])
        set_agreed(session, row_id(item), leadership, row_id(structure.horizons[0]), 2, "Last month")
    keys = [f.key for f in structure.factors]
    with remote(live_server, workshop_id) as browser:
        form = as_posted(browser.get(f"/f/maturity/{row_id(item)}").text)
        starts = [form[f"level-{f.id}"] for f in structure.factors]
        assert starts == ["2" if i == 1 else str(m) if m != BLANK else "" for i, m in enumerate(MEDIANS)]
        saved = browser.post(f"/f/maturity/{row_id(item)}", data=form | {"action": "strong"})
        assert saved.status_code == 303
        assert f"saved for {len(STRONG) - 1} factors" in browser.get(saved.headers["location"]).text
    # As `a`: every factor with strong agreement at its median, but Leadership's recorded level is kept.
    strong = {keys[i]: (MEDIANS[i], "") for i in STRONG - {1}}
    assert agreed_now(db, row_id(item)) == strong | {keys[1]: (2, "Last month")}


def test_a_stale_remote_page_never_undoes_a_change_made_elsewhere(
    db: Database, workshop_id: int, live_server: LiveServer
) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, row_id(item))
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        f, now = [row_id(factor) for factor in structure.factors], row_id(structure.horizons[0])
        for factor in f[:2]:
            set_agreed(session, row_id(item), factor, now, 2, "")
    keys, url = [factor.key for factor in structure.factors], f"/f/maturity/{row_id(item)}"
    with remote(live_server, workshop_id) as browser:
        shown = as_posted(browser.get(url).text)
        with db.writing() as session:  # meanwhile, the terminal records two factors again
            set_agreed(session, row_id(item), f[0], now, 4, "Decided at the board")
            set_agreed(session, row_id(item), f[1], now, 5, "")
        # The second factor is as the page showed it: not saved, so the terminal's 5 stands.
        assert browser.post(url, data=shown | {f"level-{f[2]}": "1"}).status_code == 303
        # The first was changed here too: refused, shown as it stands now; what else was typed is kept.
        refused = browser.post(url, data=shown | {f"level-{f[0]}": "3", f"level-{f[3]}": "5"})
        assert refused.status_code == 409
        name = structure.factors[0].name
        message = f"{name} was changed elsewhere since this page was opened: here it is as it stands now."
        assert message in html.unescape(refused.text) and "Decided at the board" in refused.text
        again = as_posted(refused.text)
        assert (again[f"level-{f[0]}"], again[f"level-{f[3]}"]) == ("4", "5")
        assert agreed_now(db, row_id(item))[keys[0]] == (4, "Decided at the board")
        assert browser.post(url, data=again).status_code == 303
    assert agreed_now(db, row_id(item)) == {
        keys[0]: (4, "Decided at the board"),
        keys[1]: (5, ""),
        keys[2]: (1, ""),
        keys[3]: (5, ""),
    }


async def _open(pilot: Pilot[Any], app: WorkshopApp) -> AgreedLevelsScreen:
    await wait_for(pilot, lambda: "5 of 5 joined answered" in screen_text(app))
    await pilot.press("g")
    await wait_for(pilot, lambda: isinstance(app.screen, AgreedLevelsScreen))
    await pilot.pause()
    return dialog(app)


@pytest.mark.tui
async def test_agree_a_horizon_from_the_keyboard(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, row_id(item))
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        leadership = structure.factors[1]
        set_agreed(session, row_id(item), row_id(leadership), row_id(structure.horizons[0]), 2, "Last month")
    keys = [f.key for f in structure.factors]
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 36)) as pilot:
        screen = await _open(pilot, app)
        rows = screen.table.rows
        # The room's medians, rounded down; the recorded level and reason instead of Leadership's median.
        assert [row.level for row in rows] == [2 if i == 1 else m for i, m in enumerate(MEDIANS)]
        assert rows[1].rationale == "Last month" and rows[1].status() == "saved"
        assert rows[7].status() == "· not agreed" and rows[0].status() == "· median"
        await pilot.press("a")
        await pilot.pause()
        agreed = {i for i, row in enumerate(rows) if row.to_save() is not None}
        assert agreed == STRONG - {1}  # Leadership's recorded level is kept, not replaced in bulk
        assert "✓ agreed" in screen_text(app)
        for _ in range(6):
            await pilot.press("down")
        await pilot.press("n", "r")
        await pilot.press(*"Split between police and council", "enter")
        await pilot.press("down", "4", "r", *"Training budget agreed", "enter")
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: not isinstance(app.screen, AgreedLevelsScreen))
        await wait_for(pilot, lambda: "→ 3" in screen_text(app))
    assert agreed_now(db, row_id(item)) == {
        keys[0]: (3, ""),
        keys[1]: (2, "Last month"),
        keys[2]: (3, ""),
        keys[3]: (4, ""),
        keys[4]: (2, ""),
        keys[5]: (3, ""),
        keys[6]: (None, "Split between police and council"),
        keys[7]: (4, "Training budget agreed"),
        keys[8]: (4, ""),
    }


@pytest.mark.tui
async def test_escape_writes_nothing_and_refusals_are_notices(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, row_id(item))
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _open(pilot, app)
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: any("Nothing to save" in n for n in notices(app)))
        await pilot.press("9")
        await wait_for(pilot, lambda: "The scale has no level 9." in notices(app))
        for _ in range(7):
            await pilot.press("down")
        await pilot.press("space")  # Skills: nobody rated it, so there is no level to agree as shown
        await wait_for(pilot, lambda: any("Nobody rated this factor" in n for n in notices(app)))
        await pilot.press("a", "r", *"typed, then thought better of", "escape")
        assert isinstance(app.screen, AgreedLevelsScreen) and screen.table.has_focus
        assert screen.table.row.rationale == ""
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, AgreedLevelsScreen))
        await pilot.pause()
        assert agreed_now(db, row_id(item)) == {}
        # The core's refusal arrives as a notice in its own words, and nothing is written.
        monkeypatch.setattr(agreed_module, "RATIONALE_LIMIT", 5)
        await _open(pilot, app)
        await pilot.press("a", "r", *"far too long", "ctrl+s")
        await wait_for(pilot, lambda: any("must be 5 characters or fewer" in n for n in notices(app)))
        assert agreed_now(db, row_id(item)) == {}


@pytest.mark.tui
async def test_comments_follow_the_highlighted_factor_and_stay_inert(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    naughty = [s for s in BLNS if s.strip() and "[" in s][:3]
    markup = "[b]bold[/b] [link=https://x.test]here[/link]"
    rate(db, workshop_id, row_id(item), {0: "Boards signed the vision in May", 1: markup})
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        for text in naughty:
            seat = store.join(session, workshop_id)
            ratings: dict[tuple[int, int], int | None] = {
                (row_id(f), row_id(h)): 3 for f in structure.factors for h in structure.horizons
            }
            answers = MatrixAnswers(ratings, {row_id(structure.factors[1]): text[:500]})
            usecases.save_response(session, row_id(item), row_id(seat), answers)
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "Comments on Goals and values (1)" in screen_text(app))
        assert "“Boards signed the vision in May”" in screen_text(app)
        await pilot.press("tab")
        await wait_for(pilot, lambda: isinstance(app.focused, MaturityView))
        await pilot.press("down")
        await wait_for(pilot, lambda: "Comments on Leadership and governance" in screen_text(app))
        text = screen_text(app)
        assert markup in text and "Boards signed" not in text  # as typed: markup is not parsed
        for said in naughty:
            assert " ".join(said[:500].split())[:30] in text
        await pilot.press("up")
        await wait_for(pilot, lambda: "Comments on Goals and values" in screen_text(app))


@pytest.mark.tui
async def test_h_moves_the_items_stored_horizon(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "maturity")
    rate(db, workshop_id, row_id(item))
    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: "Now · 5 of 5 joined answered" in screen_text(app))
        await pilot.press("h")
        await wait_for(pilot, lambda: summary_of(db, row_id(item)).focus == "1y")
        await wait_for(pilot, lambda: "In one year · 5 of 5" in screen_text(app))
        # The dialog agrees the horizon the item is on.
        await pilot.press("g")
        await wait_for(pilot, lambda: "Agreed levels · In one year" in screen_text(app))
        await pilot.press("escape")
        # Moved elsewhere (the remote, another process): the view follows the database.
        with db.writing() as session:
            from workshop.activities.maturity.focus import set_focus

            set_focus(session, row_id(item), "2y")
        await wait_for(pilot, lambda: "In two years · 5 of 5" in screen_text(app))


def _matrix_app(db: Database, workshop_id: int) -> WorkshopApp:
    item_id = open_item(db, workshop_id, "maturity")
    rate(db, workshop_id, item_id, {0: "Boards signed the vision in May", 1: "[b]not bold[/b]"})
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        set_agreed(session, item_id, row_id(structure.factors[1]), row_id(structure.horizons[0]), 2, "")
    app = fixed_app(db, workshop_id)
    # As if serving: the join panel's QR code takes its room beside the table (the narrow case).
    app.join_url = "http://192.168.1.10:8000/j/K7QX3M"
    return app


@pytest.mark.tui
@SIZES
def test_snapshot_agreed_levels_dialog(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    shown = settled(
        "5 of 5 joined answered",
        keys=["g", "space", "down", "right"],
        then=["Agreed levels · Now", "✓ agreed", "✓ changed"],
    )
    assert snap_compare(_matrix_app(db, workshop_id), terminal_size=size, run_before=shown)


@pytest.mark.tui
@SIZES
def test_snapshot_maturity_view_with_comments(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    # The join panel beside the table, the view focused, the second factor highlighted with its comment.
    shown = settled(
        "5 of 5 joined answered",
        keys=["tab", "down"],
        then=["K7QX3M", "Comments on Leadership and governance (1)", "[b]not bold[/b]"],
    )
    assert snap_compare(_matrix_app(db, workshop_id), terminal_size=size, run_before=shown)
