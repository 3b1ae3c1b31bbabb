"""Snapshots of the actions view (one confirmed, one waiting) and the facilitator's add-action dialog with its
errors, at 80x24 and 120x36."""

from __future__ import annotations

import pytest

from tests.helpers.actions import agree, items, lead
from tests.helpers.data import activity, get_row
from tests.helpers.snapshots import SIZES, Snap, fixed_app, open_item, settled
from workshop import store
from workshop.activities.actions import ActionsActivity, AddAction
from workshop.db import Database
from workshop.models import AgendaItem

pytestmark = pytest.mark.tui


def one_of_each(db: Database, workshop_id: int) -> None:
    """Open the actions item with a confirmed action for the agreed priority and one waiting."""
    ranking, _ = items(db, workshop_id)
    [(priority_id, _)] = agree(db, ranking, 1)
    item_id = open_item(db, workshop_id, "actions")
    council, police = lead(db, workshop_id, "Council"), lead(db, workshop_id, "Police")
    kind = activity("actions", ActionsActivity)
    with db.writing() as session:
        plan = AddAction("One integrated plan, signed off", council, "2027-03-31", priority_id)
        kind.add_confirmed(session, item_id, plan)
        item, seat = get_row(session, AgendaItem, item_id), store.join(session, workshop_id)
        kind.save(session, item, seat, AddAction("Safer routes to school", police, "2027-09"))


@SIZES
def test_snapshot_actions_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    one_of_each(db, workshop_id)
    shown = settled("Actions confirmed: 1 · waiting: 1", "Safer routes to school")
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)


@SIZES
def test_snapshot_add_action_dialog_with_its_errors(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    one_of_each(db, workshop_id)
    keys = ["t", *"Open two family hubs", "tab", "tab", *"2027-13", "enter"]
    shown = settled(
        "Actions confirmed: 1 · waiting: 1",
        tab_to="actions-pending",
        keys=keys,
        then=["Choose the organisation that leads it", "2027-13 is not a real month"],
    )
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)
