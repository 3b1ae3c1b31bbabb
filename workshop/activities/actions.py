"""Actions: what will be done, which organisation leads, by when, and the agreed priority it serves.

Participants propose actions on their phones and the facilitator confirms them; the facilitator's own
actions are confirmed as they are added. Only confirmed actions reach the outcome pack. Each action is an
:class:`~workshop.models.Entry`: ``text`` what, ``tag`` the lead organisation's id, ``tag2`` the date in ISO
form (a day or a month), ``parent_id`` the agreed priority in another item (found through
:meth:`Activity.agreed_priorities`, so this kind never names the kind that agreed them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session, col, select

from workshop.activities.base import (
    Activity,
    AnswerRefused,
    FormError,
    ParsedForm,
    TextPurge,
    ensure_response,
    settings_of,
)

# The by-when's check and words are named here too, where callers look for them.
from workshop.activities.by_when import BY_WHEN_FORMAT as BY_WHEN_FORMAT
from workshop.activities.by_when import by_when_problem as by_when_problem
from workshop.activities.by_when import by_when_words as by_when_words
from workshop.activities.entry_forms import Remove, check_text, removal_or_refusal, responses
from workshop.blocks import Block, Paragraph, Table
from workshop.models import AgendaItem, Entry, EntryStatus, Organisation, Seat, row_id
from workshop.row_ids import parse_row_id
from workshop.store.agenda import agenda, get_item, item_by_key
from workshop.store.entries import add_entry, delete_seat_entries, entries, own_entries, remove_own_entry
from workshop.store.workshops import bump_revision
from workshop.wording import people, plural

WHAT_LIMIT = 200
# Asks another item for the priorities its room agreed, in order: (entry id, text).
AgreedOf = Callable[[Session, AgendaItem], tuple[tuple[int, str], ...]]
NOT_AGREED = "That priority is no longer agreed"


class ActionsSettings(BaseModel):
    """Settings of an actions item."""

    model_config = ConfigDict(extra="forbid")

    priorities_from: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")] | None = Field(
        default=None,
        description="The key of the item whose agreed priorities actions link to; none: the nearest "
        "earlier item with agreed priorities.",
    )
    max_actions_per_seat: int = Field(default=5, ge=1, le=20)


@dataclass(frozen=True)
class Lead:
    """An organisation of the workshop that can lead an action: its id (as stored) and its name."""

    key: str
    name: str


@dataclass(frozen=True)
class Priority:
    """A priority the room agreed, that an action can serve."""

    id: int
    text: str


@dataclass(frozen=True)
class ActionsStructure:
    """What the phone form and the facilitator's dialog offer: leads, agreed priorities, limits."""

    leads: tuple[Lead, ...]
    priorities: tuple[Priority, ...]
    max_actions_per_seat: int = 5
    max_length: int = WHAT_LIMIT


@dataclass(frozen=True)
class AddAction:
    """A new action as typed: what, the lead's key, the ISO day or month, and the priority's id if any."""

    text: str
    lead: str
    by_when: str
    priority_id: int | None = None


@dataclass(frozen=True)
class Action:
    """An action as shown: its words, lead, date in words, priority text; never who proposed it."""

    id: int
    text: str
    lead: str
    by_when: str
    by_when_iso: str
    priority: str | None
    priority_id: int | None = None  # the entry it serves, in the item that agreed it


@dataclass(frozen=True)
class ActionsSummary:
    """Confirmed actions and those waiting for the facilitator, and what a new action can name."""

    confirmed: tuple[Action, ...]
    pending: tuple[Action, ...]
    responses: int  # seats that proposed at least one action
    structure: ActionsStructure


class ActionResult(BaseModel):
    """One confirmed action."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    what: str
    lead: str = Field(description="The organisation that leads it.")
    by_when: str = Field(description="ISO date (2027-03-31) or month (2027-03).")
    priority: str | None = Field(description="The agreed priority it serves; null when it serves none.")


class ActionsResults(BaseModel):
    """An actions item's results: the confirmed actions, in the order they were added."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["actions"] = "actions"
    responses: int = Field(description="Seats that proposed at least one action.")
    actions: list[ActionResult] = Field(
        description="Confirmed actions only; proposals not yet confirmed are left out."
    )


def parse_action(structure: ActionsStructure, form: Mapping[str, str]) -> ParsedForm[AddAction]:
    """Check one action's fields (``text``, ``lead``, ``by_when``, ``priority``), from a phone or the TUI."""
    text, lead = form.get("text") or "", form.get("lead") or ""
    by_when, priority = (form.get("by_when") or "").strip(), form.get("priority") or ""
    entered = {name: value for name, value in (("text", text), ("by_when", by_when)) if value}
    errors: list[FormError] = []
    problem = check_text(text, structure.max_length, "action")
    if problem:
        errors.append(FormError("text", "text", problem))
    if lead in {choice.key for choice in structure.leads}:
        entered["lead"] = lead
    else:
        message = (
            "Choose the organisation that leads it" if not lead else "Choose one of the organisations shown"
        )
        anchor = f"lead-{structure.leads[0].key}" if structure.leads else "text"
        errors.append(FormError("lead", anchor, message))
    problem = by_when_problem(by_when)
    if problem:
        errors.append(FormError("by_when", "by_when", problem))
    priority_id = parse_row_id(priority) if priority else None
    if priority and priority_id not in {p.id for p in structure.priorities}:
        # With none offered any more the form has no choice to link to, only the message (actions.html).
        anchor = "priority-none" if structure.priorities else "priority-error"
        then = "choose another" if structure.priorities else "add the action without one"
        errors.append(FormError("priority", anchor, f"{NOT_AGREED}: {then}"))
    elif priority:
        entered["priority"] = priority
    if errors:
        return ParsedForm(answers=None, errors=errors, entered=entered)
    return ParsedForm(answers=AddAction(text, lead, by_when, priority_id), entered=entered, notice="added")


ActionsAnswers = AddAction | Remove


class ActionsActivity(Activity[ActionsSettings, ActionsStructure, ActionsAnswers, ActionsSummary]):
    """Record who does what by when for the agreed priorities; the facilitator confirms each action."""

    kind = "actions"
    frozen_text = (("actions[].what", "Action"), ("actions[].priority", "Priority"))
    label = "Actions"
    phone_template = "activities/actions.html"
    results_template = "activities/actions_results.html"
    after_save = "form"
    approves_entries = True
    settings_model = ActionsSettings

    def __init__(self, agreed_of: AgreedOf | None = None) -> None:
        """Actions that link to the priorities another item agreed, read through ``agreed_of``.

        Args:
            agreed_of: The agreed priorities of another item, whatever its kind (the registry asks that
                item's kind, :meth:`Activity.agreed_priorities`). None: actions link to no priority.
        """
        self._agreed_of = agreed_of

    def settings(self, item: AgendaItem) -> ActionsSettings:
        return settings_of(ActionsSettings, item)

    def priorities(self, session: Session, item: AgendaItem) -> tuple[Priority, ...]:
        """The agreed priorities of the named item, or of the nearest earlier item that has some."""
        if self._agreed_of is None:
            return ()
        key = self.settings(item).priorities_from
        if key is not None:
            source = item_by_key(session, item, key)
            return tuple(Priority(*p) for p in self._agreed_of(session, source)) if source else ()
        earlier = [other for other in agenda(session, item.workshop_id) if other.position < item.position]
        for other in reversed(earlier):
            agreed = self._agreed_of(session, other)
            if agreed:
                return tuple(Priority(*p) for p in agreed)
        return ()

    def structure(self, session: Session, item: AgendaItem) -> ActionsStructure:
        organisations = session.exec(
            select(Organisation)
            .where(Organisation.workshop_id == item.workshop_id)
            .order_by(col(Organisation.position), col(Organisation.id))
        ).all()
        leads = tuple(Lead(str(row_id(o)), o.name) for o in organisations)
        return ActionsStructure(
            leads, self.priorities(session, item), self.settings(item).max_actions_per_seat
        )

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: ActionsStructure
    ) -> dict[str, Any]:
        mine = {row_id(e): e.status for e in own_entries(session, row_id(item), row_id(seat))}
        own = [(a, mine[a.id]) for a in self._actions(session, item, structure, None) if a.id in mine]
        # A participant most often leads from their own organisation: it is chosen for them to change.
        values = {"lead": str(seat.organisation_id)} if seat.organisation_id else {}
        return {"values": values, "own": own}

    def parse_form(self, structure: ActionsStructure, form: Mapping[str, str]) -> ParsedForm[ActionsAnswers]:
        settled = removal_or_refusal(form, "Add action button to add an action")
        return settled if settled is not None else parse_action(structure, form)

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: ActionsAnswers) -> None:
        if isinstance(answers, Remove):
            entry = session.get(Entry, answers.entry_id)
            if entry is not None and entry.seat_id == seat.id and entry.status == EntryStatus.APPROVED:
                raise AnswerRefused(
                    "The facilitator has confirmed this action, so it stays; ask them to change it"
                )
            remove_own_entry(session, item, seat, answers.entry_id)
            return
        if not isinstance(answers, AddAction):
            raise AnswerRefused("That action could not be read: please add it again")
        limit = self.settings(item).max_actions_per_seat
        if len(own_entries(session, row_id(item), row_id(seat))) >= limit:
            raise AnswerRefused(
                f"You have already added {plural(limit, 'action')}, the most this activity allows. "
                "Remove one to add another"
            )
        self._add(session, item, seat, answers, EntryStatus.PENDING)
        ensure_response(session, row_id(item), row_id(seat))

    def _add(
        self, session: Session, item: AgendaItem, seat: Seat | None, answers: AddAction, status: EntryStatus
    ) -> Entry:
        # Checked again in the write: parse_form is skipped by anything that calls this directly, and the
        # priorities agreed (or the organisations) may have changed since the form was drawn.
        structure = self.structure(session, item)
        form = {"text": answers.text, "lead": answers.lead, "by_when": answers.by_when}
        parsed = parse_action(structure, {**form, "priority": str(answers.priority_id or "")})
        if parsed.errors:
            raise AnswerRefused(parsed.errors[0].message)
        entry = add_entry(
            session, item, seat, answers.text, tag=answers.lead, tag2=answers.by_when, status=status
        )
        # Not through add_entry's parent check, which keeps parents within one item: a priority is another's.
        entry.parent_id = answers.priority_id
        session.add(entry)
        return entry

    def add_confirmed(self, session: Session, item_id: int, answers: AddAction) -> Entry:
        """The facilitator adds an action, confirmed at once (a writer call from the TUI).

        Raises:
            AnswerRefused: A field is wrong (the message says which), or the item is not an actions item.
        """
        item = get_item(session, item_id)
        if item.kind != self.kind:
            raise AnswerRefused("Actions can only be added to an actions item")
        entry = self._add(session, item, None, answers, EntryStatus.APPROVED)
        bump_revision(session, item.workshop_id)
        return entry

    def answered(self, summary: ActionsSummary) -> int:
        """Seats with at least one action of their own."""
        return summary.responses

    def waiting(self, summary: ActionsSummary) -> int:
        """Participants' actions waiting for the facilitator to confirm or hide them."""
        return len(summary.pending)

    def report(self, session: Session, item: AgendaItem, summary: ActionsSummary) -> list[Block]:
        if not summary.confirmed:
            return [Paragraph("No actions were confirmed.")]
        proposed = f"; participants' proposals from {people(summary.responses)}" if summary.responses else ""
        return [
            Paragraph(f"{plural(len(summary.confirmed), 'action')} confirmed{proposed}."),
            Table(
                ("What", "Lead", "By when", "Priority"),
                tuple((a.text, a.lead, a.by_when, a.priority or "") for a in summary.confirmed),
                caption="The actions confirmed: who leads each, by when, and the priority it serves.",
            ),
        ]

    def results(self, session: Session, item: AgendaItem, summary: ActionsSummary) -> ActionsResults:
        return ActionsResults(
            responses=summary.responses,
            actions=[
                ActionResult(what=a.text, lead=a.lead, by_when=a.by_when_iso, priority=a.priority)
                for a in summary.confirmed
            ],
        )

    def without_free_text(self, summary: ActionsSummary, purge: TextPurge) -> tuple[ActionsSummary, str]:
        """Confirmed actions are agreed and keep their words. The priority an action serves keeps its words
        while the room agrees it; one agreed no longer (a participant's proposal, unagreed after the action
        was made) becomes a stand-in, the same for every action serving it. Proposed actions, never in the
        pack, become stand-ins too."""
        gone: dict[int, str] = {}

        def kept(action: Action) -> Action:
            if action.priority_id is None or action.priority_id in purge.kept:
                return action
            stand_in = gone.setdefault(action.priority_id, purge.stand_in("Priority", len(gone) + 1))
            return replace(action, priority=stand_in)

        confirmed = tuple(kept(a) for a in summary.confirmed)
        pending = tuple(
            replace(kept(a), text=purge.stand_in("Proposed action", n)) if a.id not in purge.kept else kept(a)
            for n, a in enumerate(summary.pending, start=1)
        )
        note = purge.note(len(gone), "priority not agreed", "priorities not agreed") if gone else ""
        return replace(summary, confirmed=confirmed, pending=pending), note

    def agreed_entries(self, session: Session, item: AgendaItem) -> tuple[int, ...]:
        return tuple(row_id(e) for e in entries(session, row_id(item)) if e.status == EntryStatus.APPROVED)

    def reset(self, session: Session, item: AgendaItem) -> None:
        delete_seat_entries(session, item)
        super().reset(session, item)

    def _actions(
        self, session: Session, item: AgendaItem, structure: ActionsStructure, status: str | None
    ) -> list[Action]:
        leads = {lead.key: lead.name for lead in structure.leads}
        rows = sorted(entries(session, row_id(item)), key=lambda entry: entry.id or 0)
        parents = {p.id: p.text for p in structure.priorities}
        actions = []
        for entry in rows:
            if status is not None and entry.status != status:
                continue
            priority = parents.get(entry.parent_id) if entry.parent_id else None
            if entry.parent_id and priority is None:  # no longer agreed: still the priority it was made for
                parent = session.get(Entry, entry.parent_id)
                priority = parent.text if parent else None
            lead = leads.get(entry.tag, "(organisation removed)")
            actions.append(
                Action(
                    row_id(entry),
                    entry.text,
                    lead,
                    by_when_words(entry.tag2),
                    entry.tag2,
                    priority,
                    entry.parent_id,
                )
            )
        return actions

    def summarise(self, session: Session, item: AgendaItem) -> ActionsSummary:
        structure = self.structure(session, item)
        return ActionsSummary(
            confirmed=tuple(self._actions(session, item, structure, EntryStatus.APPROVED.value)),
            pending=tuple(self._actions(session, item, structure, EntryStatus.PENDING.value)),
            responses=responses(session, item),
            structure=structure,
        )
