"""Values and behaviours: participants propose values and the "we will" / "we won't" behaviours under them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import func
from sqlmodel import Session, select

from workshop.activities.base import (
    Activity,
    AnswerRefused,
    FormError,
    ParsedForm,
    TextPurge,
    ensure_response,
    settings_of,
)
from workshop.activities.values.report import values_report
from workshop.activities.values.results import ValuesResults, values_results
from workshop.blocks import Block
from workshop.models import AgendaItem, Entry, Response, Seat, row_id
from workshop.row_ids import parse_row_id
from workshop.store.entries import (
    NOT_YOURS,
    VISIBLE,
    add_entry,
    delete_seat_entries,
    entries,
    own_entries,
    remove_own_entry,
)

NAME_LIMIT = 60
STATEMENT_LIMIT = 200
BEHAVIOUR_LIMIT = 200
# Stored in Entry.tag; the words are what phones and exports say.
STANCES = {"will": "We will", "wont": "We won't"}
# A behaviour's value that the seat cannot build on, or that no row can be: the form and the write agree.
NO_SUCH_VALUE = "That value is not available: choose one from the list"


class ValuesSettings(BaseModel):
    """How much one seat may propose."""

    model_config = ConfigDict(extra="forbid")

    max_values_per_seat: int = Field(default=3, ge=1, le=50)
    max_behaviours_per_seat: int = Field(default=10, ge=1, le=100)


@dataclass(frozen=True)
class AddValue:
    """Propose a value: a short name and a one-sentence statement."""

    name: str
    statement: str


@dataclass(frozen=True)
class AddBehaviour:
    """Add a behaviour under a value, as something we will or won't do."""

    value_id: int
    stance: str
    text: str


@dataclass(frozen=True)
class RemoveEntry:
    """Remove a value or behaviour the seat added."""

    entry_id: int


@dataclass(frozen=True)
class BehaviourSummary:
    """One behaviour under a value."""

    id: int
    text: str
    stance: str  # "will" or "wont"
    status: str
    agreed: int | None = None  # place among the agreed entries, if the room agreed it
    original: str | None = None  # the participant's words, if the facilitator reworded them


@dataclass(frozen=True)
class ValueSummary:
    """A value with its behaviours, in the order they were added."""

    id: int
    name: str
    statement: str
    status: str
    behaviours: tuple[BehaviourSummary, ...]
    agreed: int | None = None
    original: str | None = None
    merged_into: int | None = None

    @property
    def will(self) -> int:
        """How many "we will" behaviours it has."""
        return sum(1 for b in self.behaviours if b.stance == "will")

    @property
    def wont(self) -> int:
        """How many "we won't" behaviours it has."""
        return sum(1 for b in self.behaviours if b.stance == "wont")


@dataclass(frozen=True)
class ValuesSummary:
    """Every value and behaviour of the item (hidden ones marked by status), never linked to a seat."""

    values: tuple[ValueSummary, ...]
    responses: int  # seats that have added something
    entries_shown: bool

    @property
    def value_count(self) -> int:
        """Values not hidden or merged."""
        return sum(1 for v in self.values if v.status in VISIBLE)

    @property
    def behaviour_count(self) -> int:
        """Behaviours not hidden or merged, under values not hidden or merged."""
        return sum(1 for v in self.values if v.status in VISIBLE for b in v.behaviours if b.status in VISIBLE)


def _text_errors(
    form: Mapping[str, str], field: str, limit: int, empty: str, what: str
) -> tuple[str, list[FormError]]:
    raw = form.get(field) or ""
    if not raw.strip():
        return raw, [FormError(field, field, empty)]
    if len(raw) > limit:
        return raw, [
            FormError(field, field, f"{what} must be {limit} characters or fewer (it has {len(raw)})")
        ]
    return raw, []


def _can_build_on(item: AgendaItem, seat: Seat, value: Entry) -> bool:
    """Whether the seat may add a behaviour under a value: its own, the facilitator's, or shown ones."""
    if value.status not in VISIBLE:
        return False
    return value.seat_id in (seat.id, None) or item.entries_shown


ValuesAnswers = AddValue | AddBehaviour | RemoveEntry


class ValuesActivity(Activity[ValuesSettings, ValuesSettings, ValuesAnswers, ValuesSummary]):
    """Propose values and behaviours; others see them once the facilitator shows them."""

    kind = "values"
    frozen_text = (
        ("values[].name", "Value"),
        ("values[].statement", "Statement"),
        ("values[].behaviours[].text", "Behaviour"),
        ("values[].merged[].name", "Value"),
        ("values[].merged[].statement", "Statement"),
    )
    shares_entries = True
    label = "Values and behaviours"
    phone_template = "activities/values.html"
    after_save = "form"
    settings_model = ValuesSettings

    def settings(self, item: AgendaItem) -> ValuesSettings:
        return settings_of(ValuesSettings, item)

    def structure(self, session: Session, item: AgendaItem) -> ValuesSettings:
        try:
            return self.settings(item)
        except ValidationError:  # an item made without a template's checks still runs, with the defaults
            return ValuesSettings()

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: ValuesSettings
    ) -> dict[str, Any]:
        everything = entries(session, row_id(item))
        top = [e for e in everything if e.parent_id is None]
        by_id = {e.id: e for e in everything}
        mine = own_entries(session, row_id(item), row_id(seat))
        own_values = [e for e in mine if e.parent_id is None]
        own_behaviours = [(e, by_id.get(e.parent_id)) for e in mine if e.parent_id is not None]
        # Only values the seat may build on; hidden ones never, even its own.
        choices = [e for e in top if _can_build_on(item, seat, e)]
        shown: list[tuple[Entry, list[Entry]]] = []
        if item.entries_shown:
            for value in choices:
                under = [e for e in everything if e.parent_id == value.id and e.status in VISIBLE]
                shown.append((value, under))
        return {
            "values": {},
            "own_values": own_values,
            "own_behaviours": own_behaviours,
            "choices": choices,
            "shown": shown,
            "stances": STANCES,
            "limits": {"name": NAME_LIMIT, "statement": STATEMENT_LIMIT, "behaviour": BEHAVIOUR_LIMIT},
            "can_add_value": len(own_values) < structure.max_values_per_seat,
            "can_add_behaviour": len(own_behaviours) < structure.max_behaviours_per_seat,
        }

    def parse_form(self, structure: ValuesSettings, form: Mapping[str, str]) -> ParsedForm[ValuesAnswers]:
        action = form.get("action") or ""
        if action == "add-value":
            name, errors = _text_errors(
                form, "name", NAME_LIMIT, "Enter a name for the value", "The value's name"
            )
            statement, more = _text_errors(
                form,
                "statement",
                STATEMENT_LIMIT,
                "Enter a one-sentence statement of the value",
                "The statement",
            )
            entered = {"name": name, "statement": statement}
            return ParsedForm(AddValue(name, statement), errors + more, entered, notice="added")
        if action == "add-behaviour":
            raw_value = (form.get("value") or "").strip()
            stance = (form.get("stance") or "").strip()
            value_id = parse_row_id(raw_value)
            errors = []
            if not raw_value:
                errors.append(FormError("value", "value", "Choose the value this behaviour shows"))
            elif value_id is None:
                errors.append(FormError("value", "value", NO_SUCH_VALUE))
            if stance not in STANCES:
                errors.append(FormError("stance", "stance", "Choose whether we will or we won't do this"))
            text, more = _text_errors(
                form, "behaviour", BEHAVIOUR_LIMIT, "Enter the behaviour", "The behaviour"
            )
            entered = {"value": raw_value, "stance": stance, "behaviour": text}
            answers = AddBehaviour(value_id, stance, text) if value_id is not None else None
            return ParsedForm(answers, errors + more, entered, notice="added")
        if action == "remove":
            raw = (form.get("entry") or "").strip()
            entry_id = parse_row_id(raw)
            if entry_id is not None:
                return ParsedForm(RemoveEntry(entry_id), notice="removed")
            message = NOT_YOURS if raw else "Choose something of yours to remove"
            return ParsedForm(None, [FormError("entry", "main", message)])
        return ParsedForm(None, [FormError("action", "main", "Choose to propose a value or add a behaviour")])

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: ValuesAnswers) -> None:
        settings = self.structure(session, item)
        mine = own_entries(session, row_id(item), row_id(seat))
        if isinstance(answers, AddValue):
            _check_text(answers.name, NAME_LIMIT, "A value's name")
            _check_text(answers.statement, STATEMENT_LIMIT, "A value's statement")
            if sum(1 for e in mine if e.parent_id is None) >= settings.max_values_per_seat:
                raise AnswerRefused(
                    f"You have already proposed the most values this activity allows "
                    f"({settings.max_values_per_seat}). Remove one to propose another"
                )
            add_entry(session, item, seat, answers.name, detail=answers.statement)
        elif isinstance(answers, AddBehaviour):
            _check_text(answers.text, BEHAVIOUR_LIMIT, "A behaviour")
            if answers.stance not in STANCES:
                raise AnswerRefused("Choose whether we will or we won't do this")
            if sum(1 for e in mine if e.parent_id is not None) >= settings.max_behaviours_per_seat:
                raise AnswerRefused(
                    f"You have already added the most behaviours this activity allows "
                    f"({settings.max_behaviours_per_seat}). Remove one to add another"
                )
            parent = session.get(Entry, answers.value_id)
            # A hand-made post must not reach a value the seat cannot see, nor nest under a behaviour.
            if (
                parent is None
                or parent.item_id != item.id
                or parent.parent_id is not None
                or not _can_build_on(item, seat, parent)
            ):
                raise AnswerRefused(NO_SUCH_VALUE)
            add_entry(session, item, seat, answers.text, tag=answers.stance, parent_id=parent.id)
        elif isinstance(answers, RemoveEntry):
            remove_own_entry(session, item, seat, answers.entry_id)
            return
        else:
            raise AnswerRefused("That form cannot be saved here")
        ensure_response(session, row_id(item), row_id(seat))

    def summarise(self, session: Session, item: AgendaItem) -> ValuesSummary:
        everything = entries(session, row_id(item))
        children: dict[int, list[Entry]] = {}
        for entry in everything:
            if entry.parent_id is not None:
                children.setdefault(entry.parent_id, []).append(entry)
        values = tuple(
            ValueSummary(
                id=row_id(v),
                name=v.text,
                statement=v.detail,
                status=v.status,
                behaviours=tuple(
                    BehaviourSummary(row_id(b), b.text, b.tag, b.status, b.agreed_position, b.original_text)
                    for b in children.get(row_id(v), [])
                ),
                agreed=v.agreed_position,
                original=v.original_text,
                merged_into=v.merged_into,
            )
            for v in everything
            if v.parent_id is None
        )
        responses = session.exec(
            select(func.count()).select_from(Response).where(Response.item_id == item.id)
        ).one()
        return ValuesSummary(values=values, responses=responses, entries_shown=item.entries_shown)

    def without_free_text(self, summary: ValuesSummary, purge: TextPurge) -> tuple[ValuesSummary, str]:
        """Values and behaviours the room did not agree (nor the facilitator add) become stand-ins, so every
        count, table row and merge stays; the agreed ones keep their words."""
        gone = 0
        values: list[ValueSummary] = []
        for value in summary.values:
            behaviours: list[BehaviourSummary] = []
            for b in value.behaviours:
                if b.id not in purge.kept:
                    gone += 1
                    b = replace(b, text=purge.stand_in("Behaviour", gone), original=None)
                behaviours.append(b)
            if value.id not in purge.kept:
                gone += 1
                value = replace(value, name=purge.stand_in("Value", gone), statement="", original=None)
            values.append(replace(value, behaviours=tuple(behaviours)))
        if not gone:
            return summary, ""
        note = purge.note(gone, "value or behaviour not agreed", "values and behaviours not agreed")
        return replace(summary, values=tuple(values)), note

    def answered(self, summary: ValuesSummary) -> int:
        """Seats with a value or behaviour of their own (removing the last one stops the seat counting).

        Their entries need no approval (``waiting`` stays 0): the facilitator shows or hides them.
        """
        return summary.responses

    def report(self, session: Session, item: AgendaItem, summary: ValuesSummary) -> list[Block]:
        return values_report(summary, STANCES)

    def results(self, session: Session, item: AgendaItem, summary: ValuesSummary) -> ValuesResults:
        return values_results(summary)

    def reset(self, session: Session, item: AgendaItem) -> None:
        delete_seat_entries(session, item)
        super().reset(session, item)


def _check_text(text: str, limit: int, what: str) -> None:
    """The limits again, inside the write: answers may reach ``save`` without the form."""
    if not text.strip():
        raise AnswerRefused(f"{what} cannot be empty")
    if len(text) > limit:
        raise AnswerRefused(f"{what} must be {limit} characters or fewer")
