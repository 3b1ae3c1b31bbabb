"""Snapshots of the live views and of the agenda screen's dialogs, each at 80x24 and 120x36.

Every participant, answer and time here is fixed: the join code, the facilitator token and the clock are
set by hand, and seat codes (random) never reach the screen.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlmodel import Session, select

from screens.app import WorkshopApp
from tests.helpers.snapshots import SIZES, TOKEN, Snap, fixed_app, open_item, settled
from workshop import store, usecases
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.question import AddAnswer
from workshop.activities.triangle import AddIdea
from workshop.db import Database
from workshop.models import Organisation, RoleLevel, row_id
from workshop.store.entries import add_entry

pytestmark = pytest.mark.tui


def seat(session: Session, workshop_id: int, organisation: str | None = None, role: str | None = None) -> int:
    """A new seat, with an organisation and role level named as in the template."""
    org = session.exec(
        select(Organisation.id).where(
            Organisation.workshop_id == workshop_id, Organisation.name == organisation
        )
    ).first()
    level = session.exec(
        select(RoleLevel.id).where(RoleLevel.workshop_id == workshop_id, RoleLevel.name == role)
    ).first()
    return row_id(store.join(session, workshop_id, org, level))


# Live views --------------------------------------------------------------------------------------

# Per seat, the answers it sent; the last seat joined and said nothing.
ANSWERS = (("Trust", "Slow"), ("Trust is growing",), ("Patchy",), ())


def question_app(db: Database, workshop_id: int) -> WorkshopApp:
    item_id = open_item(db, workshop_id, "question")
    with db.writing() as session:
        for answers in ANSWERS:
            me = seat(session, workshop_id)
            for text in answers:
                usecases.save_response(session, item_id, me, AddAnswer(text))
    return fixed_app(db, workshop_id)


QUESTION_SHOWN = ("4 answers from 3 of 4 joined", "• Patchy")


@SIZES
def test_snapshot_question_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    app = question_app(db, workshop_id)
    assert snap_compare(app, terminal_size=size, run_before=settled(*QUESTION_SHOWN))


VALUES = ("Families first", "Open with information", "Trust each other", "Shared responsibility")
# Per seat, the values (by position above) it put a dot on; the last seat joined and did not vote.
DOTS = ((0, 1, 2), (0, 1, 3), (0, 2), ())


@SIZES
def test_snapshot_dots_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    item_id = open_item(db, workshop_id, "dots")
    with db.writing() as session:
        source = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        ids = [
            row_id(add_entry(session, source, None, text, detail=f"We say: {text.lower()}."))
            for text in VALUES
        ]
        for chosen in DOTS:
            me = seat(session, workshop_id)
            if chosen:
                answers = DotsAnswers({ids[index]: 1 for index in chosen})
                usecases.save_response(session, item_id, me, answers)
    shown = settled("3 of 4 joined have voted", "Shared responsibility")
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)


# Per seat, its ideas as (text, segment, question); the last seat joined and added nothing.
IDEAS = (
    (
        ("Family-friendly licensing near schools", "civic", "c"),
        ("Parent peer support groups", "community", "a"),
    ),
    (
        ("Stay and play in every Family Hub", "service", "b"),
        ("One front door for early help", "service", "c"),
    ),
    (
        ("Volunteer befriending for new parents", "community", "b"),
        ("Council jobs for care leavers", "civic", "b"),
    ),
    (),
)


@SIZES
def test_snapshot_triangle_live_view(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    item_id = open_item(db, workshop_id, "triangle")
    with db.writing() as session:
        for ideas in IDEAS:
            me = seat(session, workshop_id)
            for text, segment, question in ideas:
                usecases.save_response(session, item_id, me, AddIdea(text, segment, question))
    shown = settled("6 ideas from 3 of 4 joined", "Council jobs for care leavers", "Balanced")
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)


# (organisation, role level, seats, rating for factor position f and horizon position h).
RATERS: tuple[tuple[str, str, int, Callable[[int, int], int | None]], ...] = (
    ("Council", "Manager", 4, lambda f, h: 2 + h),
    ("Council", "Senior leader", 1, lambda f, h: 5 if f % 3 == 0 else None),  # "some" agreement
    ("NHS trust", "Front line", 3, lambda f, h: (3, 3, 1)[f % 3]),
    ("NHS trust", "Manager", 3, lambda f, h: (2, 3, 5)[f % 3]),  # split with the front line
    ("Police", "Chief officer", 2, lambda f, h: 5),  # too few to show: suppressed
    ("Fire and rescue", "Front line", 3, lambda f, h: 1),  # too few to show: suppressed
)


@SIZES
def test_snapshot_maturity_breakdown_by_organisation(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int]
) -> None:
    item_id = open_item(db, workshop_id, "maturity")
    with db.writing() as session:
        structure = load_structure(session, workshop_id)
        for organisation, role, seats, rate in RATERS:
            for _ in range(seats):
                me = seat(session, workshop_id, organisation, role)
                ratings = {
                    (row_id(f), row_id(h)): rate(fi, hi)
                    for fi, f in enumerate(structure.factors)
                    for hi, h in enumerate(structure.horizons)
                }
                usecases.save_response(session, item_id, me, MatrixAnswers(ratings, {}))
    shown = settled(
        "16 of 16 joined answered",
        keys=["b"],
        then=["By organisation · Now", "16 of 16 joined answered", "NHS trust"],
    )
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)


# Dialogs on the agenda screen, over the open question -----------------------------------------------

DIALOGS = {
    "edit": ("e", ["Edit agenda item", "Facilitator notes"]),
    "add": ("plus", ["Add an agenda item", "Planned minutes"]),
    "reset": ("r", ["Delete every answer to", "Yes, delete them"]),
    "help": ("question_mark", ["Keys", "Open the highlighted item for answers"]),
    "wifi": ("w", ["Venue Wi-Fi", "Network name (SSID)"]),
    "remote": ("f", ["Facilitator remote", TOKEN]),
}


@SIZES
@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_snapshot_agenda_dialog(
    snap_compare: Snap, db: Database, workshop_id: int, size: tuple[int, int], dialog: str
) -> None:
    key, texts = DIALOGS[dialog]
    shown = settled(*QUESTION_SHOWN, keys=[key], then=texts)
    assert snap_compare(question_app(db, workshop_id), terminal_size=size, run_before=shown)
