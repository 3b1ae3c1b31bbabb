"""A triangle item can take its priority from a ranking: the single leader, or the set text on a tie."""

from __future__ import annotations

from tests.helpers.data import add_item
from workshop import store, usecases
from workshop.activities import KINDS
from workshop.db import Database
from workshop.models import AgendaItem
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
    activity = KINDS["triangle"]

    def shown() -> str:
        with db.reading() as session:
            return activity.structure(session, session.get(AgendaItem, triangle.id)).priority  # type: ignore[arg-type]

    assert shown() == "Our top priority"  # no rankings yet

    def rank(order: list[str]) -> None:
        with db.writing() as session:
            item = session.get(AgendaItem, ranking.id)
            seat = store.join(session, workshop_id)
            options = {e.text: e.id for e in entries.entries(session, ranking.id)}  # type: ignore[arg-type]
            form = {"order": ",".join(str(options[text]) for text in order), "action": "submit"}
            parsed = KINDS["ranking"].parse_form(KINDS["ranking"].structure(session, item), form)  # type: ignore[arg-type]
            usecases.save_response(session, ranking.id, seat.id, parsed.answers)  # type: ignore[arg-type]

    rank(["Data", "Hubs"])
    assert shown() == "Data"
    rank(["Hubs", "Data"])
    assert shown() == "Our top priority"  # one each: a tie is the room's to settle
