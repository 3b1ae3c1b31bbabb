"""The values kind: participants propose values and the behaviours that show them; the room agrees some.

:mod:`.activity` is the kind (phone form, saving, summary), :mod:`.report` its part of the outcome pack's
documents, :mod:`.results` its results as data.
"""

from workshop.activities.values.activity import (
    BEHAVIOUR_LIMIT,
    NAME_LIMIT,
    STATEMENT_LIMIT,
    AddBehaviour,
    AddValue,
    BehaviourSummary,
    RemoveEntry,
    ValuesActivity,
    ValuesSummary,
    ValueSummary,
)

__all__ = [
    "BEHAVIOUR_LIMIT",
    "NAME_LIMIT",
    "STATEMENT_LIMIT",
    "AddBehaviour",
    "AddValue",
    "BehaviourSummary",
    "RemoveEntry",
    "ValueSummary",
    "ValuesActivity",
    "ValuesSummary",
]
