"""Purging a workshop's answers once they are no longer needed: seats, ballots and free text go; what the
room agreed, the workshop's content and a frozen copy of its outcome pack stay (docs/data-protection.md).

Storage knows no kind: the caller (``workshop.usecases.purge``) passes the kinds' tables to empty and the
entries the kinds call agreed.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, CursorResult, Delete, and_, delete, func, or_, update
from sqlmodel import Session, SQLModel, col, select

from workshop.models import AgendaItem, Entry, ItemState, PurgedPack, Response, Seat, Workshop, table_of
from workshop.store.lifecycle import follow_ups
from workshop.store.workshops import get_workshop

AGREED = "agreed entries (values, behaviours, priorities, confirmed actions)"


class PurgeRefused(ValueError):
    """A purge that would lose something still needed; the message says what, and what to do."""


@dataclass(frozen=True)
class PurgeCounts:
    """Rows a purge deleted and kept, by what they are in words ("maturity ratings")."""

    deleted: dict[str, int]
    kept: dict[str, int]


def words_of(model: type[SQLModel]) -> str:
    """A table's rows in words: ``MaturityRating`` is "maturity ratings"."""
    return re.sub(r"(?<!^)(?=[A-Z])", " ", model.__name__).lower() + "s"


def purged_pack(session: Session, workshop_id: int) -> PurgedPack | None:
    """The frozen outcome pack of a purged workshop; None while its answers are still kept."""
    return session.get(PurgedPack, workshop_id)


def purged_ids(session: Session) -> set[int]:
    """The workshops whose answers have been purged."""
    return set(session.exec(select(PurgedPack.workshop_id)).all())


def check_purgeable(session: Session, workshop_id: int) -> Workshop:
    """The workshop, if its answers may be purged now.

    Raises:
        WorkshopNotFound: no such workshop.
        PurgeRefused: an item is open (phones may be answering), or a follow-up not itself purged compares
            with this workshop's ratings, which a purge would delete.
    """
    workshop = get_workshop(session, workshop_id)
    running = session.exec(
        select(AgendaItem.title).where(
            AgendaItem.workshop_id == workshop_id, AgendaItem.state == ItemState.OPEN.value
        )
    ).first()
    if running is not None:
        raise PurgeRefused(
            f"workshop {workshop_id} has an open item ({running!r}): phones may still be answering. "
            "Close it in the run-sheet first"
        )
    done = purged_ids(session)
    for later in follow_ups(session, workshop_id):
        if later.id not in done:
            raise PurgeRefused(
                f"workshop {workshop_id} is the baseline of follow-up {later.id} ({later.title!r}), whose "
                "change since the baseline is counted from these ratings. Purge the follow-up first, once "
                "its outcome pack is final"
            )
    return workshop


def kept_entries(session: Session, workshop_id: int, agreed_entries: Collection[int]) -> frozenset[int]:
    """The workshop's entries whose text a purge keeps (:func:`delete_answers` deletes the others): agreed
    (an ``agreed_position``, or listed in ``agreed_entries``), or not from a seat."""
    items = select(AgendaItem.id).where(AgendaItem.workshop_id == workshop_id)
    kept = or_(
        col(Entry.seat_id).is_(None),
        col(Entry.agreed_position).is_not(None),
        col(Entry.id).in_(list(agreed_entries)),
    )
    rows = session.exec(select(Entry.id).where(col(Entry.item_id).in_(items), kept)).all()
    return frozenset(entry_id for entry_id in rows if entry_id is not None)


def keep_pack(session: Session, workshop_id: int, pack: dict[str, object], purged_at: datetime) -> PurgedPack:
    """Keep ``pack`` (the outcome pack as data) as the workshop's frozen pack, which marks it purged."""
    frozen = PurgedPack(workshop_id=workshop_id, pack=pack, purged_at=purged_at)
    session.add(frozen)
    session.flush()
    return frozen


def replace_pack(session: Session, frozen: PurgedPack, pack: dict[str, object]) -> None:
    """Keep ``pack`` in place of the frozen pack's data; when it was purged stays as it was."""
    frozen.pack = pack
    session.add(frozen)
    session.flush()


def kept_texts(session: Session, workshop_id: int) -> frozenset[str]:
    """Every text the workshop still keeps that is not the room's answers: its entries' words (after a
    purge only those kept), every string in its items' settings (a triangle's set priority), and the
    workshop's and its items' titles and notes (which the pack's headings and sentences quote)."""
    items = session.exec(select(AgendaItem).where(AgendaItem.workshop_id == workshop_id)).all()
    workshop = session.get(Workshop, workshop_id)
    named = [workshop.title] if workshop is not None else []
    named += [text for item in items for text in (item.title, item.notes) if text]
    rows = session.exec(
        select(Entry.text, Entry.detail).where(col(Entry.item_id).in_([item.id for item in items]))
    ).all()
    texts = {text for row in rows for text in row if text} | set(named)
    for item in items:
        texts.update(_strings(item.config))
    return frozenset(texts)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value] if value else []
    if isinstance(value, dict):
        return [text for inner in value.values() for text in _strings(inner)]
    if isinstance(value, list):
        return [text for inner in value for text in _strings(inner)]
    return []


def _deleted(session: Session, statement: Delete) -> int:
    result = session.execute(statement)
    # A DELETE's result is a cursor's, which knows how many rows went (the typing says only "a result").
    assert isinstance(result, CursorResult)
    return result.rowcount


def _count(session: Session, model: type[SQLModel], where: ColumnElement[bool]) -> int:
    return session.exec(select(func.count()).select_from(model).where(where)).one()


def delete_answers(
    session: Session,
    workshop_id: int,
    answer_tables: Sequence[type[SQLModel]],
    kept_tables: Sequence[type[SQLModel]],
    agreed_entries: Collection[int],
) -> PurgeCounts:
    """Delete the workshop's seats, responses, the kinds' ``answer_tables`` rows and participants' entries
    that were not agreed; count what stays in ``kept_tables`` and the entries kept.

    An entry stays if it was agreed (an ``agreed_position``, or listed in ``agreed_entries``) or came from
    the template or the facilitator rather than a seat. Kept entries lose their seat and the participant's
    original wording, which only said whose words they were.
    """
    items = select(AgendaItem.id).where(AgendaItem.workshop_id == workshop_id)
    deleted: dict[str, int] = {}
    for model in answer_tables:
        # Typed only as SQLModel here: the Core table's columns are where ``item_id`` is known.
        deleted[words_of(model)] = _deleted(
            session, delete(model).where(table_of(model).c.item_id.in_(items))
        )
    doomed = and_(
        col(Entry.item_id).in_(items),
        col(Entry.seat_id).is_not(None),
        col(Entry.agreed_position).is_(None),
        col(Entry.id).not_in(list(agreed_entries)),
    )
    doomed_ids = select(Entry.id).where(doomed)
    # Kept entries may sit under or be merged into a doomed one: cut those links before it goes.
    session.execute(update(Entry).where(col(Entry.parent_id).in_(doomed_ids)).values(parent_id=None))
    session.execute(update(Entry).where(col(Entry.merged_into).in_(doomed_ids)).values(merged_into=None))
    deleted["participants' entries not agreed (proposals, ideas, answers)"] = _deleted(
        session, delete(Entry).where(doomed)
    )
    ours = col(Entry.item_id).in_(items)
    session.execute(update(Entry).where(ours).values(seat_id=None, original_text=None))
    deleted["responses"] = _deleted(session, delete(Response).where(col(Response.item_id).in_(items)))
    deleted["seats"] = _deleted(session, delete(Seat).where(col(Seat.workshop_id) == workshop_id))
    kept = {
        words_of(model): _count(session, model, table_of(model).c.item_id.in_(items)) for model in kept_tables
    }
    agreed = or_(col(Entry.agreed_position).is_not(None), col(Entry.id).in_(list(agreed_entries)))
    kept[AGREED] = _count(session, Entry, and_(ours, agreed))
    kept["other entries, from the template or the facilitator"] = _count(session, Entry, ours) - kept[AGREED]
    return PurgeCounts(deleted=deleted, kept=kept)
