"""A workshop's life outside the room: the home list, follow-ups, archiving and deleting."""

from __future__ import annotations

import pytest
from sqlalchemy import func
from sqlmodel import SQLModel, select

from tests.helpers.data import vote
from workshop import store, usecases
from workshop.db import Database
from workshop.models import AgendaItem, Entry, MaturityFactor, Seat, Workshop, row_id
from workshop.store import lifecycle
from workshop.store.agenda import ItemEdit, edit_item
from workshop.store.entries import add_entry
from workshop.templates import get_template


def counts(db: Database, workshop_id: int) -> dict[str, int]:
    """Rows per table that belong to the workshop, directly or through its items."""
    with db.reading() as session:
        items = select(AgendaItem.id).where(AgendaItem.workshop_id == workshop_id)
        found = {}
        for table in SQLModel.metadata.sorted_tables:
            if "workshop_id" in table.c:
                query = select(func.count()).select_from(table).where(table.c.workshop_id == workshop_id)
            elif "item_id" in table.c:
                query = select(func.count()).select_from(table).where(table.c.item_id.in_(items))
            else:
                continue
            found[table.name] = session.exec(query).one()
        return found


def test_follow_up_copies_the_content_and_agenda_but_no_answers(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        maturity = next(i for i in store.agenda(session, workshop_id) if i.kind == "maturity")
        edit_item(
            session, row_id(maturity), ItemEdit(title="Matrix, first run", minutes=55, notes="Start with now")
        )
        store.start_item(session, row_id(maturity))
        # The baseline's own copy changed after the template: the follow-up must follow the baseline.
        factor = session.exec(select(MaturityFactor).where(MaturityFactor.workshop_id == workshop_id)).first()
        assert factor is not None
        factor.name = "Goals, values and purpose"
        session.add(factor)
    vote(db, workshop_id, row_id(maturity), 3)

    with db.writing() as session:
        follow_up = usecases.create_follow_up(session, workshop_id, "  Follow-up 2027  ")
        new_id = row_id(follow_up)
    with db.reading() as session:
        new = session.get(Workshop, new_id)
        old = session.get(Workshop, workshop_id)
        assert new is not None and old is not None
        assert (new.title, new.baseline_id, new.template) == ("Follow-up 2027", workshop_id, old.template)
        assert new.join_code != old.join_code
        items = store.agenda(session, new_id)
        copied = next(i for i in items if i.kind == "maturity")
        assert (copied.title, copied.planned_minutes, copied.notes) == (
            "Matrix, first run",
            55,
            "Start with now",
        )
        assert {i.state for i in items} == {"pending"} and not any(i.started_at for i in items)
        names = session.exec(select(MaturityFactor.name).where(MaturityFactor.workshop_id == new_id)).all()
        assert "Goals, values and purpose" in names
        # Template candidates for the ranking come back, as in a new workshop.
        ranking = next(i for i in items if i.kind == "ranking")
        assert session.exec(select(func.count()).select_from(Entry).where(Entry.item_id == ranking.id)).one()
    before, after = counts(db, workshop_id), counts(db, new_id)
    assert before["seat"] == 1 and after["seat"] == 0
    assert after["response"] == after["maturityrating"] == 0
    for table in ("organisation", "rolelevel", "maturitylevel", "horizon", "maturityfactor", "agendaitem"):
        assert after[table] == before[table] > 0


def test_rows_show_progress_and_archive_hides_then_restores(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        first = store.agenda(session, workshop_id)[0]
        store.start_item(session, row_id(first))
        store.close_item(session, row_id(first))
        store.join(session, workshop_id)
        follow_up = row_id(usecases.create_follow_up(session, workshop_id, "Year two"))
    with db.reading() as session:
        rows = {row.id: row for row in lifecycle.workshop_rows(session)}
    assert rows[workshop_id].items_done == 1 and rows[workshop_id].seats == 1
    assert rows[workshop_id].items == rows[follow_up].items > 0 and rows[follow_up].items_done == 0
    assert (rows[follow_up].baseline_id, rows[follow_up].baseline_title) == (workshop_id, "Test workshop")
    assert list(rows) == [follow_up, workshop_id]  # newest first

    with db.writing() as session:
        lifecycle.set_archived(session, workshop_id, True)
    with db.reading() as session:
        assert [row.id for row in lifecycle.workshop_rows(session)] == [follow_up]
        archived = {row.id: row for row in lifecycle.workshop_rows(session, archived=True)}
        assert archived[workshop_id].archived and not archived[follow_up].archived
    with db.writing() as session:
        lifecycle.set_archived(session, workshop_id, False)
    with db.reading() as session:
        assert {row.id for row in lifecycle.workshop_rows(session)} == {follow_up, workshop_id}


def test_delete_removes_every_row_and_only_unlinks_follow_ups(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        other = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Neighbour"))
    with db.writing() as session:
        items = {i.kind: i for i in store.agenda(session, workshop_id)}
        store.start_item(session, row_id(items["maturity"]))
    vote(db, workshop_id, row_id(items["maturity"]), 4)
    with db.writing() as session:
        store.start_item(session, row_id(items["values"]))
        seat = store.join(session, workshop_id)
        value = add_entry(session, items["values"], seat, "Trust")
        add_entry(session, items["values"], None, "We will listen", parent_id=value.id, tag="will")
    with db.writing() as session:
        follow_up = row_id(usecases.create_follow_up(session, workshop_id, "Year two"))
    neighbour_before = counts(db, other)
    assert counts(db, workshop_id)["maturityrating"] == 27

    with db.writing() as session:
        usecases.delete_workshop(session, workshop_id)
    assert set(counts(db, workshop_id).values()) == {0}
    assert counts(db, other) == neighbour_before
    with db.reading() as session:
        assert session.get(Workshop, workshop_id) is None
        left = session.get(Workshop, follow_up)
        assert left is not None and left.baseline_id is None
        assert session.exec(select(func.count()).select_from(Seat)).one() == 0
        with pytest.raises(store.WorkshopNotFound):
            usecases.delete_workshop(session, workshop_id)
