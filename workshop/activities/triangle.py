"""The population intervention triangle: ideas for a priority, tagged by segment, by question and, optionally
or as the item's settings require, by the Family Hubs principle they serve."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session

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
from workshop.activities.entry_forms import Remove, check_text, removal_or_refusal, responses
from workshop.activities.principles import PRINCIPLES, PrincipleChoice

# TriangleResults and the tags are named here too, where the exports and the live view look for them.
from workshop.activities.triangle_results import (
    QUESTION_KEYS,
    SEGMENT_KEYS,
    TriangleChoice,
    TriangleIdea,
    TriangleSegment,
)
from workshop.activities.triangle_results import QUESTIONS as QUESTIONS
from workshop.activities.triangle_results import SEGMENTS as SEGMENTS
from workshop.activities.triangle_results import Choice as Choice
from workshop.activities.triangle_results import TriangleResults as TriangleResults
from workshop.blocks import Block, Bullets, Heading, Paragraph, Table
from workshop.models import AgendaItem, Seat, row_id
from workshop.store.agenda import item_by_key
from workshop.store.entries import (
    VISIBLE,
    add_entry,
    delete_seat_entries,
    entries,
    own_entries,
    remove_own_entry,
)
from workshop.wording import people, plural

IDEA_LIMIT = 200
# Asks another item for the option its room put first, (entry id, text) (see Activity.leader).
Leader = Callable[[Session, AgendaItem], tuple[int, str] | None]


class TriangleSettings(BaseModel):
    """Settings of a triangle item."""

    model_config = ConfigDict(extra="forbid")

    priority: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="The priority participants add ideas for."
    )
    max_ideas_per_seat: int = Field(default=6, ge=1, le=30)
    priority_from: Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]{0,59}$")] | None = Field(
        default=None,
        description="The key of a ranking item: its current leader becomes the priority "
        "(``priority`` stands in until the ranking has a single leader).",
    )
    principle_required: bool = Field(
        default=False,
        description="Whether every idea must name a Family Hubs principle (otherwise it may name one).",
    )


@dataclass(frozen=True)
class TriangleStructure:
    """What the phone page needs: the priority, the limits and the two sets of tags."""

    priority: str
    max_ideas_per_seat: int
    segments: tuple[Choice, ...] = SEGMENTS
    questions: tuple[Choice, ...] = QUESTIONS
    max_length: int = IDEA_LIMIT
    principle_required: bool = False
    principles: tuple[PrincipleChoice, ...] = PRINCIPLES


@dataclass(frozen=True)
class AddIdea:
    """A new idea as typed, with its segment and question keys and its principle's key (may be empty)."""

    text: str
    segment: str
    question: str
    principle: str = ""


@dataclass(frozen=True)
class Idea:
    """An idea on the board: its text, the question (a, b or c) it answers and the Family Hubs principle it
    serves (empty when it names none); never who wrote it."""

    text: str
    question: str
    principle: str = ""
    entry_id: int = 0

    @property
    def principle_name(self) -> str:
        """The name of the principle it serves; empty when it names none."""
        return principles.NAMES.get(self.principle, "")


@dataclass(frozen=True)
class SegmentSummary:
    """One segment's ideas, oldest first, and how many answer each question."""

    segment: Choice
    ideas: tuple[Idea, ...]
    by_question: dict[str, int]


@dataclass(frozen=True)
class TriangleSummary:
    """The board for one priority and its balance check."""

    priority: str
    responses: int  # seats that have added at least one idea
    segments: tuple[SegmentSummary, ...]
    # The entry (another item's option) the priority is, when it follows a ranking; None: the set text.
    priority_entry: int | None = None

    @property
    def total(self) -> int:
        """Ideas on the board."""
        return sum(len(s.ideas) for s in self.segments)

    @property
    def empty(self) -> tuple[Choice, ...]:
        """Segments with no idea yet: the balance check asks for at least one in each."""
        return tuple(s.segment for s in self.segments if not s.ideas)

    @property
    def by_question(self) -> dict[str, int]:
        """Ideas per question across all segments."""
        return {q: sum(s.by_question[q] for s in self.segments) for q in QUESTION_KEYS}

    @property
    def by_principle(self) -> dict[str, int]:
        """Ideas per Family Hubs principle across all segments."""
        return principles.counts(idea.principle for s in self.segments for idea in s.ideas)

    @property
    def principle_tally(self) -> tuple[tuple[PrincipleChoice, int], ...]:
        """Each Family Hubs principle with its number of ideas, in the model's order."""
        tally = self.by_principle
        return tuple((p, tally[p.key]) for p in PRINCIPLES)

    @property
    def missing_principles(self) -> tuple[PrincipleChoice, ...]:
        """Family Hubs principles no idea names yet."""
        return principles.missing(self.by_principle)


TriangleAnswers = AddIdea | Remove


class TriangleActivity(Activity[TriangleSettings, TriangleStructure, TriangleAnswers, TriangleSummary]):
    """For one priority, add ideas tagged civic / service / community and one of the three questions."""

    kind = "triangle"
    frozen_text = (("segments[].ideas[].text", "Idea"), ("priority", "Priority"))
    label = "Population intervention triangle"
    phone_template = "activities/triangle.html"
    results_template = "activities/triangle_results.html"
    after_save = "form"
    settings_model = TriangleSettings
    # Not priority_from: the set priority stands until a ranking is linked, which only a template does.
    asks = (AskedSetting("priority", "The priority ideas are for", "text", "Enter the priority."),)

    def settings(self, item: AgendaItem) -> TriangleSettings:
        return settings_of(TriangleSettings, item)

    def __init__(self, leader_of: Leader | None = None) -> None:
        """A triangle that takes its priority from the item named by ``priority_from`` through ``leader_of``.

        Args:
            leader_of: The leader of another item, whatever its kind: the registry asks that item's kind
                (:meth:`Activity.leader`), so the triangle never names the kind it follows. None: no item
                leads, and the set priority always stands.
        """
        self._leader_of = leader_of

    def priority(self, session: Session, item: AgendaItem) -> tuple[str, int | None]:
        """The priority ideas are for and the entry it is: the linked item's single leader when it has one,
        else the set text (no entry)."""
        settings = self.settings(item)
        source = item_by_key(session, item, settings.priority_from) if settings.priority_from else None
        leader = self._leader_of(session, source) if source is not None and self._leader_of else None
        return (settings.priority, None) if leader is None else (leader[1], leader[0])

    def structure(self, session: Session, item: AgendaItem) -> TriangleStructure:
        settings = self.settings(item)
        return TriangleStructure(
            self.priority(session, item)[0],
            settings.max_ideas_per_seat,
            principle_required=settings.principle_required,
        )

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: TriangleStructure
    ) -> dict[str, Any]:
        names = {c.key: c.name for c in SEGMENTS}
        hints = {c.key: c.hint for c in QUESTIONS}
        own = [
            {
                "id": entry.id,
                "text": entry.text,
                "segment": names.get(entry.tag, entry.tag),
                "question": f"({entry.tag2}) {hints[entry.tag2]}" if entry.tag2 in hints else "",
                "principle": principles.NAMES.get(entry.principle, ""),
                "hidden": entry.status not in VISIBLE,
            }
            for entry in own_entries(session, row_id(item), row_id(seat))
        ]
        return {"values": {}, "own": own}

    def parse_form(
        self, structure: TriangleStructure, form: Mapping[str, str]
    ) -> ParsedForm[TriangleAnswers]:
        settled = removal_or_refusal(form, "Add idea button to add an idea")
        if settled is not None:
            return settled
        text = form.get("text") or ""
        segment = form.get("segment") or ""
        question = form.get("question") or ""
        entered = {name: value for name, value in (("text", text),) if value}
        errors: list[FormError] = []
        problem = check_text(text, structure.max_length, "idea")
        if problem:
            errors.append(FormError("text", "text", problem))
        if segment in SEGMENT_KEYS:
            entered["segment"] = segment
        else:
            message = "Choose civic, service or community" if not segment else "Choose one of the parts shown"
            errors.append(FormError("segment", "segment-civic", message))
        if question in QUESTION_KEYS:
            entered["question"] = question
        else:
            message = "Choose which question the idea answers" if not question else "Choose (a), (b) or (c)"
            errors.append(FormError("question", "question-a", message))
        problem_of_principle = principles.parse_principle(form, structure.principle_required, entered)
        errors += [problem_of_principle] if problem_of_principle else []
        if errors:
            return ParsedForm(answers=None, errors=errors, entered=entered)
        idea = AddIdea(text, segment, question, entered.get("principle", ""))
        return ParsedForm(answers=idea, entered=entered, notice="added")

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: TriangleAnswers) -> None:
        settings = self.settings(item)
        if isinstance(answers, Remove):
            remove_own_entry(session, item, seat, answers.entry_id)
            return
        if not isinstance(answers, AddIdea):
            raise AnswerRefused("That idea could not be read: please add it again")
        # Checked again here: parse_form is skipped by anything that calls the store directly.
        problem = check_text(answers.text, IDEA_LIMIT, "idea")
        if problem:
            raise AnswerRefused(problem)
        if answers.segment not in SEGMENT_KEYS or answers.question not in QUESTION_KEYS:
            raise AnswerRefused("Choose a part of the triangle and one of the three questions")
        problem = principles.principle_problem(answers.principle, settings.principle_required)
        if problem:
            raise AnswerRefused(problem)
        limit = settings.max_ideas_per_seat
        if len(own_entries(session, row_id(item), row_id(seat))) >= limit:
            raise AnswerRefused(
                f"You have already added {limit} {'idea' if limit == 1 else 'ideas'}, the most this "
                "activity allows. Remove one to add another"
            )
        tag, tag2, principle = answers.segment, answers.question, answers.principle
        add_entry(session, item, seat, answers.text, tag=tag, tag2=tag2, principle=principle, limit=limit)
        ensure_response(session, row_id(item), row_id(seat))

    def answered(self, summary: TriangleSummary) -> int:
        """Seats with at least one idea of their own (removing the last one stops the seat counting)."""
        return summary.responses

    def without_free_text(self, summary: TriangleSummary, purge: TextPurge) -> tuple[TriangleSummary, str]:
        """Ideas not agreed nor the facilitator's become stand-ins; their questions and principles stay. So
        does a priority that leads a ranking but the room never agreed (a participant's proposal)."""
        priority, gone = summary.priority, 0
        notes: list[str] = []
        if summary.priority_entry is not None and summary.priority_entry not in purge.kept:
            priority = purge.stand_in("Priority")
            notes.append(purge.note(1, "priority from a ranking option not agreed"))

        def kept(idea: Idea) -> Idea:
            nonlocal gone
            if idea.entry_id in purge.kept:
                return idea
            gone += 1
            return replace(idea, text=purge.stand_in("Idea", gone))

        parts = tuple(replace(p, ideas=tuple(kept(i) for i in p.ideas)) for p in summary.segments)
        notes += [purge.note(gone, "idea")] if gone else []
        return replace(summary, priority=priority, segments=parts), " ".join(notes)

    def report(self, session: Session, item: AgendaItem, summary: TriangleSummary) -> list[Block]:
        questions = {q.key: q.name for q in QUESTIONS}
        blocks: list[Block] = [
            Paragraph(f"Priority: {summary.priority}", strong=True),
            Paragraph(f"{plural(summary.total, 'idea')} from {people(summary.responses)}."),
            Bullets(tuple(f"{q.name} {q.hint}" for q in QUESTIONS)),
            Table(
                ("Segment", *(q.name for q in QUESTIONS), "No question", "Ideas"),
                tuple(
                    (
                        p.segment.name,
                        *(p.by_question[q.key] for q in QUESTIONS),
                        len(p.ideas) - sum(p.by_question.values()),  # a facilitator's idea may have none
                        len(p.ideas),
                    )
                    for p in summary.segments
                ),
                caption="The balance check: how many ideas each segment has, by the question they answer.",
            ),
            *principles.report(
                summary.by_principle, "idea", summary.total - sum(summary.by_principle.values())
            ),
        ]
        for part in summary.segments:
            blocks.append(Heading(f"{part.segment.name}: {part.segment.hint}", level=4))
            named = {idea: f" ({idea.principle_name})" if idea.principle_name else "" for idea in part.ideas}
            ideas = tuple(f"{questions.get(i.question, '')} {i.text}{named[i]}".strip() for i in part.ideas)
            blocks.append(Bullets(ideas) if ideas else Paragraph("No ideas here yet."))
        return blocks

    def results(self, session: Session, item: AgendaItem, summary: TriangleSummary) -> TriangleResults:
        segments = [
            TriangleSegment(
                segment=TriangleChoice.of(part.segment),
                ideas=[
                    TriangleIdea(
                        text=idea.text, question=idea.question or None, principle=idea.principle or None
                    )
                    for idea in part.ideas
                ],
                by_question=dict(part.by_question),
            )
            for part in summary.segments
        ]
        return TriangleResults(
            priority=summary.priority,
            responses=summary.responses,
            ideas=summary.total,
            questions=[TriangleChoice.of(q) for q in QUESTIONS],
            segments=segments,
            by_question=summary.by_question,
            by_principle=principles.as_data(summary.by_principle),
            missing_principles=[p.key for p in summary.missing_principles],
        )

    def reset(self, session: Session, item: AgendaItem) -> None:
        delete_seat_entries(session, item)
        super().reset(session, item)

    def summarise(self, session: Session, item: AgendaItem) -> TriangleSummary:
        shown = sorted(entries(session, row_id(item), statuses=VISIBLE), key=lambda entry: entry.id or 0)
        segments = []
        for segment in SEGMENTS:
            # A facilitator's idea may carry a segment but no question: it is shown, just not counted.
            ideas = tuple(
                Idea(e.text, e.tag2 if e.tag2 in QUESTION_KEYS else "", e.principle, row_id(e))
                for e in shown
                if e.tag == segment.key
            )
            counts = {q: sum(1 for idea in ideas if idea.question == q) for q in QUESTION_KEYS}
            segments.append(SegmentSummary(segment, ideas, counts))
        priority, entry = self.priority(session, item)
        return TriangleSummary(priority, responses(session, item), tuple(segments), entry)
