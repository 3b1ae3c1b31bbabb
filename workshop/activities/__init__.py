"""Activity kinds: the registry that maps a kind name to its parts.

Adding a kind means: a module here with an :class:`Activity` subclass (form, storage, summary), its phone
template in ``workshop/web/templates/activities/``, its live view in ``screens/views/``, and one line in
:data:`KINDS` (and in the views registry in ``screens/views/__init__.py``).
"""

from __future__ import annotations

from workshop.activities.base import Activity, FormError, ParsedForm
from workshop.activities.dots import DotsActivity
from workshop.activities.info import InfoActivity
from workshop.activities.maturity import MaturityActivity
from workshop.activities.question import QuestionActivity
from workshop.activities.ranking import RankingActivity
from workshop.activities.triangle import TriangleActivity
from workshop.activities.values import ValuesActivity

KINDS: dict[str, Activity] = {
    activity.kind: activity
    for activity in (
        InfoActivity(),
        MaturityActivity(),
        ValuesActivity(),
        DotsActivity(),
        RankingActivity(),
        TriangleActivity(),
        QuestionActivity(),
    )
}

__all__ = ["KINDS", "Activity", "FormError", "ParsedForm", "get_activity"]


def get_activity(kind: str) -> Activity:
    """The activity for ``kind``; an unknown kind (from a newer version) behaves as a facilitated item."""
    return KINDS.get(kind, KINDS["info"])
