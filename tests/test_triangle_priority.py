"""A triangle item can take its priority from a ranking: the single leader, or the set text on a tie."""

from __future__ import annotations

from tests.helpers.data import activity, add_item, get_row
from workshop import store, usecases
from workshop.activities import KINDS
from workshop.activities.triangle import TriangleActivity
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.store import entries


def test_priority_follows_the_ranking_leader(db: Database, workshop_id: int) -> None:
    """Linked to a ranking, the triangle is about its single leader; a tie leaves the set text."""
    ranking = add_item(
        db, workshop_id, "ranking", "Rank", {"candidates": ["Hubs", "Data"], "top_n": 2}, key="rank"
    )
    triangle = add_item(
        db,
        workshop_id,
        "triangle",
        "Ideas",
        {"priority": "Our top priority", "priority_from": "rank"},
        start=False,
    )
    kind = activity("triangle", TriangleActivity)

    def shown() -> str:
        with db.reading() as session:
            return kind.structure(session, get_row(session, AgendaItem, row_id(triangle))).priority

    assert shown() == "Our top priority"  # no rankings yet

    def rank(order: list[str]) -> None:
        with db.writing() as session:
            item = get_row(session, AgendaItem, row_id(ranking))
            seat = store.join(session, workshop_id)
            options = {e.text: row_id(e) for e in entries.entries(session, row_id(ranking))}
            form = {"order": ",".join(str(options[text]) for text in order), "action": "submit"}
            parsed = KINDS["ranking"].parse_form(KINDS["ranking"].structure(session, item), form)
            usecases.save_response(session, row_id(ranking), row_id(seat), parsed.answers)

    rank(["Data", "Hubs"])
    assert shown() == "Data"
    rank(["Hubs", "Data"])
    assert shown() == "Our top priority"  # one each: a tie is the room's to settle
