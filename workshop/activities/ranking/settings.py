"""A ranking item's settings, as a template gives them: the options, how many each person ranks, proposals,
and the Family Hubs principle each template option serves."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator, model_validator

from workshop.activities import principles

TEXT_LIMIT = 120

Candidate = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=TEXT_LIMIT)]


class RankingSettings(BaseModel):
    """A ranking item's settings, as a template gives them."""

    model_config = ConfigDict(extra="forbid")

    candidates: list[Candidate] = Field(default_factory=list, description="Options from the template.")
    top_n: int = Field(default=3, ge=1, le=20, description="How many options each person ranks.")
    allow_proposals: bool = Field(default=True, description="Whether participants may propose options.")
    max_proposals_per_seat: int = Field(default=2, ge=1, le=20)
    principles: dict[str, str] = Field(
        default_factory=dict,
        description="Option text → the Family Hubs principle it serves (access, connection, relationships).",
    )

    @model_validator(mode="after")
    def _principles_named(self) -> RankingSettings:
        known = {text.casefold() for text in self.candidates}
        for text, principle in self.principles.items():
            if text.casefold() not in known:
                raise ValueError(f"principles names {text!r}, which is not one of the candidates")
            problem = principles.principle_problem(principle, required=False)
            if problem:
                raise ValueError(f"{text!r}: {problem}, not {principle!r}")
        return self

    def principle_of(self, text: str) -> str:
        """The principle a template's option serves ("" when it names none)."""
        wanted = text.casefold()
        return next((p for t, p in self.principles.items() if t.casefold() == wanted), "")

    @field_validator("candidates")
    @classmethod
    def _distinct(cls, candidates: list[str]) -> list[str]:
        seen: set[str] = set()
        for text in candidates:
            if text.casefold() in seen:
                raise ValueError(f"{text!r} appears twice")
            seen.add(text.casefold())
        return candidates
