"""The run-sheet: which agenda item is current, and moving between items."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, select

from workshop.models import AgendaItem, ItemState, utcnow
from workshop.store.workshops import bump_revision, get_workshop


class AgendaError(ValueError):
    """An agenda change that cannot be made (no such item, nothing after the last one)."""


def agenda(session: Session, workshop_id: int) -> Sequence[AgendaItem]:
    """The workshop's agenda in running order."""
    return session.exec(
        select(AgendaItem)
        .where(AgendaItem.workshop_id == workshop_id)
        .order_by(AgendaItem.position, AgendaItem.id)
    ).all()


def get_item(session: Session, item_id: int) -> AgendaItem:
    """The agenda item with this id, or :class:`AgendaError`."""
    item = session.get(AgendaItem, item_id)
    if item is None:
        raise AgendaError(f"no agenda item with id {item_id}")
    return item


def item_by_key(session: Session, item: AgendaItem, key: str) -> AgendaItem | None:
    """Another item of the same workshop whose template key is ``key`` (a dot vote's source, …)."""
    items = session.exec(select(AgendaItem).where(AgendaItem.workshop_id == item.workshop_id)).all()
    return next((other for other in items if other.id != item.id and other.config.get("key") == key), None)


def current_item(session: Session, workshop_id: int) -> AgendaItem | None:
    """The item the facilitator is running now, if any."""
    workshop = get_workshop(session, workshop_id)
    return session.get(AgendaItem, workshop.current_item_id) if workshop.current_item_id else None


def _close(item: AgendaItem) -> None:
    if item.state == ItemState.OPEN:
        item.state = ItemState.CLOSED
        item.ended_at = utcnow()


def start_item(session: Session, item_id: int) -> AgendaItem:
    """Make ``item_id`` the current item and open it; the item running before it is closed.

    Starting a closed item reopens it (answers already given are kept and can be changed again).
    """
    item = get_item(session, item_id)
    workshop = get_workshop(session, item.workshop_id)
    if workshop.current_item_id and workshop.current_item_id != item.id:
        previous = session.get(AgendaItem, workshop.current_item_id)
        if previous is not None:
            _close(previous)
            session.add(previous)
    if item.state != ItemState.OPEN:
        item.state = ItemState.OPEN
        item.started_at = item.started_at or utcnow()
        item.ended_at = None
    workshop.current_item_id = item.id
    session.add_all([item, workshop])
    bump_revision(session, workshop.id)  # type: ignore[arg-type]
    return item


def close_item(session: Session, item_id: int) -> AgendaItem:
    """Close an item: phones can no longer change their answers to it."""
    item = get_item(session, item_id)
    _close(item)
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def next_item(session: Session, workshop_id: int) -> AgendaItem:
    """Close the current item and start the one after it (the first item if none has started)."""
    items = list(agenda(session, workshop_id))
    if not items:
        raise AgendaError("the agenda is empty")
    workshop = get_workshop(session, workshop_id)
    ids = [item.id for item in items]
    if workshop.current_item_id in ids:
        index = ids.index(workshop.current_item_id) + 1
        if index >= len(items):
            raise AgendaError("this is the last agenda item")
    else:
        index = 0
    return start_item(session, items[index].id)  # type: ignore[arg-type]


def reset_item(session: Session, item_id: int) -> AgendaItem:
    """Delete every participant answer to an item; entries from the template or facilitator stay."""
    from workshop.activities import get_activity

    item = get_item(session, item_id)
    get_activity(item.kind).reset(session, item)
    item.revealed = False
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def set_revealed(session: Session, item_id: int, revealed: bool) -> AgendaItem:
    """Show or hide an item's results on participants' phones."""
    item = get_item(session, item_id)
    item.revealed = revealed
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def set_entries_shown(session: Session, item_id: int, shown: bool) -> AgendaItem:
    """Show or hide participants' proposals to one another."""
    item = get_item(session, item_id)
    item.entries_shown = shown
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item
