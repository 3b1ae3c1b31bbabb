"""The facilitator's hand on what participants wrote: reword, merge duplicates, move, mark as agreed.

Nothing here deletes a participant's words: a reworded entry keeps its original text, and a merged one
stays in the database pointing at the entry it was merged into.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, update
from sqlmodel import Session, col, select

from workshop.models import AgendaItem, Entry, EntryStatus, row_id, utcnow
from workshop.store.entries import VISIBLE, votes_on
from workshop.store.workshops import bump_revision


class ModerationError(ValueError):
    """A moderation step that cannot be done; the message says why, in the facilitator's words."""


def _entry(session: Session, entry_id: int) -> Entry:
    entry = session.get(Entry, entry_id)
    if entry is None:
        raise ModerationError("That entry no longer exists (a participant may have removed it)")
    return entry


def _changed(session: Session, *entries: Entry) -> None:
    for entry in entries:
        entry.updated_at = utcnow()
        session.add(entry)
    item = session.get(AgendaItem, entries[0].item_id)
    assert item is not None
    bump_revision(session, item.workshop_id)


def reword_entry(
    session: Session,
    entry_id: int,
    text: str,
    detail: str | None = None,
    *,
    text_limit: int = 500,
    detail_limit: int = 1000,
) -> Entry:
    """Change an entry's wording (and detail, e.g. a statement), keeping the participant's original."""
    entry = _entry(session, entry_id)
    text = text.strip()
    if not text:
        raise ModerationError("The wording cannot be empty")
    if len(text) > text_limit:
        raise ModerationError(f"The wording must be {text_limit} characters or fewer (it has {len(text)})")
    if detail is not None:
        detail = detail.strip()
        if len(detail) > detail_limit:
            raise ModerationError(
                f"The statement must be {detail_limit} characters or fewer (it has {len(detail)})"
            )
    if entry.original_text is None and text != entry.text:
        entry.original_text = entry.text
    entry.text = text
    if detail is not None:
        entry.detail = detail
    _changed(session, entry)
    return entry


def check_merge(session: Session, duplicate_id: int, into_id: int) -> tuple[Entry, Entry]:
    """The duplicate and the value it would merge into, or :class:`ModerationError` saying why not.

    Votes are not checked here: the use case moves the votes kinds can move first (``usecases.merging``).
    """
    duplicate, target = _entry(session, duplicate_id), _entry(session, into_id)
    if duplicate.id == target.id:
        raise ModerationError("Choose a different entry to merge into")
    if duplicate.item_id != target.item_id:
        raise ModerationError("Entries can only be merged within the same activity")
    if duplicate.parent_id is not None or target.parent_id is not None:
        raise ModerationError("Only values can be merged; move a behaviour to another value instead")
    if target.status not in VISIBLE:
        raise ModerationError("That entry is hidden or merged itself: restore it first")
    return duplicate, target


# Said of votes no kind can move (a ranking ballot holding both would need its order rewritten).
VOTED = "People have already voted on this one, so it cannot be merged; hide it instead"


def merge_entries(session: Session, duplicate_id: int, into_id: int) -> Entry:
    """Merge a duplicate value into another: its behaviours move across, it stays on record as merged.

    Refused while any vote still points at the duplicate: ``usecases.merging.merge_value`` moves the dots
    first, and is what the TUI and the API call.
    """
    duplicate, target = check_merge(session, duplicate_id, into_id)
    if votes_on(session, duplicate_id):
        # Moving these votes would double-count people who voted for both; dropping them would lose them.
        raise ModerationError(VOTED)
    session.execute(update(Entry).where(col(Entry.parent_id) == duplicate.id).values(parent_id=target.id))
    duplicate.status = EntryStatus.MERGED.value
    duplicate.merged_into = target.id
    duplicate.agreed_position = None
    _changed(session, duplicate, target)
    return target


def move_entry(session: Session, entry_id: int, value_id: int) -> Entry:
    """Attach a behaviour to a different value of the same activity."""
    entry, value = _entry(session, entry_id), _entry(session, value_id)
    if entry.parent_id is None:
        raise ModerationError("Only behaviours move between values; merge a duplicate value instead")
    if value.parent_id is not None or value.item_id != entry.item_id:
        raise ModerationError("Choose a value from the same activity")
    if value.status not in VISIBLE:
        raise ModerationError("That value is hidden or merged: restore it first")
    entry.parent_id = value.id
    _changed(session, entry)
    return entry


def set_hidden(session: Session, entry_id: int, hidden: bool) -> Entry:
    """Hide an entry from phones and results, or restore a hidden or merged one."""
    entry = _entry(session, entry_id)
    if hidden:
        entry.status = EntryStatus.HIDDEN.value
        entry.agreed_position = None
    else:
        entry.status = EntryStatus.PENDING.value
        entry.merged_into = None
    _changed(session, entry)
    return entry


def set_agreed(session: Session, entry_id: int, agreed: bool) -> Entry:
    """Mark an entry as agreed by the room (it goes last among those agreed), or take the mark off."""
    entry = _entry(session, entry_id)
    if agreed:
        if entry.status not in VISIBLE:
            raise ModerationError("A hidden or merged entry cannot be agreed: restore it first")
        if entry.agreed_position is None:
            last = session.exec(
                select(func.max(Entry.agreed_position)).where(Entry.item_id == entry.item_id)
            ).one()
            entry.agreed_position = (last or 0) + 1
    else:
        entry.agreed_position = None
    _changed(session, entry)
    return entry


def set_agreed_order(session: Session, item_id: int, entry_ids: Sequence[int]) -> None:
    """Record the room's agreed entries (e.g. priorities) in the agreed order; the rest are not agreed."""
    everything = {row_id(e): e for e in session.exec(select(Entry).where(Entry.item_id == item_id)).all()}
    for entry_id in entry_ids:
        if entry_id not in everything:
            raise ModerationError("One of those entries is no longer part of this activity")
        if everything[entry_id].status not in VISIBLE:
            raise ModerationError(f"“{everything[entry_id].text}” is hidden: it cannot be agreed")
    order = {entry_id: place for place, entry_id in enumerate(entry_ids, start=1)}
    for entry_id, entry in everything.items():
        entry.agreed_position = order.get(entry_id)
        session.add(entry)
    item = session.get(AgendaItem, item_id)
    assert item is not None
    bump_revision(session, item.workshop_id)


def agreed_entries(session: Session, item_id: int) -> Sequence[Entry]:
    """The item's agreed entries in the agreed order."""
    return session.exec(
        select(Entry)
        .where(Entry.item_id == item_id, col(Entry.agreed_position).is_not(None))
        .order_by(col(Entry.agreed_position))
    ).all()
