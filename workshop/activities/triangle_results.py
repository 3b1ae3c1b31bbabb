"""The triangle's tags (its segments and questions) and its results as data, for the outcome pack's JSON and
spreadsheets: the priority, each segment's ideas with the question and Family Hubs principle they name, and
the balance across questions and principles.

Kept apart from the kind (:mod:`workshop.activities.triangle`), which builds them, so each file stays small.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from workshop.activities.principles import PrincipleCount


@dataclass(frozen=True)
class Choice:
    """One option of a tag: its stored key, its name and a plain-language hint."""

    key: str
    name: str
    hint: str


# Plain-language summaries of the three groups of place-based interventions (see DOMAIN.md §3).
SEGMENTS = (
    Choice(
        "civic",
        "Civic",
        "What the place does through policy, planning, licensing, spending and as an employer",
    ),
    Choice(
        "service",
        "Service",
        "What services do: support that works, fair access, reaching enough people, joined-up pathways",
    ),
    Choice(
        "community",
        "Community",
        "What is done with and by communities: local strengths, volunteers, peer roles, community groups",
    ),
)
QUESTIONS = (
    Choice("a", "(a)", "What children, young people and families can do for themselves"),
    Choice("b", "(b)", "What they need a little help with"),
    Choice("c", "(c)", "What agencies must do because families cannot"),
)
SEGMENT_KEYS = tuple(choice.key for choice in SEGMENTS)
QUESTION_KEYS = tuple(choice.key for choice in QUESTIONS)


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TriangleChoice(_Data):
    key: str
    name: str
    hint: str

    @classmethod
    def of(cls, choice: Choice) -> TriangleChoice:
        """The data of one segment or question."""
        return cls(key=choice.key, name=choice.name, hint=choice.hint)


class TriangleIdea(_Data):
    text: str
    question: str | None = Field(description="The key of the question it answers; null when it has none.")
    principle: str | None = Field(description="The key of the Family Hubs principle it serves; null if none.")


class TriangleSegment(_Data):
    segment: TriangleChoice
    ideas: list[TriangleIdea] = Field(description="Its shown ideas, oldest first; never who wrote them.")
    by_question: dict[str, int] = Field(description="Question key → ideas in this segment that answer it.")


class TriangleResults(_Data):
    """A triangle's results: the priority, each segment's ideas, and the balance across the questions."""

    kind: Literal["triangle"] = "triangle"
    priority: str = Field(description="The priority the ideas are for, as it stood when exported.")
    responses: int = Field(description="Seats that added at least one idea.")
    ideas: int = Field(description="Ideas shown, in every segment.")
    questions: list[TriangleChoice]
    segments: list[TriangleSegment]
    by_question: dict[str, int] = Field(description="Question key → ideas that answer it, in every segment.")
    by_principle: list[PrincipleCount] = Field(
        description="Ideas per Family Hubs principle, in every segment."
    )
    missing_principles: list[str] = Field(description="Keys of the Family Hubs principles with no idea yet.")
