"""Dot vote: each seat spreads a budget of dots over another item's proposals; limits held on the server."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from sqlalchemy import delete, func, insert, update
from sqlmodel import Session, col, select

from workshop.activities.base import (
    Activity,
    AnswerRefused,
    AskedSetting,
    FormError,
    ParsedForm,
    Tally,
    TextPurge,
    VoteMerge,
    ensure_response,
    settings_of,
)
from workshop.blocks import Block, Paragraph, Table
from workshop.models import AgendaItem, Dot, Entry, Seat, row_id
from workshop.store.agenda import item_by_key
from workshop.store.entries import VISIBLE, entries
from workshop.wording import people, plural

# Beyond this many dots on one option a row of radios is too long for a phone: a number box instead.
MOST_RADIOS = 5


class DotsSettings(BaseModel):
    """Which item's entries are voted on, and how many dots a seat has."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$", description="The key of the item voted on.")
    dots_per_seat: int = Field(default=3, ge=1, le=50)
    max_per_entry: int = Field(default=1, ge=1, le=50)

    @model_validator(mode="after")
    def _fits_budget(self) -> DotsSettings:
        if self.max_per_entry > self.dots_per_seat:
            raise ValueError(
                f"max_per_entry ({self.max_per_entry}) cannot be more than "
                f"dots_per_seat ({self.dots_per_seat})"
            )
        return self


@dataclass(frozen=True)
class DotsStructure:
    """The settings, the source item (None when no item has the key) and the options, in source order."""

    settings: DotsSettings | None
    source: AgendaItem | None
    options: tuple[Entry, ...]

    @property
    def control(self) -> str:
        """How a phone picks the dots for one option: "checkbox", "radios" or "number"."""
        most = self.settings.max_per_entry if self.settings else 1
        return "checkbox" if most == 1 else "radios" if most <= MOST_RADIOS else "number"

    @staticmethod
    def field_name(entry: Entry) -> str:
        """The form field for the dots on one option."""
        return f"dots-{entry.id}"

    def anchor(self, entry: Entry) -> str:
        """The element an error about this option links to."""
        return f"dots-{entry.id}-0" if self.control == "radios" else f"dots-{entry.id}"


@dataclass(frozen=True)
class DotsAnswers:
    """A seat's dots by entry id (options left at zero are absent)."""

    dots: dict[int, int]


@dataclass(frozen=True)
class OptionResult:
    """One option's dots: the total, how many seats dotted it, and its place (shared when tied)."""

    entry_id: int
    text: str
    detail: str
    dots: int
    seats: int
    rank: int
    tied: bool


@dataclass(frozen=True)
class DotsSummary:
    """The live picture of a dot vote; ``source_title`` is None when the vote is not set up."""

    source_title: str | None
    options: tuple[OptionResult, ...]
    voters: int
    dots_per_seat: int
    max_per_entry: int

    @property
    def total_dots(self) -> int:
        """Every dot placed on an option still in the vote."""
        return sum(option.dots for option in self.options)


class DotsOption(BaseModel):
    """One option of a dot vote as data: its dots, how many people dotted it, its place."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    text: str
    detail: str = Field(description="The option's statement or detail, empty when it has none.")
    dots: int
    people: int = Field(description="Seats that put at least one dot on it.")
    rank: int = Field(description="Its place by dots, 1 for the most; tied options share a place.")
    tied: bool


class DotsResults(BaseModel):
    """A dot vote's results: every option still in the vote, most dots first; never who placed them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["dots"] = "dots"
    source: str | None = Field(description="The title of the item voted on; null when not set up.")
    dots_per_seat: int
    max_per_option: int = Field(description="The most dots one seat could put on one option.")
    voters: int = Field(description="Seats that placed dots.")
    total_dots: int
    options: list[DotsOption]


def _count(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return 0
    # Capped in length: int() of thousands of digits is slow, then refused by Python itself.
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 10 else None


class DotsActivity(Activity[DotsSettings, DotsStructure, DotsAnswers, DotsSummary]):
    """Spend a few dots on the proposals that matter most; at most ``max_per_entry`` on one."""

    kind = "dots"
    label = "Dot vote"
    phone_template = "activities/dots.html"
    results_template = "activities/dots_results.html"
    after_save = "saved"
    settings_model = DotsSettings
    asks = (
        AskedSetting(
            "source",
            "What is voted on",
            "source",
            "There is nothing to vote on: a dot vote needs a values item on the agenda. Add one first.",
        ),
    )
    tables = (Dot,)

    def settings(self, item: AgendaItem) -> DotsSettings:
        return settings_of(DotsSettings, item)

    def structure(self, session: Session, item: AgendaItem) -> DotsStructure:
        try:
            settings = self.settings(item)
        except ValidationError:  # an item made without a template's checks: say "not set up", never crash
            return DotsStructure(None, None, ())
        source = item_by_key(session, item, settings.source)
        if source is None:
            return DotsStructure(settings, None, ())
        listed = entries(session, row_id(source), statuses=VISIBLE)
        options = tuple(e for e in listed if e.parent_id is None)
        return DotsStructure(settings, source, options)

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: DotsStructure
    ) -> dict[str, Any]:
        votable = {e.id for e in structure.options}
        # Dots on a proposal hidden since are gone from the form, so they are not counted as placed.
        rows = [
            (entry_id, dots)
            for entry_id, dots in session.exec(
                select(Dot.entry_id, Dot.dots).where(Dot.item_id == item.id, Dot.seat_id == seat.id)
            ).all()
            if entry_id in votable
        ]
        values = {f"dots-{entry_id}": str(dots) for entry_id, dots in rows}
        return {"values": values, "used": sum(dots for _, dots in rows)}

    def parse_form(self, structure: DotsStructure, form: Mapping[str, str]) -> ParsedForm[DotsAnswers]:
        settings = structure.settings
        if settings is None or structure.source is None:
            return ParsedForm(None, [FormError("form", "main", "This vote is not set up yet")])
        most = settings.max_per_entry
        known = {structure.field_name(e) for e in structure.options}
        errors: list[FormError] = []
        if any(name.startswith("dots-") and name not in known for name in form):
            errors.append(
                FormError("form", "main", "Something you voted on is no longer in the vote: check your dots")
            )
        dots: dict[int, int] = {}
        entered: dict[str, str] = {}
        for entry in structure.options:
            name = structure.field_name(entry)
            raw = form.get(name) or ""
            entered[name] = raw
            count = _count(raw)
            if count is None or count > most:
                limit = "0 or 1" if most == 1 else f"a whole number from 0 to {most}"
                errors.append(
                    FormError(name, structure.anchor(entry), f"Dots on “{entry.text}” must be {limit}")
                )
            elif count:
                dots[row_id(entry)] = count
        used = sum(dots.values())
        first = structure.anchor(structure.options[0]) if structure.options else "main"
        if not errors and used > settings.dots_per_seat:
            errors.append(
                FormError(
                    "dots",
                    first,
                    f"You have {settings.dots_per_seat} dots but placed {used}: "
                    f"take {used - settings.dots_per_seat} off",
                )
            )
        if not errors and used == 0:
            errors.append(FormError("dots", first, "Place at least one dot on an option"))
        return ParsedForm(DotsAnswers(dots), errors, entered)

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: DotsAnswers) -> None:
        # Everything again, inside the write: a replayed or hand-made post never reaches the form's checks.
        structure = self.structure(session, item)
        settings = structure.settings
        if settings is None or structure.source is None:
            raise AnswerRefused("This vote is not set up yet")
        votable = {e.id for e in structure.options}
        if any(entry_id not in votable for entry_id in answers.dots):
            raise AnswerRefused(
                "Something you voted on is no longer in the vote: check your dots and send again"
            )
        if any(n < 0 or n > settings.max_per_entry for n in answers.dots.values()):
            raise AnswerRefused(f"You can put at most {settings.max_per_entry} on one option")
        used = sum(answers.dots.values())
        if used > settings.dots_per_seat:
            raise AnswerRefused(f"You have {settings.dots_per_seat} dots but placed {used}")
        if used == 0:
            raise AnswerRefused("Place at least one dot on an option")
        session.execute(delete(Dot).where(col(Dot.item_id) == item.id, col(Dot.seat_id) == seat.id))
        session.execute(
            insert(Dot),
            [
                {"item_id": item.id, "seat_id": seat.id, "entry_id": entry_id, "dots": n}
                for entry_id, n in answers.dots.items()
                if n
            ],
        )
        ensure_response(session, row_id(item), row_id(seat))

    def summarise(self, session: Session, item: AgendaItem) -> DotsSummary:
        structure = self.structure(session, item)
        settings = structure.settings
        if settings is None or structure.source is None:
            return DotsSummary(None, (), 0, settings.dots_per_seat if settings else 0, 0)
        totals = {
            entry_id: (dots, seats)
            for entry_id, dots, seats in session.exec(
                select(Dot.entry_id, func.sum(Dot.dots), func.count(col(Dot.seat_id).distinct()))
                .where(Dot.item_id == item.id, col(Dot.dots) > 0)
                .group_by(col(Dot.entry_id))
            ).all()
        }
        voters = session.exec(
            select(func.count(col(Dot.seat_id).distinct())).where(Dot.item_id == item.id, col(Dot.dots) > 0)
        ).one()
        counted = [(e, *totals.get(row_id(e), (0, 0))) for e in structure.options]
        # list.sort is stable, so tied options keep the order they had in the source item.
        counted.sort(key=lambda row: -row[1])
        options: list[OptionResult] = []
        for index, (entry, dots, seats) in enumerate(counted):
            rank = index + 1 if index == 0 or dots != counted[index - 1][1] else options[-1].rank
            tied = sum(1 for _, d, _ in counted if d == dots) > 1
            options.append(OptionResult(row_id(entry), entry.text, entry.detail, dots, seats, rank, tied))
        return DotsSummary(
            structure.source.title, tuple(options), voters, settings.dots_per_seat, settings.max_per_entry
        )

    def merge_votes(
        self, session: Session, item: AgendaItem, duplicate_id: int, into_id: int, *, apply: bool
    ) -> VoteMerge:
        """Move each seat's dots from the duplicate to the surviving option, within the per-option limit.

        A seat with dots on both ends with their sum on the survivor, capped at ``max_per_entry``; what the
        cap cuts off is returned to the seat (removed, so it can place them again while the vote is open).
        A seat with dots on the duplicate alone keeps them all (each was within the limit). Merging never
        adds dots to a seat, so ``dots_per_seat`` holds. Restoring the duplicate later does not bring its
        dots back: they stay where the merge put them.
        """
        try:
            limit = self.settings(item).max_per_entry
        except ValidationError:  # not set up: its dots are not moved, so the merge is refused
            return VoteMerge()
        rows = session.exec(
            select(Dot.seat_id, Dot.entry_id, Dot.dots).where(
                Dot.item_id == item.id, col(Dot.entry_id).in_([duplicate_id, into_id])
            )
        ).all()
        placed: dict[int, dict[int, int]] = {}
        for seat_id, entry_id, dots in rows:
            placed.setdefault(seat_id, {})[entry_id] = dots
        result = VoteMerge()
        for seat_id, on in placed.items():
            if duplicate_id not in on:
                continue
            before, there = on[duplicate_id], on.get(into_id)
            kept = min(before + (there or 0), limit)
            moved = max(0, kept - (there or 0))
            returned = before + (there or 0) - kept
            result += VoteMerge(1, moved, returned, 1 if returned else 0)
            if not apply:
                continue
            mine = (col(Dot.item_id) == item.id, col(Dot.seat_id) == seat_id)
            session.execute(delete(Dot).where(*mine, col(Dot.entry_id) == duplicate_id))
            if there is None:
                session.execute(
                    insert(Dot), [{"item_id": item.id, "seat_id": seat_id, "entry_id": into_id, "dots": kept}]
                )
            else:
                session.execute(update(Dot).where(*mine, col(Dot.entry_id) == into_id).values(dots=kept))
        return result

    def tally_on(self, session: Session, item: AgendaItem, source: AgendaItem) -> Tally | None:
        """The dots on each of ``source``'s entries when this vote names it as its source."""
        try:
            named = self.settings(item).source
        except ValidationError:
            return None
        if (
            source.workshop_id != item.workshop_id
            or source.config.get("key") != named
            or source.id == item.id
        ):
            return None
        totals = session.exec(
            select(Dot.entry_id, func.sum(Dot.dots)).where(Dot.item_id == item.id).group_by(col(Dot.entry_id))
        ).all()
        return Tally("dot", {entry_id: int(total) for entry_id, total in totals})

    def without_free_text(self, summary: DotsSummary, purge: TextPurge) -> tuple[DotsSummary, str]:
        """Options (another item's entries) the room did not agree become stand-ins; the dots stay."""
        gone = [o.entry_id for o in summary.options if o.entry_id not in purge.kept]
        stand_in = {entry_id: purge.stand_in("Option", n) for n, entry_id in enumerate(gone, start=1)}
        options = tuple(
            replace(o, text=stand_in[o.entry_id], detail="") if o.entry_id in stand_in else o
            for o in summary.options
        )
        return replace(summary, options=options), purge.note(len(gone), "option", "options") if gone else ""

    def answered(self, summary: DotsSummary) -> int:
        """Seats that have placed their dots."""
        return summary.voters

    def results(self, session: Session, item: AgendaItem, summary: DotsSummary) -> DotsResults:
        return DotsResults(
            source=summary.source_title,
            dots_per_seat=summary.dots_per_seat,
            max_per_option=summary.max_per_entry,
            voters=summary.voters,
            total_dots=summary.total_dots,
            options=[
                DotsOption(
                    text=o.text, detail=o.detail, dots=o.dots, people=o.seats, rank=o.rank, tied=o.tied
                )
                for o in summary.options
            ],
        )

    def report(self, session: Session, item: AgendaItem, summary: DotsSummary) -> list[Block]:
        if summary.source_title is None:
            return [Paragraph("This vote was not set up: its settings name no source item.")]
        # Place stays a number; a tie is said in its own column, in words (the ranking's table does the same).
        rows = tuple((o.rank, "tied" if o.tied else "", o.text, o.dots, o.seats) for o in summary.options)
        caption = (
            "Each option's place by dots received (tied: the same number of dots as another), its dots, "
            "and how many people gave it at least one."
        )
        return [
            Paragraph(
                f"{people(summary.voters)} placed {plural(summary.total_dots, 'dot')} "
                f"({summary.dots_per_seat} each) on {summary.source_title}."
            ),
            Table(("Place", "Tied", "Option", "Dots", "People"), rows, caption=caption),
        ]
