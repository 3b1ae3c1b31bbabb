"""The triangle's results as data, for the outcome pack's JSON and spreadsheets: the priority, each segment's
ideas with the question and Family Hubs principle they name, and the balance across questions and principles.

Kept apart from the kind (:mod:`workshop.activities.triangle`), which builds them, so each file stays small.
"""

from __future__ import annotations

from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from workshop.activities.principles import PrincipleCount


class _Named(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def name(self) -> str: ...

    @property
    def hint(self) -> str: ...


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class TriangleChoice(_Data):
    key: str
    name: str
    hint: str

    @classmethod
    def of(cls, choice: _Named) -> TriangleChoice:
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
