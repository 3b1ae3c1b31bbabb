"""The run-sheet: which agenda item is current, and moving between items."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import RowMapping, bindparam, update
from sqlalchemy import select as core_select
from sqlmodel import Session, col, select

from workshop.models import AgendaItem, Entry, ItemState, PurgedPack, Workshop, row_id, table_of, utcnow
from workshop.store.workshops import WorkshopNotFound, bump_revision, get_workshop


class AgendaError(ValueError):
    """An agenda change that cannot be made (no such item, nothing after the last one)."""


def agenda(session: Session, workshop_id: int) -> Sequence[AgendaItem]:
    """The workshop's agenda in running order."""
    return session.exec(
        select(AgendaItem)
        .where(AgendaItem.workshop_id == workshop_id)
        .order_by(col(AgendaItem.position), col(AgendaItem.id))
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


# Built once and run on the session's connection: every phone page reads its item, and the ORM's query
# building, identity map and loading cost several times the statement (benchmarks/README.md).
_ITEMS = table_of(AgendaItem)
_WORKSHOPS = table_of(Workshop)
_ITEM_COLUMNS = [_ITEMS.c[name] for name in AgendaItem.model_fields]
_ITEM_BY_ID = core_select(*_ITEM_COLUMNS).where(_ITEMS.c.id == bindparam("item_id"))
# The workshop outer-joined to its current item: one statement tells "no workshop" from "no item yet".
_CURRENT = (
    core_select(_WORKSHOPS.c.id.label("workshop_row"), *_ITEM_COLUMNS)
    .select_from(_WORKSHOPS.outerjoin(_ITEMS, _ITEMS.c.id == _WORKSHOPS.c.current_item_id))
    .where(_WORKSHOPS.c.id == bindparam("workshop_id"))
)


def _copy(values: RowMapping) -> AgendaItem:
    return AgendaItem.model_construct(**{name: values[name] for name in AgendaItem.model_fields})


def current_item(session: Session, workshop_id: int) -> AgendaItem | None:
    """The item the facilitator is running now, if any; :class:`WorkshopNotFound` if no such workshop.

    A copy to read (as ``store.seat_by_token``'s), not a row the session tracks: changing it changes
    nothing; :func:`get_item` gives a tracked one.
    """
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    row = session.connection().execute(_CURRENT, {"workshop_id": workshop_id}).first()
    if row is None:
        raise WorkshopNotFound(f"no workshop with id {workshop_id}")
    return None if row.id is None else _copy(row._mapping)


def item_copy(session: Session, item_id: int) -> AgendaItem | None:
    """The agenda item with this id as a copy to read (see :func:`current_item`), or None."""
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    row = session.connection().execute(_ITEM_BY_ID, {"item_id": item_id}).first()
    return None if row is None else _copy(row._mapping)


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
    if session.get(PurgedPack, item.workshop_id) is not None:
        # Its pack is frozen from the answers the purge deleted: new answers would count nowhere.
        raise AgendaError("this workshop's answers were purged, so its items cannot open again")
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
    bump_revision(session, row_id(workshop))
    return item


def close_item(session: Session, item_id: int) -> AgendaItem:
    """Close an item: phones can no longer change their answers to it."""
    item = get_item(session, item_id)
    _close(item)
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def next_item(session: Session, workshop_id: int, step: int = 1) -> AgendaItem:
    """Close the current item and start the one after it (the first item if none has started).

    ``step=-1`` goes back instead: the item before the current one opens again, answers and all.
    """
    items = list(agenda(session, workshop_id))
    if not items:
        raise AgendaError("the agenda is empty")
    workshop = get_workshop(session, workshop_id)
    ids = [item.id for item in items]
    if workshop.current_item_id in ids:
        index = ids.index(workshop.current_item_id) + step
        if index >= len(items):
            raise AgendaError("this is the last agenda item")
        if index < 0:
            raise AgendaError("this is the first agenda item")
    elif step < 0:
        raise AgendaError("nothing has started yet: there is no previous item")
    else:
        index = 0
    return start_item(session, row_id(items[index]))


def forget_outcome(session: Session, item: AgendaItem) -> AgendaItem:
    """After an item's answers are deleted: nothing is agreed any more and the results are hidden again."""
    # What the room agreed came from the answers just deleted: it goes with them.
    session.execute(update(Entry).where(col(Entry.item_id) == item.id).values(agreed_position=None))
    item.revealed = False
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def _set_flag(session: Session, item_id: int, flag: str, value: bool) -> AgendaItem:
    item = get_item(session, item_id)
    setattr(item, flag, value)
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def set_revealed(session: Session, item_id: int, revealed: bool) -> AgendaItem:
    """Show or hide an item's results on participants' phones."""
    return _set_flag(session, item_id, "revealed", revealed)


def set_entries_shown(session: Session, item_id: int, shown: bool) -> AgendaItem:
    """Show or hide participants' proposals to one another."""
    return _set_flag(session, item_id, "entries_shown", shown)


class ItemEdit(BaseModel):
    """A facilitator's change to an agenda item, validated like a template (blank fields stay as they are)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = (
        None
    )
    minutes: int | None = Field(default=None, ge=0, le=600)
    notes: Annotated[str, StringConstraints(max_length=4000)] | None = None


def edit_item(session: Session, item_id: int, edit: ItemEdit) -> AgendaItem:
    """Change an item's title, planned minutes or notes during the workshop."""
    item = get_item(session, item_id)
    if edit.title is not None:
        item.title = edit.title
    if edit.minutes is not None:
        item.planned_minutes = edit.minutes
    if edit.notes is not None:
        item.notes = edit.notes
    session.add(item)
    bump_revision(session, item.workshop_id)
    return item


def move_item(session: Session, item_id: int, offset: int) -> AgendaItem:
    """Move an item up (negative) or down the run-sheet; positions are renumbered 0, 1, 2, …"""
    item = get_item(session, item_id)
    items = list(agenda(session, item.workshop_id))
    index = next(i for i, other in enumerate(items) if other.id == item.id)
    target = min(max(index + offset, 0), len(items) - 1)
    items.insert(target, items.pop(index))
    for position, other in enumerate(items):
        if other.position != position:
            other.position = position
            session.add(other)
    bump_revision(session, item.workshop_id)
    return item


def insert_item(
    session: Session, workshop_id: int, kind: str, title: str, minutes: int, after: int | None
) -> AgendaItem:
    """Store an item of ``kind`` after the item ``after`` (at the end when None), with default settings.

    Setting the item up is its kind's job (see workshop.usecases). Raises pydantic's ValidationError for a
    bad title or minutes.
    """
    edit = ItemEdit(title=title, minutes=minutes)
    items = list(agenda(session, workshop_id))
    index = next((i + 1 for i, other in enumerate(items) if other.id == after), len(items))
    item = AgendaItem(
        workshop_id=workshop_id,
        kind=kind,
        title=edit.title or "",
        planned_minutes=edit.minutes or 0,
        config={"key": None, "settings": {}},
    )
    session.add(item)
    session.flush()
    items.insert(index, item)
    for position, other in enumerate(items):
        other.position = position
        session.add(other)
    bump_revision(session, workshop_id)
    return item
