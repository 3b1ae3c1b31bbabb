"""The facilitator's moderation of values and priorities: reword, merge, move, hide, mark as agreed."""

from __future__ import annotations

import pytest
from sqlmodel import Session

from tests.helpers.data import activity, get_row, start_kind
from workshop import store, usecases
from workshop.activities.values import ValuesActivity, ValuesSummary
from workshop.db import Database
from workshop.models import AgendaItem, Entry, EntryStatus, Seat, row_id
from workshop.store import moderation
from workshop.store.entries import add_entry, entries


def values_summary(session: Session, item_id: int) -> ValuesSummary:
    return activity("values", ValuesActivity).summarise(session, get_row(session, AgendaItem, item_id))


@pytest.fixture
def proposals(db: Database, workshop_id: int) -> dict[str, int]:
    """An open values item: two seats proposed "Trust" and "Trusting", each with a behaviour, and "Care"."""
    item = start_kind(db, workshop_id, "values")
    with db.writing() as session:
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other")
        trusting = add_entry(session, item, b, "Trusting", detail="Trust first")
        care = add_entry(session, item, b, "Care")
        keep = add_entry(session, item, a, "Keep promises", tag="will", parent_id=trust.id)
        share = add_entry(session, item, b, "Share data", tag="will", parent_id=trusting.id)
        return {
            "item": row_id(item),
            "trust": row_id(trust),
            "trusting": row_id(trusting),
            "care": row_id(care),
            "keep": row_id(keep),
            "share": row_id(share),
        }


def test_reword_keeps_the_participants_original(db: Database, proposals: dict[str, int]) -> None:
    with db.writing() as session:
        moderation.reword_entry(session, proposals["trust"], "  Trust  ", "We trust each other first")
        moderation.reword_entry(session, proposals["trust"], "Mutual trust")
    with db.reading() as session:
        entry = session.get(Entry, proposals["trust"])
        assert entry is not None
        assert (entry.text, entry.detail, entry.original_text) == (
            "Mutual trust",
            "We trust each other first",
            "Trust",
        )
        value = next(v for v in values_summary(session, proposals["item"]).values if v.id == entry.id)
        assert (value.name, value.original) == ("Mutual trust", "Trust")


@pytest.mark.parametrize(
    ("text", "problem"),
    [("   ", "cannot be empty"), ("x" * 61, r"60 characters or fewer \(it has 61\)")],
)
def test_reword_refuses_bad_wording_and_changes_nothing(
    db: Database, proposals: dict[str, int], text: str, problem: str
) -> None:
    with db.writing() as session, pytest.raises(moderation.ModerationError, match=problem):
        moderation.reword_entry(session, proposals["trust"], text, text_limit=60)
    with db.reading() as session:
        entry = session.get(Entry, proposals["trust"])
        assert entry is not None and (entry.text, entry.original_text) == ("Trust", None)


def test_merge_moves_behaviours_and_keeps_the_duplicate_on_record(
    db: Database, proposals: dict[str, int]
) -> None:
    with db.writing() as session:
        moderation.set_agreed(session, proposals["trusting"], True)
        moderation.merge_entries(session, proposals["trusting"], proposals["trust"])
    with db.reading() as session:
        duplicate = session.get(Entry, proposals["trusting"])
        assert duplicate is not None
        assert (duplicate.status, duplicate.merged_into, duplicate.agreed_position) == (
            EntryStatus.MERGED.value,
            proposals["trust"],
            None,
        )
        summary = values_summary(session, proposals["item"])
        trust = next(v for v in summary.values if v.id == proposals["trust"])
        assert [b.text for b in trust.behaviours] == ["Keep promises", "Share data"]
        assert summary.value_count == 2  # Trust and Care; the merged duplicate no longer counts


@pytest.mark.parametrize(
    ("duplicate", "into", "problem"),
    [
        ("trust", "trust", "different entry"),
        ("keep", "trust", "Only values can be merged"),
        ("trust", "share", "Only values can be merged"),
    ],
)
def test_merge_refusals(
    db: Database, proposals: dict[str, int], duplicate: str, into: str, problem: str
) -> None:
    with db.writing() as session, pytest.raises(moderation.ModerationError, match=problem):
        moderation.merge_entries(session, proposals[duplicate], proposals[into])


def test_merge_into_a_hidden_value_is_refused(db: Database, proposals: dict[str, int]) -> None:
    with db.writing() as session:
        moderation.set_hidden(session, proposals["care"], True)
    with db.writing() as session, pytest.raises(moderation.ModerationError, match="restore it first"):
        moderation.merge_entries(session, proposals["trust"], proposals["care"])


def test_move_a_behaviour_to_another_value(db: Database, proposals: dict[str, int]) -> None:
    with db.writing() as session:
        moderation.move_entry(session, proposals["share"], proposals["care"])
    with db.reading() as session:
        summary = values_summary(session, proposals["item"])
        care = next(v for v in summary.values if v.id == proposals["care"])
        assert [b.text for b in care.behaviours] == ["Share data"]
    with db.writing() as session, pytest.raises(moderation.ModerationError, match="Only behaviours"):
        moderation.move_entry(session, proposals["trust"], proposals["care"])


def test_hide_restore_and_agree(db: Database, proposals: dict[str, int]) -> None:
    with db.writing() as session:
        moderation.set_agreed(session, proposals["care"], True)
        moderation.set_agreed(session, proposals["trust"], True)
        moderation.set_agreed(session, proposals["keep"], True)
        moderation.set_agreed(session, proposals["care"], True)  # a second press keeps its place
    with db.reading() as session:
        agreed = [e.text for e in moderation.agreed_entries(session, proposals["item"])]
        assert agreed == ["Care", "Trust", "Keep promises"]
    with db.writing() as session:
        moderation.set_hidden(session, proposals["care"], True)
    with db.reading() as session:
        assert [e.text for e in moderation.agreed_entries(session, proposals["item"])] == [
            "Trust",
            "Keep promises",
        ]
    with db.writing() as session, pytest.raises(moderation.ModerationError, match="cannot be agreed"):
        moderation.set_agreed(session, proposals["care"], True)
    with db.writing() as session:
        moderation.set_hidden(session, proposals["care"], False)
        moderation.set_agreed(session, proposals["trust"], False)
    with db.reading() as session:
        care = session.get(Entry, proposals["care"])
        assert care is not None and care.status == EntryStatus.PENDING.value
        assert [e.text for e in moderation.agreed_entries(session, proposals["item"])] == ["Keep promises"]


def test_agreed_priorities_in_order_and_cleared_by_reset(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "ranking")
    with db.reading() as session:
        options = [row_id(e) for e in entries(session, row_id(item))]
    with db.writing() as session:
        moderation.set_agreed_order(session, row_id(item), [options[2], options[0]])
    with db.reading() as session:
        assert [e.id for e in moderation.agreed_entries(session, row_id(item))] == [options[2], options[0]]
    with db.writing() as session, pytest.raises(moderation.ModerationError, match="no longer part"):
        moderation.set_agreed_order(session, row_id(item), [options[1], 10_000])
    with db.reading() as session:  # the refused change left the agreed order alone
        assert [e.id for e in moderation.agreed_entries(session, row_id(item))] == [options[2], options[0]]
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
    with db.reading() as session:
        assert moderation.agreed_entries(session, row_id(item)) == []


@pytest.mark.tui
async def test_agreed_priorities_by_key(db: Database, workshop_id: int) -> None:
    from screens.app import WorkshopApp
    from screens.moderation_dialogs import AgreedPrioritiesScreen
    from tests.helpers.data import add_item, new_seat, save
    from tests.helpers.ranking import CANDIDATES, TITLE, ids, summary
    from tests.helpers.tui import screen_text, wait_for
    from workshop.activities.ranking import Ballot

    item = add_item(db, workshop_id, "ranking", TITLE, {"candidates": CANDIDATES, "top_n": 3})

    def agreed_texts() -> list[str]:
        with db.reading() as session:
            return [e.text for e in moderation.agreed_entries(session, row_id(item))]

    known = ids(db, item)
    for places in ((2, 1, 0), (2, 0, 1)):
        save(db, item, new_seat(db, workshop_id), Ballot(tuple(known[CANDIDATES[i]] for i in places)))
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(110, 40)) as pilot:
        await wait_for(pilot, lambda: "2 of 2 joined have ranked" in screen_text(app))
        await pilot.press("g")
        await wait_for(pilot, lambda: isinstance(app.screen, AgreedPrioritiesScreen))
        # The room's order: the leader first, each with its place.
        await wait_for(pilot, lambda: f"☐ {CANDIDATES[2]}  (room: 1st)" in screen_text(app))
        await pilot.press("down", "space")  # the room's second becomes agreed priority 1
        await pilot.press("down", "space")  # and the leader, now just below it, agreed priority 2
        await wait_for(pilot, lambda: f"☑ agreed 2. {CANDIDATES[2]}" in screen_text(app))
        await pilot.press("shift+up")  # order them: the leader first after all
        await pilot.press("s")
        await wait_for(pilot, lambda: len(agreed_texts()) == 2)
        agreed = agreed_texts()
        second = next(r.text for r in summary(db, item).results if r.place == 2)
        assert agreed == [CANDIDATES[2], second]
        await wait_for(pilot, lambda: f"★ Agreed: 1. {CANDIDATES[2]} · 2. {second}" in screen_text(app))


def test_participants_cannot_remove_what_the_facilitator_worked_on(
    db: Database, proposals: dict[str, int]
) -> None:
    from workshop.activities.base import AnswerRefused
    from workshop.store.entries import remove_own_entry

    with db.writing() as session:
        moderation.merge_entries(session, proposals["trusting"], proposals["care"])  # Care's author: seat b
        moderation.set_agreed(session, proposals["trust"], True)
    for entry in ("care", "trust"):  # merged into, agreed
        with (
            db.writing() as session,
            pytest.raises(AnswerRefused, match="The facilitator has worked on this"),
        ):
            found = get_row(session, Entry, proposals[entry])
            item = get_row(session, AgendaItem, proposals["item"])
            assert found.seat_id is not None  # a participant's proposal
            seat = get_row(session, Seat, found.seat_id)
            remove_own_entry(session, item, seat, proposals[entry])
    with db.reading() as session:
        assert session.get(Entry, proposals["care"]) is not None
        assert session.get(Entry, proposals["trust"]) is not None


def test_a_value_people_voted_on_merges_only_with_its_dots(
    db: Database, workshop_id: int, proposals: dict[str, int]
) -> None:
    from workshop.activities.dots import DotsAnswers
    from workshop.usecases import merging

    with db.writing() as session:
        dots = next(i for i in store.agenda(session, workshop_id) if i.kind == "dots")
        store.start_item(session, row_id(dots))
        voter = store.join(session, workshop_id)
        usecases.save_response(session, row_id(dots), row_id(voter), DotsAnswers({proposals["trusting"]: 1}))
    # The store alone never drops or double-counts votes: it refuses while any point at the duplicate.
    with (
        db.writing() as session,
        pytest.raises(moderation.ModerationError, match="voted on this one, so it cannot be merged"),
    ):
        moderation.merge_entries(session, proposals["trusting"], proposals["trust"])
    with db.writing() as session:
        done = merging.merge_value(session, proposals["trusting"], proposals["trust"])
    assert (done.votes.moved, done.votes.returned) == (1, 0)
    with db.reading() as session:
        assert get_row(session, Entry, proposals["trusting"]).merged_into == proposals["trust"]


def test_the_plain_status_setter_keeps_merges_and_agreement_consistent(
    db: Database, proposals: dict[str, int]
) -> None:
    from workshop.store.entries import set_entry_status

    with db.writing() as session:
        moderation.merge_entries(session, proposals["trusting"], proposals["trust"])
        moderation.set_agreed(session, proposals["care"], True)
        set_entry_status(session, proposals["trusting"], EntryStatus.APPROVED)  # restored: no longer merged
        set_entry_status(session, proposals["care"], EntryStatus.HIDDEN)  # hidden: no longer agreed
    with db.reading() as session:
        assert get_row(session, Entry, proposals["trusting"]).merged_into is None
        assert get_row(session, Entry, proposals["care"]).agreed_position is None
    with db.writing() as session, pytest.raises(ValueError, match="merging needs the entry"):
        set_entry_status(session, proposals["care"], EntryStatus.MERGED)
