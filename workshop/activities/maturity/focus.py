"""The horizon a maturity item is on: one place for the terminal, the projector, the remote and the API.

Kept in the database (``MaturityFocus``) rather than in the terminal's view, so a remote or a second
process moves the room's horizon and every screen follows. When the item runs its horizons one at a time,
it is also the only horizon phones rate.
"""

from __future__ import annotations

from sqlmodel import Session

from workshop.activities.maturity.activity import MaturityActivity
from workshop.activities.maturity.matrix import matrix_structure
from workshop.models import AgendaItem, Horizon, MaturityFocus, row_id
from workshop.store.agenda import AgendaError, get_item
from workshop.store.workshops import bump_revision


def focused_horizon(session: Session, item: AgendaItem) -> Horizon | None:
    """The horizon the item is on: the one chosen last, else the first; None if the matrix has none."""
    horizons = matrix_structure(session, item).horizons
    focus = session.get(MaturityFocus, row_id(item))
    if focus is not None:
        for horizon in horizons:
            if row_id(horizon) == focus.horizon_id:
                return horizon
    return horizons[0] if horizons else None


def set_focus(session: Session, item_id: int, horizon_key: str) -> Horizon:
    """Put the item on the horizon with this key (a key the workshop does not have is refused)."""
    item = get_item(session, item_id)
    if item.kind != MaturityActivity.kind:
        raise AgendaError("only a maturity matrix item has horizons")
    horizons = matrix_structure(session, item).horizons
    chosen = next((h for h in horizons if h.key == horizon_key), None)
    if chosen is None:
        keys = ", ".join(h.key for h in horizons)
        raise AgendaError(f"this workshop has no horizon “{horizon_key}” (it has {keys})")
    focus = session.get(MaturityFocus, item_id) or MaturityFocus(item_id=item_id, horizon_id=row_id(chosen))
    focus.horizon_id = row_id(chosen)
    session.add(focus)
    bump_revision(session, item.workshop_id)
    return chosen


def step_focus(session: Session, item_id: int, step: int = 1) -> Horizon:
    """Move the item ``step`` horizons on (negative: back), wrapping round: ``h`` in the terminal."""
    item = get_item(session, item_id)
    if item.kind != MaturityActivity.kind:
        raise AgendaError("only a maturity matrix item has horizons")
    horizons = matrix_structure(session, item).horizons
    current = focused_horizon(session, item)
    if current is None:
        raise AgendaError("this workshop's matrix has no horizons")
    index = next(i for i, h in enumerate(horizons) if row_id(h) == row_id(current))
    return set_focus(session, item_id, horizons[(index + step) % len(horizons)].key)
