"""Merging a duplicate value after the dot vote: its dots move, within the per-option limit.

The rule (``DotsActivity.merge_votes``): a seat's dots on the duplicate and on the value kept are added up
on the value kept, capped at the per-option limit; what the cap cuts off goes back to the seat.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import insert
from sqlmodel import Session, select

from tests.helpers.data import get_row
from workshop import store
from workshop.db import Database
from workshop.models import AgendaItem, Dot, Entry, EntryStatus, RankingChoice, Response, row_id
from workshop.store import moderation
from workshop.store.entries import add_entry
from workshop.usecases import merging


@dataclass(frozen=True)
class Room:
    """A values item with three values (a duplicate, the value kept, another) and the dot vote on it."""

    values: int
    vote: int
    duplicate: int
    kept: int
    other: int


def _room(session: Session, workshop_id: int, dots_per_seat: int, most: int) -> Room:
    items = store.agenda(session, workshop_id)
    values = next(i for i in items if i.kind == "values")
    vote = next(i for i in items if i.kind == "dots")
    wanted = {"source": "values", "dots_per_seat": dots_per_seat, "max_per_entry": most}
    vote.config = {**vote.config, "settings": wanted}
    session.add(vote)
    duplicate, kept, other = (
        add_entry(session, values, None, name) for name in ("Trusting", "Trust", "Care")
    )
    return Room(row_id(values), row_id(vote), row_id(duplicate), row_id(kept), row_id(other))


def _place(session: Session, room: Room, workshop_id: int, ballots: list[tuple[int, int, int]]) -> list[int]:
    """Seats with (duplicate, kept, other) dots each; returns their ids."""
    seats = []
    for ballot in ballots:
        seat = row_id(store.join(session, workshop_id))
        seats.append(seat)
        rows = [
            {"item_id": room.vote, "seat_id": seat, "entry_id": entry, "dots": n}
            for entry, n in zip((room.duplicate, room.kept, room.other), ballot, strict=True)
            if n
        ]
        if rows:
            session.execute(insert(Dot), rows)
            session.add(Response(item_id=room.vote, seat_id=seat))
    session.flush()
    return seats


def _dots(session: Session, room: Room) -> dict[tuple[int, int], int]:
    found = session.exec(select(Dot.seat_id, Dot.entry_id, Dot.dots).where(Dot.item_id == room.vote)).all()
    return {(seat, entry): n for seat, entry, n in found}


@st.composite
def _rooms(draw: st.DrawFn) -> tuple[int, int, list[tuple[int, int, int]]]:
    per_seat = draw(st.integers(1, 6))
    most = draw(st.integers(1, per_seat))
    ballots = []
    for _ in range(draw(st.integers(0, 6))):
        on_duplicate = draw(st.integers(0, most))
        on_kept = draw(st.integers(0, min(most, per_seat - on_duplicate)))
        on_other = draw(st.integers(0, min(most, per_seat - on_duplicate - on_kept)))
        ballots.append((on_duplicate, on_kept, on_other))
    return per_seat, most, ballots


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(room=_rooms())
def test_merging_moves_every_dot_but_what_the_limit_returns(
    db: Database, workshop_id: int, room: tuple[int, int, list[tuple[int, int, int]]]
) -> None:
    per_seat, most, ballots = room
    with Session(db.write_engine, expire_on_commit=False) as session:
        try:
            made = _room(session, workshop_id, per_seat, most)
            seats = _place(session, made, workshop_id, ballots)
            before = _dots(session, made)
            preview = merging.merge_preview(session, made.duplicate, made.kept)
            assert _dots(session, made) == before  # the preview writes nothing
            done = merging.merge_value(session, made.duplicate, made.kept)
            session.flush()
            after = _dots(session, made)
        finally:
            session.rollback()  # each example starts from the same workshop
    assert done == preview  # the dialog and the API say what the merge then does
    assert sum(after.values()) == sum(before.values()) - done.votes.returned
    assert not any(entry == made.duplicate for _, entry in after)
    forced = 0
    for seat, (on_duplicate, on_kept, on_other) in zip(seats, ballots, strict=True):
        over = max(0, on_duplicate + on_kept - most) if on_duplicate else 0
        forced += over
        assert after.get((seat, made.kept), 0) == min(on_duplicate + on_kept, most)
        assert after.get((seat, made.other), 0) == on_other  # other options are untouched
        spent = sum(n for (who, _), n in after.items() if who == seat)
        assert spent == on_duplicate + on_kept + on_other - over <= per_seat
        assert all(n <= most for (who, _), n in after.items() if who == seat)
    assert done.votes.returned == forced  # returned only where the limit forced it
    assert done.votes.seats_returned == sum(1 for a, b, _ in ballots if a and a + b > most)
    assert done.votes.moved == sum(a for a, _, _ in ballots) - forced


def test_a_seat_with_dots_on_both_keeps_the_limit_and_gets_the_rest_back(
    db: Database, workshop_id: int
) -> None:
    with db.writing() as session:
        room = _room(session, workshop_id, dots_per_seat=5, most=2)
        both, only_duplicate, only_kept = _place(
            session, room, workshop_id, [(2, 1, 0), (2, 0, 1), (0, 2, 0)]
        )
        preview = merging.merge_preview(session, room.duplicate, room.kept)
    assert (preview.votes.moved, preview.votes.returned, preview.votes.seats_returned) == (3, 1, 1)
    assert preview.sentence == (
        "Merging “Trusting” into “Trust”: 3 dots moved to “Trust”; 1 dot returned to 1 person "
        "(over the limit on one option), to place again."
    )
    with db.writing() as session:
        merging.merge_value(session, room.duplicate, room.kept)
    with db.reading() as session:
        after = _dots(session, room)
        expected = {(both, room.kept): 2, (only_duplicate, room.kept): 2, (only_duplicate, room.other): 1}
        assert after == expected | {(only_kept, room.kept): 2}
        duplicate = get_row(session, Entry, room.duplicate)
        assert (duplicate.status, duplicate.merged_into) == (EntryStatus.MERGED.value, room.kept)


def test_a_value_without_dots_merges_and_says_so(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        room = _room(session, workshop_id, dots_per_seat=3, most=1)
        assert merging.merge_preview(session, room.duplicate, room.kept).sentence == (
            "Merging “Trusting” into “Trust”: no dots to move."
        )


def test_a_refused_merge_is_said_in_the_preview_and_raised_by_the_merge(
    db: Database, workshop_id: int
) -> None:
    with db.writing() as session:
        room = _room(session, workshop_id, dots_per_seat=3, most=1)
        preview = merging.merge_preview(session, room.duplicate, room.duplicate)
        assert preview.sentence == "Cannot merge: Choose a different entry to merge into."
        with pytest.raises(moderation.ModerationError, match="different entry"):
            merging.merge_value(session, room.duplicate, room.duplicate)


def test_votes_no_kind_can_move_still_refuse_the_merge(db: Database, workshop_id: int) -> None:
    """A place in a ranking on the duplicate: moving it would rewrite a ballot's order, so it is refused."""
    with db.writing() as session:
        room = _room(session, workshop_id, dots_per_seat=3, most=1)
        seat = _place(session, room, workshop_id, [(1, 0, 0)])[0]
        ranking = next(i for i in store.agenda(session, workshop_id) if i.kind == "ranking")
        response = Response(item_id=row_id(ranking), seat_id=seat)
        session.add(response)
        session.flush()
        session.add(
            RankingChoice(
                response_id=row_id(response), item_id=row_id(ranking), entry_id=room.duplicate, position=1
            )
        )
    with db.reading() as session:
        before_dots = _dots(session, room)
        assert merging.merge_preview(session, room.duplicate, room.kept).refusal == moderation.VOTED
    with db.writing() as session, pytest.raises(moderation.ModerationError, match="cannot be merged"):
        merging.merge_value(session, room.duplicate, room.kept)
    with db.reading() as session:
        assert _dots(session, room) == before_dots  # nothing moved
        assert get_row(session, Entry, room.duplicate).status != EntryStatus.MERGED.value


def test_the_values_list_reads_the_dots_on_each_value(db: Database, workshop_id: int) -> None:
    from workshop.live import load_snapshot

    with db.writing() as session:
        room = _room(session, workshop_id, dots_per_seat=3, most=2)
        _place(session, room, workshop_id, [(2, 1, 0), (0, 1, 0)])
    snapshot = load_snapshot(db, workshop_id, room.values)
    assert snapshot.tally is not None and snapshot.tally.unit == "dot"
    assert {e: snapshot.tally.by_entry.get(e, 0) for e in (room.duplicate, room.kept, room.other)} == {
        room.duplicate: 2,
        room.kept: 2,
        room.other: 0,
    }
    with db.reading() as session:
        vote = get_row(session, AgendaItem, room.vote)
    assert load_snapshot(db, workshop_id, row_id(vote)).tally is None  # nothing votes on the vote itself
