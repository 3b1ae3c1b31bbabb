"""Activity kinds: the registry that maps a kind name to its parts.

Adding a kind means: a module here with an :class:`Activity` subclass (form, storage, summary, the tables
it owns), its phone template in ``workshop/web/templates/activities/``, its live view in ``screens/views/``,
and one line in :data:`KINDS` (and in the views registry in ``screens/views/__init__.py``). Kinds never
import one another: what one needs from another item goes through a capability (:meth:`Activity.leader`)
that this registry wires up. See docs/architecture.md.
"""

from __future__ import annotations

from typing import Any, TypeAlias

from sqlmodel import Session, SQLModel

from workshop.activities.actions import ActionsActivity
from workshop.activities.base import Activity, FormError, ParsedForm
from workshop.activities.dots import DotsActivity
from workshop.activities.info import InfoActivity
from workshop.activities.maturity import MaturityActivity
from workshop.activities.question import QuestionActivity
from workshop.activities.ranking import RankingActivity
from workshop.activities.triangle import TriangleActivity
from workshop.activities.values import ValuesActivity
from workshop.models import AgendaItem

# A kind of any types: items name their kind by a string read at run time (from the database or a
# template), so what the registry hands back cannot know them. Each kind's own module is typed in full;
# callers that know the kind import it (or its summary type) from there.
AnyActivity: TypeAlias = Activity[Any, Any, Any, Any]


def _leader(session: Session, item: AgendaItem) -> tuple[int, str] | None:
    # Defined before the kinds are made: the triangle asks it for the leader of the item it follows.
    return get_activity(item.kind).leader(session, item)


def _agreed(session: Session, item: AgendaItem) -> tuple[tuple[int, str], ...]:
    # Likewise for actions, which link to the priorities the item they follow agreed.
    return get_activity(item.kind).agreed_priorities(session, item)


KINDS: dict[str, AnyActivity] = {
    activity.kind: activity
    for activity in (
        InfoActivity(),
        MaturityActivity(),
        ValuesActivity(),
        DotsActivity(),
        RankingActivity(),
        TriangleActivity(leader_of=_leader),
        QuestionActivity(),
        ActionsActivity(agreed_of=_agreed),
    )
}

__all__ = ["KINDS", "Activity", "AnyActivity", "FormError", "ParsedForm", "get_activity", "kind_tables"]


def get_activity(kind: str) -> AnyActivity:
    """The activity for ``kind``; an unknown kind (from a newer version) behaves as a facilitated item."""
    return KINDS.get(kind, KINDS["info"])


def kind_tables() -> tuple[type[SQLModel], ...]:
    """Every kind's own tables (see :attr:`Activity.tables`), each once, for deleting a whole workshop."""
    return tuple(dict.fromkeys(table for activity in KINDS.values() for table in activity.tables))
