"""More snapshots, each at 80x24 and 120x36: the ranking live view and its agreed-priorities dialog, the home
screen's dialogs, the values moderation dialogs and the simplest live view, an information item.

Every participant, answer and time here is fixed: the join codes, the creation dates and the clock are set
by hand, and seat codes (random) never reach the screen.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select
from textual.widgets import Input, TextArea

from screens.app import WorkshopApp
from tests.test_tui import screen_text, wait_for
from workshop import store
from workshop.activities.ranking import Ballot, Proposal
from workshop.db import Database
from workshop.models import AgendaItem, Entry, Workshop
from workshop.store import lifecycle, moderation
from workshop.store.entries import add_entry

STARTED = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
MADE = datetime(2026, 3, 12, 9, 30, tzinfo=UTC)
JOIN_CODE = "K7QX3M"
SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 36)])
Snap = Callable[..., bool]
RunBefore = Callable[[object], Awaitable[None]]


def settled(
    *wanted: str, tab_to: str | None = None, keys: Sequence[str] = (), then: Sequence[str] = ()
) -> RunBefore:
    """A run_before: wait for ``wanted`` on screen, Tab to the widget with id ``tab_to`` (the live view's
    list), press ``keys``, wait for ``then``, let workers finish."""

    async def run_before(pilot: object) -> None:
        app = pilot.app  # type: ignore[attr-defined]
        for step, (step_keys, texts) in enumerate((((), wanted), (keys, then))):
            if step and tab_to:
                await pilot.press("tab")  # type: ignore[attr-defined]
                await wait_for(pilot, lambda: app.focused is not None and app.focused.id == tab_to)
            if step_keys:
                await pilot.press(*step_keys)  # type: ignore[attr-defined]
            await wait_for(pilot, lambda texts=texts: all(t in screen_text(app) for t in texts))
            await app.workers.wait_for_complete()
            await pilot.pause()  # type: ignore[attr-defined]
        # A blinking cursor would make a dialog's snapshot depend on timing: keep it steadily on.
        for field in [*app.screen.query(Input), *app.screen.query(TextArea)]:
            field.cursor_blink = False
        await pilot.pause()  # type: ignore[attr-defined]

    return run_before


def open_item(db: Database, workshop_id: int, kind: str) -> int:
    """Fix the join code and open the template's first item of ``kind`` at the frozen time."""
    with db.writing() as session:
        workshop = session.exec(select(Workshop).where(Workshop.id == workshop_id)).one()
        workshop.join_code = JOIN_CODE
        session.add(workshop)
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == kind)
        store.start_item(session, item.id)  # type: ignore[arg-type]
        item.started_at = STARTED  # a frozen clock keeps the countdown still in the snapshot
        session.add(item)
        return item.id  # type: ignore[return-value]


def fixed_app(db: Database, workshop_id: int) -> WorkshopApp:
    return WorkshopApp(db, workshop_id, serve=False, clock=lambda: STARTED + timedelta(minutes=3, seconds=20))


# The ranking ------------------------------------------------------------------------------------------

# Per seat, its ballot as positions in the template's candidates; the last seat joined and did not rank.
BALLOTS = ((2, 0, 4), (0, 2, 1), (2, 4, 0), ())
PROPOSAL = "Parent carers on the partnership board"


def ranking_app(db: Database, workshop_id: int, agreed: Sequence[int]) -> WorkshopApp:
    """The template's ranking, open, with fixed ballots, one proposal waiting and ``agreed`` (positions in
    the candidates) recorded as the agreed priorities, in that order."""
    item_id = open_item(db, workshop_id, "ranking")
    with db.writing() as session:
        options = session.exec(select(Entry).where(Entry.item_id == item_id).order_by(Entry.id)).all()
        known = [option.id for option in options]
        for places in BALLOTS:
            me = store.join(session, workshop_id).id
            if places:
                ballot = Ballot(tuple(known[place] for place in places))  # type: ignore[misc]
                store.save_response(session, item_id, me, ballot)  # type: ignore[arg-type]
        proposer = store.join(session, workshop_id).id
        store.save_response(session, item_id, proposer, Proposal(PROPOSAL))  # type: ignore[arg-type]
        moderation.set_agreed_order(session, item_id, [known[place] for place in agreed])  # type: ignore[misc]
    return fixed_app(db, workshop_id)


@SIZES
def test_snapshot_ranking_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    app = ranking_app(db, workshop_id, agreed=(2, 0))
    # Tab to the waiting proposal: at 80x24 that scrolls the agreed priorities and the proposal into view.
    agreed = "★ Agreed: 1. Family Hubs"
    shown = settled("3 of 5 joined have ranked", tab_to="ranking-pending", then=[agreed, PROPOSAL])
    assert snap_compare(app, terminal_size=size, run_before=shown)


@SIZES
def test_snapshot_agreed_priorities_dialog(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    app = ranking_app(db, workshop_id, agreed=(0,))
    shown = settled(
        "3 of 5 joined have ranked", keys=["g"], then=["Agreed priorities", "☑ agreed 1. One integrated"]
    )
    assert snap_compare(app, terminal_size=size, run_before=shown)


# Dialogs on the home screen ---------------------------------------------------------------------------


def home_app(db: Database, workshop_id: int) -> WorkshopApp:
    """The home screen: the test workshop, a little run, and a follow-up of it; codes and dates fixed."""
    with db.writing() as session:
        baseline = session.get(Workshop, workshop_id)
        assert baseline is not None
        baseline.join_code, baseline.created_at = JOIN_CODE, MADE
        session.add(baseline)
        first = store.agenda(session, workshop_id)[0]
        store.start_item(session, first.id)  # type: ignore[arg-type]
        store.close_item(session, first.id)  # type: ignore[arg-type]
        for _ in range(3):
            store.join(session, workshop_id)
        follow_up = lifecycle.create_follow_up(session, workshop_id, "Follow-up: Test workshop, 2027")
        follow_up.join_code, follow_up.created_at = "P4RT2N", MADE.replace(year=2027)
        session.add(follow_up)
    return WorkshopApp(db, serve=False)


# Each opened with the baseline highlighted (the follow-up, newest, is first in the list).
HOME_DIALOGS = {
    "new": ("n", ["New workshop", "Template", "Make it", "Cancel"]),
    "follow_up": ("d", ["Follow-up workshop", "same factors, levels, groups", "Make it", "Cancel"]),
    "archive": ("a", ["Archive “Test workshop”?", "every answer for follow-ups", "Yes, archive"]),
    "delete": ("x", ["Delete “Test workshop”?", "3 seats and every answer", "No, keep it"]),
}


@SIZES
@pytest.mark.parametrize("dialog", list(HOME_DIALOGS))
def test_snapshot_home_dialog(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int], dialog: str
) -> None:
    key, texts = HOME_DIALOGS[dialog]
    shown = settled("Join code P4RT2N", keys=["down", key], then=texts)
    assert snap_compare(home_app(db, workshop_id), terminal_size=size, run_before=shown)


# Dialogs of values moderation ---------------------------------------------------------------------------


def values_app(db: Database, workshop_id: int) -> WorkshopApp:
    """The template's values item, open, with a duplicate pair, a behaviour under each value, and the first
    value reworded once by the facilitator."""
    item_id = open_item(db, workshop_id, "values")
    with db.writing() as session:
        item = session.get(AgendaItem, item_id)
        assert item is not None
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other's judgement")
        trusting = add_entry(session, item, b, "Trusting", detail="Trust first, check later")
        care = add_entry(session, item, b, "Care", detail="Children first")
        add_entry(session, item, a, "keep promises", tag="will", parent_id=trust.id)
        add_entry(session, item, b, "blame other teams", tag="wont", parent_id=trusting.id)
        add_entry(session, item, a, "listen to families", tag="will", parent_id=care.id)
        moderation.reword_entry(session, trust.id, "Mutual trust")  # type: ignore[arg-type]
    return fixed_app(db, workshop_id)


VALUE_DIALOGS = {
    "reword": ("t", ["Reword", "Participant's words: Trust", "Statement", "Save", "Cancel"]),
    "merge": ("m", ["Merge “Mutual trust” into which value?", "Enter chooses"]),
}


@SIZES
@pytest.mark.parametrize("dialog", list(VALUE_DIALOGS))
def test_snapshot_values_dialog(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int], dialog: str
) -> None:
    key, texts = VALUE_DIALOGS[dialog]
    shown = settled("Mutual trust", "Trusting", tab_to="values-list", keys=[key], then=texts)
    assert snap_compare(values_app(db, workshop_id), terminal_size=size, run_before=shown)


# An information item ------------------------------------------------------------------------------------


@SIZES
def test_snapshot_info_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    open_item(db, workshop_id, "info")
    with db.writing() as session:
        for _ in range(3):
            store.join(session, workshop_id)
    shown = settled("Welcome and purpose", "15 min planned · no phone input", "Introductions")
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)
