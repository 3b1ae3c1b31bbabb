"""Text entries participants add (values, behaviours, proposals, ideas, answers) and their moderation."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Column, Table, delete, func, update
from sqlmodel import Session, col, select

from workshop.errors import AnswerRefused
from workshop.models import (
    AgendaItem,
    Entry,
    EntryStatus,
    Principle,
    Response,
    Seat,
    row_id,
    table_of,
    utcnow,
)
from workshop.store.workshops import bump_revision

# What other participants may see once the facilitator shows the entries.
VISIBLE = (EntryStatus.PENDING.value, EntryStatus.APPROVED.value)
# The refusal of a removal naming no entry of the seat's; forms say the same of an id no row can have.
NOT_YOURS = "You can only remove what you added yourself"


def votes_on(session: Session, entry_id: int) -> int:
    """How many rows of other tables point at the entry: votes on it, whichever kind cast them."""
    return sum(
        session.exec(select(func.count()).select_from(table).where(column == entry_id)).one()
        for table, column in _pointing_at_entries()
    )


def _pointing_at_entries() -> list[tuple[Table, Column[int]]]:
    # Read from the schema, so storage names no kind's table: a kind's column of votes on entries carries
    # VOTE_ON_ENTRY (models.py); a column that only links to an entry does not count. Cheap, never stale.
    entry_table = table_of(Entry)
    return [
        (table, fk.parent)
        for table in entry_table.metadata.sorted_tables
        for fk in table.foreign_keys
        if fk.column.table is entry_table and fk.parent.info.get("vote_on_entry")
    ]


def add_entry(
    session: Session,
    item: AgendaItem,
    seat: Seat | None,
    text: str,
    *,
    detail: str = "",
    tag: str = "",
    tag2: str = "",
    principle: str = "",
    parent_id: int | None = None,
    limit: int | None = None,
    status: EntryStatus = EntryStatus.PENDING,
) -> Entry:
    """Add an entry, refusing one over the seat's ``limit`` for this item or under a parent from elsewhere.

    ``principle`` is a :class:`Principle` value or empty; anything else is refused in words.
    """
    if principle and principle not in set(Principle):
        raise AnswerRefused("Choose access, connection or relationships as the Family Hubs principle")
    if seat is not None and limit is not None:
        count = session.exec(
            select(func.count()).select_from(Entry).where(Entry.item_id == item.id, Entry.seat_id == seat.id)
        ).one()
        if count >= limit:
            raise AnswerRefused(f"You have already added {limit}, the most this activity allows")
    if parent_id is not None:
        parent = session.get(Entry, parent_id)
        if parent is None or parent.item_id != item.id or parent.status not in (*VISIBLE,):
            raise AnswerRefused("That entry is no longer available: choose another")
    entry = Entry(
        item_id=row_id(item),
        seat_id=seat.id if seat else None,
        text=text,
        detail=detail,
        tag=tag,
        tag2=tag2,
        principle=principle,
        parent_id=parent_id,
        status=status.value,
        # Added approved: a ranking's ballots cast before now never saw it.
        approved_at=utcnow() if status == EntryStatus.APPROVED else None,
    )
    session.add(entry)
    session.flush()
    return entry


def delete_own_entry(session: Session, item: AgendaItem, seat: Seat, entry_id: int) -> None:
    """Remove an entry the seat added (and anything the same seat added under it in this item); entries of
    other items that link to it are kept, unlinked."""
    entry = session.get(Entry, entry_id)
    if entry is None or entry.item_id != item.id or entry.seat_id != seat.id:
        raise AnswerRefused(NOT_YOURS)
    if votes_on(session, entry_id):
        raise AnswerRefused(
            "People have already voted on this, so it stays; ask the facilitator to change it"
        )
    merged_here = session.exec(
        select(func.count()).select_from(Entry).where(Entry.merged_into == entry.id)
    ).one()
    if merged_here or entry.agreed_position is not None or entry.original_text is not None:
        # The facilitator has worked on it (merged others into it, agreed or reworded it): it is theirs too.
        raise AnswerRefused("The facilitator has worked on this, so it stays; ask them to change it")
    for child in session.exec(
        select(Entry).where(Entry.parent_id == entry.id, Entry.item_id == item.id)
    ).all():
        if child.seat_id != seat.id:
            raise AnswerRefused("Others have added to this, so it stays; ask the facilitator to change it")
        session.delete(child)
    # Another item's entry only links to it (an action to the priority it serves): it stays, unlinked, as
    # delete_seat_entries does.
    session.execute(
        update(Entry)
        .where(col(Entry.parent_id) == entry.id, col(Entry.item_id) != item.id)
        .values(parent_id=None)
    )
    # Children first: the database refuses to drop a parent that rows still point at.
    session.flush()
    session.delete(entry)


def own_entries(session: Session, item_id: int, seat_id: int) -> Sequence[Entry]:
    """What this seat added to the item, oldest first."""
    return session.exec(
        select(Entry).where(Entry.item_id == item_id, Entry.seat_id == seat_id).order_by(col(Entry.id))
    ).all()


def entries(session: Session, item_id: int, *, statuses: Sequence[str] | None = None) -> Sequence[Entry]:
    """The item's entries in display order, optionally only those with the given statuses."""
    query = select(Entry).where(Entry.item_id == item_id)
    if statuses is not None:
        query = query.where(col(Entry.status).in_(list(statuses)))
    return session.exec(query.order_by(col(Entry.position), col(Entry.id))).all()


def set_entry_status(session: Session, entry_id: int, status: EntryStatus) -> Entry:
    """Approve, hide or restore an entry (a facilitator action)."""
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise LookupError(f"no entry with id {entry_id}")
    if status == EntryStatus.MERGED:
        raise ValueError("merging needs the entry it merges into: use moderation.merge_entries")
    if status == EntryStatus.APPROVED and entry.status != EntryStatus.APPROVED:
        # Ballots cast before now never saw it (a ranking shares leftover points only among seen options).
        entry.approved_at = utcnow()
    entry.status = status.value
    if status == EntryStatus.HIDDEN:
        entry.agreed_position = None  # a hidden entry is not part of what the room agreed
    else:
        entry.merged_into = None  # restored: no longer a duplicate of anything
    entry.updated_at = utcnow()
    session.add(entry)
    item = session.get(AgendaItem, entry.item_id)
    assert item is not None
    bump_revision(session, item.workshop_id)
    return entry


def remove_own_entry(session: Session, item: AgendaItem, seat: Seat, entry_id: int) -> None:
    """Delete one of the seat's entries; the seat stops counting as answered when none are left."""
    delete_own_entry(session, item, seat, entry_id)
    session.flush()
    left = session.exec(
        select(func.count()).select_from(Entry).where(Entry.item_id == item.id, Entry.seat_id == seat.id)
    ).one()
    if not left:
        session.execute(
            delete(Response).where(col(Response.item_id) == item.id, col(Response.seat_id) == seat.id)
        )


def delete_seat_entries(session: Session, item: AgendaItem) -> None:
    """Delete what participants wrote for the item, and anything that points at it (votes, merges)."""
    written = select(Entry.id).where(Entry.item_id == item.id, col(Entry.seat_id).is_not(None))
    # Foreign keys are enforced: votes cast on these entries (in this item or a later one), and facilitator
    # entries merged into or hung under them, must let go first.
    for table, column in _pointing_at_entries():
        session.execute(delete(table).where(column.in_(written)))
    session.execute(update(Entry).where(col(Entry.merged_into).in_(written)).values(merged_into=None))
    # Anything hung under them in this item means nothing without them (a facilitator's behaviour under a
    # participant's value); links from other items are cut instead.
    session.execute(
        update(Entry)
        .where(col(Entry.parent_id).in_(written), col(Entry.item_id) != item.id)
        .values(parent_id=None)
    )
    session.execute(delete(Entry).where(col(Entry.parent_id).in_(written), col(Entry.item_id) == item.id))
    session.execute(delete(Entry).where(col(Entry.item_id) == item.id, col(Entry.seat_id).is_not(None)))
