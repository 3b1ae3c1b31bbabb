"""A workshop's outcomes as one documented, versioned data model: the JSON export *is* this model.

Every format renders the same pack: the documents (Markdown, HTML, Word) and Excel's item sheets through
each kind's blocks; Excel's data sheet, the CSV tables and the JSON through this data.
``outcomes.schema.json`` beside this module is the model's JSON Schema, shipped in the package and checked
by the tests against the model.

A new kind with results adds its model to :data:`KindResults`.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from workshop.activities.actions import ActionsResults
from workshop.activities.dots import DotsResults
from workshop.activities.maturity.results import MaturityResults
from workshop.activities.question import QuestionResults
from workshop.activities.ranking import RankingResults
from workshop.activities.triangle import TriangleResults
from workshop.activities.values.results import ValuesResults

SCHEMA_VERSION: Literal["workshop-outcomes/2"] = "workshop-outcomes/2"
SCHEMA_FILE = Path(__file__).with_name("outcomes.schema.json")

# Each kind's results, told apart by their ``kind`` field.
KindResults = Annotated[
    MaturityResults
    | ValuesResults
    | DotsResults
    | RankingResults
    | TriangleResults
    | QuestionResults
    | ActionsResults,
    Field(discriminator="kind"),
]


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class Baseline(_Data):
    id: int
    title: str


class WorkshopInfo(_Data):
    id: int
    title: str
    template: str
    created_at: datetime
    baseline: Baseline | None = Field(description="The earlier workshop this one re-assesses, if any.")
    min_group: int = Field(description="The smallest group a breakdown shows.")


class GroupCount(_Data):
    name: str
    seats: int


class Attendance(_Data):
    """Seats that joined, counted by the organisation and role level each chose (or "Not said")."""

    seats: int
    by_organisation: list[GroupCount]
    by_role: list[GroupCount]


class ItemOutcome(_Data):
    """One agenda item as run, and its results (null for items not run or with nothing to count)."""

    title: str
    kind: str
    state: Literal["pending", "open", "closed"]
    planned_minutes: int
    actual_minutes: int | None = Field(description="Minutes it ran; null for an item never started.")
    results: KindResults | None = None


class Purged(_Data):
    """The workshop's answers were purged (``workshop purge``): these are the numbers as frozen then."""

    on: date
    note: str = Field(
        description="In words: participants' free text the room did not agree (answers, proposals, comments) "
        "was deleted and shows as a stand-in such as 'Answer 3 (text deleted)'; every count stays."
    )


class Outcomes(_Data):
    """Everything a workshop produced, for other tools to read."""

    schema_version: Literal["workshop-outcomes/2"] = Field(
        SCHEMA_VERSION, alias="schema", description="Changes when the shape of this data changes."
    )
    workshop: WorkshopInfo
    exported_at: datetime
    attendance: Attendance
    items: list[ItemOutcome]
    # Left out until a purge, so an unpurged workshop's JSON is exactly what it always was.
    purged: Purged | None = Field(
        None,
        description="Present only once the workshop's answers have been purged: when, and what went.",
        exclude_if=lambda purged: purged is None,
    )

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


def outcomes_schema() -> dict[str, object]:
    """The JSON Schema of :class:`Outcomes` as the JSON export writes it (field names by alias)."""
    schema = Outcomes.model_json_schema(by_alias=True, mode="serialization")
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = SCHEMA_VERSION
    return schema


def shipped_schema() -> dict[str, object]:
    """The schema shipped beside this module."""
    loaded: dict[str, object] = json.loads(SCHEMA_FILE.read_text(encoding="utf-8"))
    return loaded
