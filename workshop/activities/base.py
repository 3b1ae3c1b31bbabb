"""What every activity kind provides: its settings, phone form, storage, summary, reset and capabilities."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar, Generic, Literal, TypeVar, cast

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete
from sqlmodel import Session, SQLModel, col, select

from workshop.blocks import Block
from workshop.errors import AnswerRefused
from workshop.models import AgendaItem, Response, Seat, table_of, utcnow
from workshop.wording import plural

__all__ = [
    "Activity",
    "AnswerRefused",
    "AskedSetting",
    "FormError",
    "NoSettings",
    "ParsedForm",
    "StepRefused",
    "Tally",
    "TextPurge",
    "VoteMerge",
    "ensure_response",
    "settings_of",
]

SettingsT = TypeVar("SettingsT", bound=BaseModel)
# What a kind's phone form and summary read about an item (its factors, options, limits, …).
StructureT = TypeVar("StructureT")
# What a kind's parse_form builds and its save stores: the answers of one seat to one item.
AnswersT = TypeVar("AnswersT")
# Covariant for ParsedForm alone, which is frozen: a form that can only remove (ParsedForm[Remove]) is
# a form of a kind whose answers also add (ParsedForm[AddAnswer | Remove]).
AnswersT_co = TypeVar("AnswersT_co", covariant=True)
# What a kind's summarise counts for the live view, the phones and the exports.
SummaryT = TypeVar("SummaryT")


@dataclass(frozen=True)
class VoteMerge:
    """What merging one entry into another does to one item's votes (see :meth:`Activity.merge_votes`).

    ``rows`` counts the item's vote rows on the duplicate that the kind takes care of; ``moved`` the votes
    that go to the surviving entry; ``returned`` the votes given back to their seats because of a limit, and
    ``seats_returned`` how many seats get some back.
    """

    rows: int = 0
    moved: int = 0
    returned: int = 0
    seats_returned: int = 0

    def __add__(self, other: VoteMerge) -> VoteMerge:
        return VoteMerge(
            self.rows + other.rows,
            self.moved + other.moved,
            self.returned + other.returned,
            self.seats_returned + other.seats_returned,
        )


@dataclass(frozen=True)
class Tally:
    """Votes an item counts on another item's entries: the unit ("dot") and the total on each entry id."""

    unit: str
    by_entry: dict[int, int]


@dataclass(frozen=True)
class TextPurge:
    """What a purge keeps of participants' words (see :meth:`Activity.without_free_text`).

    ``kept`` holds the entries whose text the purge keeps: agreed ones, and those from the template or the
    facilitator. Every other participant's text goes, and the frozen pack must not keep a copy.
    """

    kept: frozenset[int]
    on: date

    def stand_in(self, what: str, number: int | None = None) -> str:
        """What the pack shows instead of a deleted text: "Proposal 3 (text deleted)", or without a number
        for the only one of its kind ("Priority (text deleted)")."""
        return f"{what} (text deleted)" if number is None else f"{what} {number} (text deleted)"

    def note(self, count: int, what: str, whats: str | None = None) -> str:
        """The sentence that says so: "12 answers: their text was deleted when … purged on 30 Nov 2026."."""
        whose = "its" if count == 1 else "their"
        return (
            f"{plural(count, what, whats)}: {whose} text was deleted when the workshop's data was purged on "
            f"{self.on.day} {self.on:%b %Y}."
        )


@dataclass(frozen=True)
class FormError:
    """One problem with a submitted form: the field it belongs to, the element to jump to, the message."""

    field: str
    anchor: str
    message: str


@dataclass(frozen=True)
class ParsedForm(Generic[AnswersT_co]):
    """A submitted form after validation: the clean answers and the problems (empty when it can be saved).

    ``answers`` is None when nothing could be read (a form with errors, or a step inside the form); a form
    with errors may still carry what could be read, which is never saved.
    """

    answers: AnswersT_co | None
    errors: list[FormError] = field(default_factory=list)
    # What the participant typed or picked, by field name, so a form with errors comes back as they left it.
    entered: dict[str, str] = field(default_factory=dict)
    # The error summary's lines, when the kind groups many field errors into fewer lines; else ``errors``.
    summary: list[FormError] | None = None
    # A short confirmation for kinds that return to their own page after saving ("Value added").
    notice: str | None = None
    # Show the form again with ``entered`` and save nothing: a step inside the form, such as moving an
    # option up a draft ranking, that works by plain form posts for phones without JavaScript.
    rerender: bool = False
    # A form in steps: the step the page shows once these answers are saved (its ``?step=``).
    step: str | None = None


class StepRefused(ValueError):
    """A form in steps was asked for a step it does not have; the message says which steps there are."""


@dataclass(frozen=True)
class AskedSetting:
    """A setting the facilitator gives when adding an item mid-workshop; the others keep their defaults.

    ``form`` says how it is asked: ``text`` one line; ``lines`` one value per line (a list); ``source``
    another item of the workshop whose kind shares entries, which the setting names by its key.
    """

    name: str
    label: str
    form: Literal["text", "lines", "source"]
    # Said when a required setting is left empty (or there is no item to choose), instead of pydantic's.
    missing: str = ""
    default: str = ""


class NoSettings(BaseModel):
    """Settings of a kind that has none."""

    model_config = ConfigDict(extra="forbid")


def settings_of(model: type[SettingsT], item: AgendaItem) -> SettingsT:
    """The item's settings read as ``model`` (a template already checked them; defaults fill the gaps).

    A kind overrides :meth:`Activity.settings` with this and its own model, so its settings are typed.
    """
    return model.model_validate(item.config.get("settings", {}))


class Activity(Generic[SettingsT, StructureT, AnswersT, SummaryT]):
    """Base for an activity kind. A kind with no phone template asks nothing of participants.

    A kind names its types: ``DotsActivity(Activity[DotsSettings, DotsStructure, DotsAnswers, DotsSummary])``.
    Its ``settings_model`` must be its ``SettingsT`` (tests/test_kind_capabilities.py checks every kind).
    """

    kind: ClassVar[str]
    label: ClassVar[str]
    phone_template: ClassVar[str | None] = None
    # A partial shown to participants once the facilitator reveals the results.
    results_template: ClassVar[str | None] = None
    # Where a participant goes after saving: a confirmation page, or back to the form to add more.
    after_save: ClassVar[Literal["saved", "form"]] = "saved"
    settings_model: ClassVar[type[BaseModel]] = NoSettings
    # Whether participants add entries that the facilitator can show to the room (proposals, ideas).
    shares_entries: ClassVar[bool] = False
    # Whether participants' entries wait for the facilitator's approval before they count (proposals).
    approves_entries: ClassVar[bool] = False
    # What the add-item dialog asks for; every setting without a default must be here (else the kind can
    # only come from a template). Validated by ``settings_model``, as a template's settings are.
    asks: ClassVar[tuple[AskedSetting, ...]] = ()
    # The tables the kind owns, children first; every row has an ``item_id``. Resetting an item and
    # deleting a workshop empty them, so storage never lists a kind's tables itself.
    tables: ClassVar[tuple[type[SQLModel], ...]] = ()
    # Those of ``tables`` that say how the item runs, not what anyone answered (the horizon a matrix is on):
    # resetting the answers keeps them, so phones rating one horizon at a time are not sent back to the first.
    kept_on_reset: ClassVar[tuple[type[SQLModel], ...]] = ()
    # Those of ``tables`` that hold what the room agreed (the maturity levels agreed after discussion):
    # purging a workshop's answers (``workshop purge``) keeps them and ``kept_on_reset``, empties the rest.
    kept_on_purge: ClassVar[tuple[type[SQLModel], ...]] = ()
    # Where the kind's results (as frozen JSON) may hold participants' words, with a stand-in's noun: keys
    # by dots, ``[]`` for each element of a list ("segments[].ideas[].text"). A purge run again on a pack
    # frozen by older rules replaces those the room did not agree (``usecases.rescrub``), wherever the
    # pack repeats them. "=" first: single words counted in the answers, replaced only where whole.
    frozen_text: ClassVar[tuple[tuple[str, str], ...]] = ()

    @property
    def accepts_responses(self) -> bool:
        """Whether participants answer this kind on their phones."""
        return self.phone_template is not None

    def settings(self, item: AgendaItem) -> SettingsT:
        """The item's settings, validated (a template already checked them; defaults fill the gaps)."""
        # A ClassVar cannot name a type variable, so ``settings_model`` is typed only as a BaseModel class;
        # each kind's settings_model is its SettingsT, which tests/test_kind_capabilities.py checks.
        return cast(SettingsT, settings_of(self.settings_model, item))

    def structure(self, session: Session, item: AgendaItem) -> StructureT:
        """What the phone form and the summary need to know about the item (factors, options, …)."""
        raise NotImplementedError(f"{self.kind} has no structure")

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: StructureT
    ) -> dict[str, Any]:
        """Template context for the seat's phone page: saved answers as ``values``, own entries, …"""
        return {"values": {}}

    def phone_step(self, context: Mapping[str, Any], step: str | None) -> dict[str, Any]:
        """For a form in steps, what the page needs to show one step: ``step`` is the page's ``?step=``
        (or the form's hidden ``step`` field), None for wherever the seat should carry on.

        ``context`` is the page's, with :meth:`phone_context`'s. A one-page form adds nothing.

        Raises:
            StepRefused: ``step`` is not a step of this form.
        """
        return {}

    def parse_form(self, structure: StructureT, form: Mapping[str, str]) -> ParsedForm[AnswersT]:
        """Validate a submitted phone form against the item's structure."""
        raise NotImplementedError(f"{self.kind} takes no answers")

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: AnswersT) -> None:
        """Apply the answers in the caller's write transaction; raise :class:`AnswerRefused` on a limit."""
        raise NotImplementedError(f"{self.kind} takes no answers")

    def summarise(self, session: Session, item: AgendaItem) -> SummaryT:
        """Aggregate results for the live view, the phones (once revealed) and the exports."""
        raise NotImplementedError(f"{self.kind} has no summary")

    def report(self, session: Session, item: AgendaItem, summary: SummaryT) -> list[Block]:
        """The item's results for the outcome pack, in format-neutral blocks (see workshop.exports)."""
        return []

    def results(self, session: Session, item: AgendaItem, summary: SummaryT) -> BaseModel | None:
        """The item's results as data for the outcome pack's JSON and spreadsheets (numbers as numbers).

        A kind returns its own model (a ``kind`` literal field names it), listed in the union of
        ``workshop.exports.data.KindResults``; None for a kind with nothing to count.
        """
        return None

    def without_free_text(self, summary: SummaryT, purge: TextPurge) -> tuple[SummaryT, str]:
        """The summary as a purge leaves it, for the frozen outcome pack, and a sentence saying what went.

        Participants' free text the purge deletes (entries not in ``purge.kept``, comments, the words
        counted in them) is replaced by a stand-in or left out; every count stays as it was. The sentence
        ("12 answers: their text was deleted …", from :meth:`TextPurge.note`) is "" when nothing went.
        """
        return summary, ""

    def answered(self, summary: SummaryT) -> int | None:
        """How many seats have answered the item, read from its summary.

        Returns:
            The count the kind's summary keeps (seats that sent anything, or that voted); None for a kind
            that takes no answers.
        """
        return None

    def phase(self, session: Session, item: AgendaItem) -> str:
        """What a phone's page shows beyond the agenda's state, as a short token: when it changes, phones
        load the page again (the horizon a maturity item rates one at a time). "" for most kinds."""
        return ""

    def phase_unread(self, item: AgendaItem) -> str | None:
        """:meth:`phase` when the item alone tells it, or None when it must be read (a page kept in memory
        is then drawn from the database instead). A kind that does not override :meth:`phase` needs no
        read; one that does says here when it can do without."""
        return "" if type(self).phase is Activity.phase else None

    def waiting(self, summary: SummaryT) -> int:
        """How many participants' entries wait for the facilitator's approval before they count.

        Returns:
            The pending entries in the summary; 0 for a kind whose entries need no approval.
        """
        return 0

    def on_create(self, session: Session, item: AgendaItem) -> None:
        """Set up a new item from its settings (e.g. store the template's candidates)."""

    def reset(self, session: Session, item: AgendaItem) -> None:
        """Delete every participant answer to the item: the kind's own rows first, then the responses."""
        for table in (t for t in self.tables if t not in self.kept_on_reset):
            # Typed only as SQLModel here: the Core table's columns are where ``item_id`` is known.
            session.execute(delete(table).where(table_of(table).c.item_id == item.id))
        session.execute(delete(Response).where(col(Response.item_id) == item.id))

    def leader(self, session: Session, item: AgendaItem) -> tuple[int, str] | None:
        """The single option the room put first, for items that follow this one (a triangle's priority).

        Returns:
            The leading option's (entry id, text), the id so a purge can tell whether the room agreed it;
            None when the kind ranks nothing or nothing leads alone yet.
        """
        return None

    def agreed_priorities(self, session: Session, item: AgendaItem) -> tuple[tuple[int, str], ...]:
        """The priorities the room agreed after discussion, for items that follow this one (actions).

        Returns:
            (entry id, text) in the agreed order; empty when the kind agrees no priorities.
        """
        return ()

    def agreed_entries(self, session: Session, item: AgendaItem) -> tuple[int, ...]:
        """Entries that are agreed results without an agreed place (a confirmed action), kept by a purge.

        Returns:
            Entry ids; entries with an ``agreed_position`` and those not from a seat are kept anyway.
        """
        return ()

    def merge_votes(
        self, session: Session, item: AgendaItem, duplicate_id: int, into_id: int, *, apply: bool
    ) -> VoteMerge:
        """What merging entry ``duplicate_id`` into ``into_id`` does to this item's votes on them.

        With ``apply`` the votes are moved in the caller's transaction; without, nothing is written (a
        preview). A kind that cannot move its votes leaves them (``rows`` 0), and the merge is refused.
        """
        return VoteMerge()

    def tally_on(self, session: Session, item: AgendaItem, source: AgendaItem) -> Tally | None:
        """The votes this item counts on ``source``'s entries; None when it does not vote on them."""
        return None


def ensure_response(session: Session, item_id: int, seat_id: int) -> Response:
    """The seat's response row for the item, made if missing and touched if present."""
    response = session.exec(
        select(Response).where(Response.item_id == item_id, Response.seat_id == seat_id)
    ).first()
    if response is None:
        response = Response(item_id=item_id, seat_id=seat_id)
    else:
        response.updated_at = utcnow()
    session.add(response)
    session.flush()
    return response
