"""Priority ranking: each seat puts its top N approved options in order by tapping buttons, no dragging."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any, NamedTuple

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from workshop.activities import principles
from workshop.activities.base import (
    Activity,
    AnswerRefused,
    AskedSetting,
    FormError,
    ParsedForm,
    TextPurge,
    ensure_response,
    settings_of,
)
from workshop.activities.ranking import results as ranking_results
from workshop.activities.ranking.report import ranking_report
from workshop.activities.ranking.results import OptionResult, OptionStatus, RankingResults, RankingSummary
from workshop.activities.ranking.settings import TEXT_LIMIT, RankingSettings
from workshop.blocks import Block
from workshop.models import AgendaItem, Entry, EntryStatus, RankingChoice, Response, Seat, row_id
from workshop.row_ids import parse_row_id
from workshop.store.entries import add_entry, delete_seat_entries, own_entries

# The results' types live with the count (results.py) and are named here too, where callers look.
__all__ = [
    "Ballot",
    "OptionResult",
    "OptionStatus",
    "Proposal",
    "RankingActivity",
    "RankingAnswers",
    "RankingOption",
    "RankingResults",
    "RankingSettings",
    "RankingStructure",
    "RankingSummary",
    "ballot_problem",
    "proposal_problem",
]

APPROVED = (EntryStatus.APPROVED.value,)


@dataclass(frozen=True)
class Ballot:
    """A seat's ranking: entry ids, first choice first."""

    entry_ids: tuple[int, ...]


@dataclass(frozen=True)
class Proposal:
    """A priority a participant proposes, exactly as typed, and the Family Hubs principle it serves if any."""

    text: str
    principle: str = ""


# What a seat sends: its ballot, or a priority it proposes.
RankingAnswers = Ballot | Proposal


class RankingOption(NamedTuple):
    """An approved option as pages and ballot checks need it: a tuple, quick to make by the thousand."""

    id: int
    text: str
    status: str
    seat_id: int | None
    principle: str = ""

    @property
    def principle_name(self) -> str:
        """The name of the Family Hubs principle it serves; empty when it names none."""
        return principles.NAMES.get(self.principle, "")


@dataclass(frozen=True)
class RankingStructure:
    """What can be ranked now (the approved options, in order) and the item's settings."""

    options: tuple[RankingOption, ...]
    settings: RankingSettings

    @property
    def needed(self) -> int:
        """How many options a ballot must hold: the top N, or every option when there are fewer."""
        return min(self.settings.top_n, len(self.options))

    @cached_property
    def _known(self) -> dict[str, int]:
        # Asked for several times a page (saved order, draft, options left): made once.
        return {str(option.id): option.id for option in self.options}

    def option_ids(self, raw: str) -> list[int]:
        """The approved options named in a comma-separated id list, once each, in order."""
        known = self._known
        ids: list[int] = []
        for token in raw.split(","):
            entry_id = known.get(token.strip())
            if entry_id is not None and entry_id not in ids:
                ids.append(entry_id)
        return ids

    def draft(self, raw: str) -> list[RankingOption]:
        """The options of a draft order, for the page."""
        by_id = {option.id: option for option in self.options}
        return [by_id[entry_id] for entry_id in self.option_ids(raw)[: self.needed]]

    def unchosen(self, raw: str) -> list[RankingOption]:
        """The options not yet in a draft order."""
        chosen = {option.id for option in self.draft(raw)}
        return [option for option in self.options if option.id not in chosen]


def _form_error(field: str, message: str) -> ParsedForm[RankingAnswers]:
    return ParsedForm(answers=None, errors=[FormError(field, field, message)])


def _step(order: list[int], verb: str, target: int, needed: int) -> str | None:
    """Apply one tap to a draft order in place; the problem in words if the tap cannot apply."""
    if verb == "add":
        if target < 0:
            return "That option is no longer available: choose another"
        if target in order:
            return "That option is already in your ranking"
        if len(order) >= needed:
            return f"You have chosen {needed} already: remove one before adding another"
        order.append(target)
    elif verb in ("up", "down", "remove"):
        if target not in order:
            return "That option is not in your ranking any more"
        index = order.index(target)
        other = index - 1 if verb == "up" else index + 1
        if verb == "remove":
            order.pop(index)
        elif 0 <= other < len(order):
            order[index], order[other] = order[other], order[index]
    else:
        return "Choose an option to add, or Send my ranking"
    return None


def ballot_problem(ids: Sequence[int], approved: Collection[int], needed: int) -> str | None:
    """What is wrong with a ballot, in words for the participant; None when it can be saved."""
    if needed == 0:
        return "There is nothing to rank yet: wait for the facilitator"
    if len(set(ids)) != len(ids):
        return "Each priority can appear only once in your ranking"
    if not set(ids) <= set(approved):
        return "Your ranking included an option that is no longer available: check it and send again"
    if len(ids) != needed:
        return f"Choose {needed} priorities for your ranking: you have chosen {len(ids)}"
    return None


def proposal_problem(text: str, settings: RankingSettings) -> str | None:
    """What is wrong with a proposal, in words for the participant; None when it can be saved."""
    if not settings.allow_proposals:
        return "This ranking does not take proposals"
    if not text.strip():
        return "Enter the priority you want to propose"
    if len(text) > TEXT_LIMIT:
        return f"Your proposal must be {TEXT_LIMIT} characters or fewer (it has {len(text)})"
    return None


class RankingActivity(Activity[RankingSettings, RankingStructure, RankingAnswers, RankingSummary]):
    """Rank the top N priorities; participants may propose more, which count once the facilitator approves."""

    kind = "ranking"
    # Every option counted: the triangle's priority and the actions' are among them.
    frozen_text = (("borda.options[].option", "Option"),)
    approves_entries = True
    label = "Priority ranking"
    phone_template = "activities/ranking.html"
    results_template = "activities/ranking_results.html"
    after_save = "form"
    settings_model = RankingSettings
    # Optional: with none, participants propose the options.
    asks = (AskedSetting("candidates", "Options, one per line (may be empty)", "lines"),)
    tables = (RankingChoice,)

    def settings(self, item: AgendaItem) -> RankingSettings:
        return settings_of(RankingSettings, item)

    def on_create(self, session: Session, item: AgendaItem) -> None:
        settings = self.settings(item)
        for position, text in enumerate(settings.candidates):
            approved = EntryStatus.APPROVED.value
            principle = settings.principle_of(text)
            session.add(
                Entry(
                    item_id=row_id(item), text=text, status=approved, position=position, principle=principle
                )
            )
        session.flush()

    def structure(self, session: Session, item: AgendaItem) -> RankingStructure:
        # Plain rows, not entries: several times quicker when a room has added hundreds of options, and
        # every phone page and every vote reads them all.
        # sqlmodel's select() is typed for four columns at most: built as it builds it, its row type stated.
        columns: Select[int, str, str, int | None, str] = Select(
            col(Entry.id), col(Entry.text), col(Entry.status), col(Entry.seat_id), col(Entry.principle)
        )
        rows = session.exec(
            columns.where(Entry.item_id == item.id, col(Entry.status).in_(APPROVED)).order_by(
                col(Entry.position), col(Entry.id)
            )
        ).all()
        return RankingStructure(tuple(map(RankingOption._make, rows)), self.settings(item))

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: RankingStructure
    ) -> dict[str, Any]:
        stored = session.exec(
            select(RankingChoice.entry_id)
            .join(Response, col(Response.id) == RankingChoice.response_id)
            .where(Response.item_id == item.id, Response.seat_id == seat.id)
            .order_by(col(RankingChoice.position))
        ).all()
        saved = ",".join(str(i) for i in structure.option_ids(",".join(map(str, stored))))
        own = own_entries(session, row_id(item), row_id(seat))
        return {
            "values": {"order": saved} if saved else {},
            "saved_order": saved,
            # An option the facilitator hid after this seat ranked it: the ballot needs another choice.
            "dropped": len(structure.option_ids(saved)) != len(stored),
            "own_proposals": own,
            "proposals_left": max(0, structure.settings.max_proposals_per_seat - len(own)),
            "principles": principles.PRINCIPLES,
        }

    def parse_form(self, structure: RankingStructure, form: Mapping[str, str]) -> ParsedForm[RankingAnswers]:
        action = form.get("action") or ""
        raw_order = form.get("order") or ""
        order = structure.option_ids(raw_order)[: structure.needed]
        entered = {"order": ",".join(map(str, order))}
        verb, _, arg = action.partition(":")
        if verb == "propose":
            return self._parse_proposal(structure, form, entered)
        if verb == "submit":
            return replace(self._parse_ballot(structure, raw_order), entered=entered)
        target = next((option.id for option in structure.options if str(option.id) == arg), -1)
        problem = _step(order, verb, target, structure.needed)
        parsed = _form_error("ranking", problem) if problem else ParsedForm(answers=None, rerender=True)
        entered["order"] = ",".join(map(str, order))
        return replace(parsed, entered=entered)

    @staticmethod
    def _parse_ballot(structure: RankingStructure, raw_order: str) -> ParsedForm[RankingAnswers]:
        # Anything no row can have stands in as an unknown option, so it is named as such: each gets its own
        # stand-in (no row has a negative id), lest two of them read as one option ranked twice.
        tokens = [token.strip() for token in raw_order.split(",") if token.strip()]
        ids = [parse_row_id(token) or -1 - index for index, token in enumerate(tokens)]
        problem = ballot_problem(ids, {option.id for option in structure.options}, structure.needed)
        if problem:
            return _form_error("ranking", problem)
        return ParsedForm(answers=Ballot(tuple(ids)), notice="saved")

    @staticmethod
    def _parse_proposal(
        structure: RankingStructure, form: Mapping[str, str], entered: dict[str, str]
    ) -> ParsedForm[RankingAnswers]:
        text = form.get("proposal") or ""
        entered = {**entered, "proposal": text}
        problem = proposal_problem(text, structure.settings)
        errors = [FormError("proposal", "proposal", problem)] if problem else []
        wrong_principle = principles.parse_principle(form, False, entered)
        errors += [wrong_principle] if wrong_principle else []
        if errors:
            return ParsedForm(answers=None, errors=errors, entered=entered)
        return ParsedForm(
            answers=Proposal(text, entered.get("principle", "")), entered=entered, notice="added"
        )

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: RankingAnswers) -> None:
        settings = self.settings(item)
        if isinstance(answers, Proposal):
            self._save_proposal(session, item, seat, settings, answers)
        elif isinstance(answers, Ballot):
            self._save_ballot(session, item, seat, settings, answers.entry_ids)
        else:
            raise AnswerRefused("Nothing to save: choose your priorities, then Send my ranking")

    @staticmethod
    def _save_proposal(
        session: Session, item: AgendaItem, seat: Seat, settings: RankingSettings, proposal: Proposal
    ) -> None:
        limit, text = settings.max_proposals_per_seat, proposal.text
        problem = proposal_problem(text, settings) or principles.principle_problem(proposal.principle, False)
        if problem is None and len(own_entries(session, row_id(item), row_id(seat))) >= limit:
            problem = f"You have already proposed {limit}, the most each person can"
        if problem:
            raise AnswerRefused(problem)
        last = session.exec(select(func.max(Entry.position)).where(Entry.item_id == item.id)).one()
        entry = add_entry(
            session, item, seat, text, principle=proposal.principle, limit=limit, status=EntryStatus.PENDING
        )
        # After every option already there, so approving it never reorders what people are looking at.
        entry.position = (last or 0) + 1
        session.add(entry)

    @staticmethod
    def _save_ballot(
        session: Session, item: AgendaItem, seat: Seat, settings: RankingSettings, ids: tuple[int, ...]
    ) -> None:
        # Checked again in the write: options may have been hidden since the page was drawn, and a
        # hand-made post never went through the form at all.
        # The ids only: this runs in the writer thread, where loading a thousand options held every vote up.
        # A stored row's id is never NULL, though the model allows None before a flush: the ids are ints.
        approved_ids: SelectOfScalar[int] = SelectOfScalar(col(Entry.id))
        approved = set(
            session.exec(approved_ids.where(Entry.item_id == item.id, col(Entry.status).in_(APPROVED))).all()
        )
        problem = ballot_problem(ids, approved, min(settings.top_n, len(approved)))
        if problem:
            raise AnswerRefused(problem)
        response = ensure_response(session, row_id(item), row_id(seat))
        session.execute(delete(RankingChoice).where(col(RankingChoice.response_id) == response.id))
        session.execute(
            insert(RankingChoice),
            [
                {"response_id": response.id, "item_id": item.id, "entry_id": entry_id, "position": position}
                for position, entry_id in enumerate(ids, start=1)
            ],
        )

    def reset(self, session: Session, item: AgendaItem) -> None:
        # Proposals go with the ballots: the choices cast on them are let go first, in the same sweep.
        delete_seat_entries(session, item)
        super().reset(session, item)

    def phase(self, session: Session, item: AgendaItem) -> str:
        # A phone that is ranking must load an option the facilitator has just approved; a proposal still
        # waiting changes nothing a phone can rank.
        approved = select(func.count()).select_from(Entry)
        count = session.exec(
            approved.where(Entry.item_id == item.id, Entry.status == EntryStatus.APPROVED.value)
        ).one()
        return f"options-{count}"

    def answered(self, summary: RankingSummary) -> int:
        """Seats that have sent a ranking; a proposal alone does not count."""
        return summary.responses

    def waiting(self, summary: RankingSummary) -> int:
        """Participants' proposals waiting for the facilitator to approve or hide them."""
        return len(summary.pending)

    def report(self, session: Session, item: AgendaItem, summary: RankingSummary) -> list[Block]:
        return ranking_report(summary)

    def without_free_text(self, summary: RankingSummary, purge: TextPurge) -> tuple[RankingSummary, str]:
        return ranking_results.without_free_text(summary, purge)

    def results(self, session: Session, item: AgendaItem, summary: RankingSummary) -> RankingResults:
        return ranking_results.as_data(summary)

    def summarise(self, session: Session, item: AgendaItem) -> RankingSummary:
        # Counted once per change and shared: the triangle asks for the leader on every phone page.
        return ranking_results.summarise(session, item, self.settings(item).top_n)

    def leader(self, session: Session, item: AgendaItem) -> tuple[int, str] | None:
        results = self.summarise(session, item).results
        leaders = [row for row in results if row.place == 1]
        if len(leaders) == 1 and results[0].score > 0:  # a tie is the room's to settle, not ours
            return leaders[0].entry_id, leaders[0].text
        return None

    def agreed_priorities(self, session: Session, item: AgendaItem) -> tuple[tuple[int, str], ...]:
        return self.summarise(session, item).agreed
