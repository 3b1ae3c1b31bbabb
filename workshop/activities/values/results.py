"""A values item's results as data, for the outcome pack's JSON and spreadsheets.

The pack is passed on to people who were not in the room, so it carries what the room saw: values and
behaviours the facilitator hid are counted, never quoted, and reworded ones appear in the facilitator's
words only (hiding and rewording are how a facilitator takes out what should not travel). A value merged
into another is listed under the one it was merged into. Nothing names a seat.

Kept beside :mod:`workshop.activities.values`, which reads it; the summary's type is named here only for
the type checker, so neither module needs the other at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from workshop.activities.values.activity import BehaviourSummary, ValuesSummary, ValueSummary

Status = Literal["proposed", "approved", "hidden", "merged"]
# An entry the facilitator has not hidden or merged is shown as proposed: values need no approval.
_STATUS: dict[str, Status] = {"pending": "proposed", "approved": "approved", "hidden": "hidden"}
_STANCES: dict[str, Literal["will", "wont"]] = {"will": "will", "wont": "wont"}
_SHOWN = ("proposed", "approved")


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ValueBehaviour(_Data):
    stance: Literal["will", "wont"] | None = Field(
        description='"will" for "We will", "wont" for "We won\'t"; null for one added without either.'
    )
    text: str
    status: Status
    agreed: bool
    agreed_place: int | None = Field(description="Its place among the agreed entries; null if not agreed.")


class MergedValue(_Data):
    """A duplicate merged into the value it is listed under: kept as the participant proposed it."""

    name: str
    statement: str


class ValueResult(_Data):
    name: str
    statement: str
    status: Status = Field(description="proposed (shown), approved, or merged (its target is gone).")
    agreed: bool
    agreed_place: int | None = Field(description="Its place among the agreed values; null if not agreed.")
    behaviours: list[ValueBehaviour] = Field(
        description="In the order they were added; hidden ones left out."
    )
    merged: list[MergedValue] = Field(description="Duplicates merged into this value.")


class ValuesCounts(_Data):
    values: int = Field(description="Values shown (not hidden or merged).")
    behaviours: int = Field(description="Behaviours shown, under values shown.")
    agreed_values: int
    agreed_behaviours: int = Field(description="Agreed behaviours under values shown.")
    hidden: int = Field(description="Values and behaviours the facilitator hid.")
    merged: int = Field(description="Values merged into another.")


class ValuesResults(_Data):
    """A values item's results: every value with its behaviours and merged duplicates, and the counts."""

    kind: Literal["values"] = "values"
    responses: int = Field(description="Seats that added a value or a behaviour.")
    counts: ValuesCounts
    values: list[ValueResult] = Field(description="In the order they were proposed; hidden ones left out.")


def _status(raw: str) -> Status:
    return _STATUS.get(raw, "merged")


def _behaviour(b: BehaviourSummary) -> ValueBehaviour:
    return ValueBehaviour(
        stance=_STANCES.get(b.stance),
        text=b.text,
        status=_status(b.status),
        agreed=b.agreed is not None,
        agreed_place=b.agreed,
    )


def _home(value: ValueSummary, by_id: dict[int, ValueSummary]) -> int | None:
    """The value a merged one now belongs to: followed through merges of merges; None when it is gone."""
    seen = {value.id}
    while value.status == "merged":
        target = by_id.get(value.merged_into) if value.merged_into is not None else None
        if target is None or target.id in seen:
            return None
        seen.add(target.id)
        value = target
    return value.id


def values_results(summary: ValuesSummary) -> ValuesResults:
    """The summary as data: merged values under their value, their behaviours with it (as merging does)."""
    by_id = {v.id: v for v in summary.values}
    homes = {v.id: _home(v, by_id) for v in summary.values}
    # A merged value whose value is gone (or a loop, which merging never makes) stays on the list itself.
    listed = [v for v in summary.values if homes[v.id] == v.id or homes[v.id] is None]
    merged: dict[int, list[ValueSummary]] = {}
    for value in summary.values:
        home = homes[value.id]
        if home is not None and home != value.id:
            merged.setdefault(home, []).append(value)
    values = [
        ValueResult(
            name=v.name,
            statement=v.statement,
            status=_status(v.status),
            agreed=v.agreed is not None,
            agreed_place=v.agreed,
            behaviours=[_behaviour(b) for m in (v, *merged.get(v.id, ())) for b in m.behaviours],
            merged=[MergedValue(name=m.name, statement=m.statement) for m in merged.get(v.id, ())],
        )
        for v in listed
    ]
    shown = [v for v in values if v.status in _SHOWN]
    return ValuesResults(
        responses=summary.responses,
        counts=ValuesCounts(
            values=len(shown),
            behaviours=sum(1 for v in shown for b in v.behaviours if b.status in _SHOWN),
            agreed_values=sum(1 for v in shown if v.agreed),
            agreed_behaviours=sum(1 for v in shown for b in v.behaviours if b.agreed and b.status in _SHOWN),
            hidden=sum(1 for v in values if v.status == "hidden")
            + sum(1 for v in values for b in v.behaviours if b.status == "hidden"),
            merged=sum(1 for v in summary.values if v.status == "merged"),
        ),
        # Counted above, never quoted: hidden values, and hidden behaviours under the values that remain.
        values=[
            v.model_copy(update={"behaviours": [b for b in v.behaviours if b.status != "hidden"]})
            for v in values
            if v.status != "hidden"
        ],
    )
