"""A baseline and its follow-ups: maturity ratings per factor, and follow-ups held some days later."""

from __future__ import annotations

from datetime import timedelta

from tests.helpers.data import get_row
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database
from workshop.models import AgendaItem, Workshop, row_id


def rate(db: Database, workshop_id: int, item: AgendaItem, levels: dict[str, tuple[int, int, int]]) -> None:
    """A new seat rates each factor key (now, one year, two years); other factors don't know."""
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        ratings: dict[tuple[int, int], int | None] = {}
        for factor in structure.factors:
            wanted = levels.get(factor.key)
            for index, horizon in enumerate(structure.horizons):
                ratings[(row_id(factor), row_id(horizon))] = wanted[index] if wanted else None
        usecases.save_response(session, row_id(item), row_id(seat), MatrixAnswers(ratings, {}))


def follow_up(db: Database, baseline_id: int, title: str, days_later: int) -> tuple[int, AgendaItem]:
    """A follow-up of ``baseline_id`` with its maturity item started ``days_later`` days after the
    baseline's was (or after the baseline was made); returns the follow-up's id and that item."""
    with db.writing() as session:
        made = usecases.create_follow_up(session, baseline_id, title)
        baseline = get_row(session, Workshop, baseline_id)
        base_item = next((i for i in store.agenda(session, baseline_id) if i.kind == "maturity"), None)
        then = (base_item.started_at if base_item else None) or baseline.created_at
        item = next(i for i in store.agenda(session, row_id(made)) if i.kind == "maturity")
        store.start_item(session, row_id(item))
        item.started_at = then + timedelta(days=days_later)
        session.add(item)
        session.flush()
        session.refresh(item)
        return row_id(made), item


def factor_keys(db: Database, workshop_id: int) -> list[str]:
    with db.reading() as session:
        return [f.key for f in load_structure(session, workshop_id).factors]
