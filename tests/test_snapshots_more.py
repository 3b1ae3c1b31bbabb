"""More snapshots, each at 80x24 and 120x36: the ranking live view and its agreed-priorities dialog, the home
screen's dialogs, the values moderation dialogs and the simplest live view, an information item.

Every participant, answer and time here is fixed: the join codes, the creation dates and the clock are set
by hand, and seat codes (random) never reach the screen.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlmodel import col, select

from screens.app import WorkshopApp
from tests.helpers.snapshots import SIZES, Snap, fixed_app, fixed_home, open_item, settled
from workshop import store, usecases
from workshop.activities.ranking import Ballot, Proposal
from workshop.db import Database
from workshop.models import AgendaItem, Entry, row_id
from workshop.store import moderation
from workshop.store.entries import add_entry

pytestmark = pytest.mark.tui

# The ranking ------------------------------------------------------------------------------------------

# Per seat, its ballot as positions in the template's candidates; the last seat joined and did not rank.
BALLOTS = ((2, 0, 4), (0, 2, 1), (2, 4, 0), ())
PROPOSAL = "Parent carers on the partnership board"


def ranking_app(db: Database, workshop_id: int, agreed: Sequence[int]) -> WorkshopApp:
    """The template's ranking, open, with fixed ballots, one proposal waiting and ``agreed`` (positions in
    the candidates) recorded as the agreed priorities, in that order."""
    item_id = open_item(db, workshop_id, "ranking")
    with db.writing() as session:
        options = session.exec(select(Entry).where(Entry.item_id == item_id).order_by(col(Entry.id))).all()
        known = [row_id(option) for option in options]
        for places in BALLOTS:
            me = row_id(store.join(session, workshop_id))
            if places:
                ballot = Ballot(tuple(known[place] for place in places))
                usecases.save_response(session, item_id, me, ballot)
        proposer = row_id(store.join(session, workshop_id))
        usecases.save_response(session, item_id, proposer, Proposal(PROPOSAL))
        moderation.set_agreed_order(session, item_id, [known[place] for place in agreed])
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
    """The home screen of tests/test_home.py's snapshot: a run workshop and its follow-up."""
    return fixed_home(db, workshop_id)


# Each opened with the baseline highlighted (the follow-up, newest, is first in the list).
HOME_DIALOGS = {
    "new": ("plus", ["New workshop", "Template", "Make it", "Cancel"]),
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
        moderation.reword_entry(session, row_id(trust), "Mutual trust")
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
