"""A values activity with some of it agreed, for the HR text tests: what counts, what must stay out."""

from __future__ import annotations

from collections.abc import Sequence

from workshop import store
from workshop.db import Database
from workshop.models import row_id
from workshop.store import moderation
from workshop.store.entries import add_entry

ONE_TEAM = "One team around the family"
TRUST = "Trust"
# Agreed behaviours under "One team around the family"; the last came from the value merged into it.
WILL = (
    "agree a lead professional with partner agencies",
    "share information within agreed protocols",
    "visit families together",
)
WONT = ("make families repeat their story",)
# Proposed and never agreed (or hidden): none of these may reach the HR text.
LEFT_OUT = (
    "hold meetings without the family",
    "keep secrets from partners",
    "blame other teams",
    "Curiosity",
)


def seed_values(db: Database, workshop_id: int) -> dict[str, int]:
    """Open the template's values item and fill it: two values agreed (One team with agreed behaviours,
    Trust with none agreed), one merged into One team, one never agreed, and behaviours left out."""
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        store.start_item(session, row_id(item))
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        one_team = add_entry(session, item, a, ONE_TEAM, detail="Families tell their story once")
        trust = add_entry(session, item, b, TRUST)
        duplicate = add_entry(session, item, b, "One team", detail="Work as one")
        curiosity = add_entry(session, item, a, "Curiosity", detail="Ask why")
        agreed = [one_team, trust]
        for text in WILL[:2]:
            agreed.append(add_entry(session, item, a, text, tag="will", parent_id=one_team.id))
        agreed.append(add_entry(session, item, b, WONT[0], tag="wont", parent_id=one_team.id))
        add_entry(session, item, a, LEFT_OUT[0], tag="will", parent_id=one_team.id)
        hidden = add_entry(session, item, b, LEFT_OUT[1], tag="wont", parent_id=one_team.id)
        add_entry(session, item, b, LEFT_OUT[2], tag="wont", parent_id=trust.id)
        agreed.append(add_entry(session, item, b, WILL[2], tag="will", parent_id=duplicate.id))
        moderation.merge_entries(session, row_id(duplicate), row_id(one_team))
        moderation.set_hidden(session, row_id(hidden), True)
        for entry in agreed:
            moderation.set_agreed(session, row_id(entry), True)
        return {
            "item": row_id(item),
            "one_team": row_id(one_team),
            "trust": row_id(trust),
            "duplicate": row_id(duplicate),
            "curiosity": row_id(curiosity),
            "hidden": row_id(hidden),
        }


def seed_named(db: Database, workshop_id: int, names: Sequence[str]) -> None:
    """Open the values item with one agreed value per name (no behaviours), agreed in the order given."""
    with db.writing() as session:
        item = next(i for i in store.agenda(session, workshop_id) if i.kind == "values")
        store.start_item(session, row_id(item))
        seat = store.join(session, workshop_id)
        ids = [row_id(add_entry(session, item, seat, name)) for name in names]
        moderation.set_agreed_order(session, row_id(item), ids)
