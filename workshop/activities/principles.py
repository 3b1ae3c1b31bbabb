"""The Family Hubs principles (Access, Connection, Relationships) that triangle ideas and ranking options
may name: their words, the phone form's field, the refusal of anything else, and the counts the reports
and the boards show, so every kind that tags entries says the same thing in the same words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from workshop.activities.base import FormError
from workshop.blocks import Block, Paragraph, Table
from workshop.models import Principle


@dataclass(frozen=True)
class PrincipleChoice:
    """One principle: its stored key, its name and a plain-language hint (DOMAIN.md §4)."""

    key: str
    name: str
    hint: str


PRINCIPLES = (
    PrincipleChoice(
        Principle.ACCESS.value, "Access", "A clear, simple way for families to get help, in a hub and beyond"
    ),
    PrincipleChoice(
        Principle.CONNECTION.value,
        "Connection",
        "Services, professionals and partners working together; families tell their story once",
    ),
    PrincipleChoice(
        Principle.RELATIONSHIPS.value,
        "Relationships",
        "Strengthening family relationships and putting relationships at the heart of the work",
    ),
)
PRINCIPLE_KEYS = tuple(p.key for p in PRINCIPLES)
NAMES = {p.key: p.name for p in PRINCIPLES}
# Said on every refusal: the phone form's, a template's and a direct save's.
CHOOSE = "Choose access, connection or relationships as the Family Hubs principle"
REQUIRED = "Choose which Family Hubs principle it serves: access, connection or relationships"


def principle_problem(value: str, required: bool) -> str | None:
    """Why ``value`` cannot be stored as a principle (unknown, or missing when required); None if it can."""
    if not value:
        return REQUIRED if required else None
    return None if value in PRINCIPLE_KEYS else CHOOSE


def parse_principle(form: Mapping[str, str], required: bool, entered: dict[str, str]) -> FormError | None:
    """Read the form's ``principle`` radio into ``entered``; the error to show when it cannot be used."""
    value = form.get("principle") or ""
    problem = principle_problem(value, required)
    if problem is None:
        if value:
            entered["principle"] = value
        return None
    return FormError("principle", "principle-access", problem)


def counts(keys: Iterable[str]) -> dict[str, int]:
    """How many of the given principle keys name each principle; untagged and unknown ones are left out."""
    tally = dict.fromkeys(PRINCIPLE_KEYS, 0)
    for key in keys:
        if key in tally:
            tally[key] += 1
    return tally


def missing(tally: Mapping[str, int]) -> tuple[PrincipleChoice, ...]:
    """The principles with nothing yet, in the model's order."""
    return tuple(p for p in PRINCIPLES if not tally.get(p.key))


def missing_words(tally: Mapping[str, int], what: str) -> str:
    """The principles with nothing yet in words ("No connection ideas yet"), or that each has some."""
    gaps = missing(tally)
    if not gaps:
        return f"Every Family Hubs principle has at least one {what}."
    return " ".join(f"No {p.name.lower()} {what}s yet." for p in gaps)


class PrincipleCount(BaseModel):
    """How many ideas or options name one Family Hubs principle."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    name: str
    count: int = Field(description="Ideas or options that name this principle.")


def as_data(tally: Mapping[str, int]) -> list[PrincipleCount]:
    """The counts per principle as data, in the model's order."""
    return [PrincipleCount(key=p.key, name=p.name, count=tally.get(p.key, 0)) for p in PRINCIPLES]


def report(tally: Mapping[str, int], what: str, untagged: int) -> list[Block]:
    """The counts per principle as a table, and which principle has nothing yet, in words."""
    rows = tuple((p.name, tally.get(p.key, 0)) for p in PRINCIPLES)
    return [
        Table(
            ("Family Hubs principle", f"{what.capitalize()}s"),
            rows,
            caption=f"{what.capitalize()}s by the Family Hubs principle they serve ({untagged} name none).",
        ),
        Paragraph(missing_words(tally, what)),
    ]
