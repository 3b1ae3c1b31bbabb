"""The open question: short free-text answers, listed and counted into a word cloud."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlmodel import Session

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
from workshop.blocks import Block, Bullets, Paragraph, Table
from workshop.models import AgendaItem, Seat, row_id
from workshop.store.entries import (
    VISIBLE,
    add_entry,
    delete_seat_entries,
    entries,
    own_entries,
    remove_own_entry,
)
from workshop.wording import people, plural
from workshop.words import WordCount, word_frequencies

TOP_WORDS = 30


class QuestionSettings(BaseModel):
    """Settings of an open question."""

    model_config = ConfigDict(extra="forbid")

    prompt: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] = Field(
        description="The question, shown as the heading of the phone page."
    )
    max_answers_per_seat: int = Field(default=3, ge=1, le=20)
    max_length: int = Field(default=80, ge=10, le=280, description="Characters allowed in one answer.")


class WordResult(BaseModel):
    """A word as people most often wrote it, and how many answers used it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    word: str
    count: int = Field(description="Answers that used the word (each answer counts once).")


class QuestionResults(BaseModel):
    """An open question's results: the prompt, every shown answer and the words used most; no one named."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["question"] = "question"
    prompt: str
    responses: int = Field(description="Seats that sent at least one answer.")
    answers: list[str] = Field(description="Every answer not hidden, oldest first, exactly as sent.")
    words: list[WordResult] = Field(description=f"The {TOP_WORDS} words used most, most used first.")


@dataclass(frozen=True)
class AddAnswer:
    """A new answer, exactly as typed."""

    text: str


@dataclass(frozen=True)
class QuestionSummary:
    """What the room has answered; never which seat wrote what."""

    prompt: str
    answers: tuple[str, ...]  # oldest first, hidden ones left out
    words: tuple[WordCount, ...]
    responses: int  # seats that have sent at least one answer


QuestionAnswers = AddAnswer | Remove


class QuestionActivity(Activity[QuestionSettings, QuestionSettings, QuestionAnswers, QuestionSummary]):
    """Ask one open question; each seat sends a few short answers and can remove its own."""

    kind = "question"
    frozen_text = (("answers[]", "Answer"), ("=words[].word", "Word"))
    label = "Open question"
    phone_template = "activities/question.html"
    results_template = "activities/question_results.html"
    after_save = "form"
    settings_model = QuestionSettings
    asks = (AskedSetting("prompt", "The question (phones show it)", "text", "Enter the question to ask."),)

    def settings(self, item: AgendaItem) -> QuestionSettings:
        return settings_of(QuestionSettings, item)

    def structure(self, session: Session, item: AgendaItem) -> QuestionSettings:
        return self.settings(item)

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: QuestionSettings
    ) -> dict[str, Any]:
        own = list(own_entries(session, row_id(item), row_id(seat)))
        return {"values": {}, "own": own, "settings": structure}

    def parse_form(self, structure: QuestionSettings, form: Mapping[str, str]) -> ParsedForm[QuestionAnswers]:
        settled = removal_or_refusal(form, "Send button to send an answer")
        if settled is not None:
            return settled
        text = form.get("text") or ""
        problem = check_text(text, structure.max_length, "answer")
        entered = {"text": text} if text else {}
        if problem:
            return ParsedForm(answers=None, errors=[FormError("text", "text", problem)], entered=entered)
        return ParsedForm(answers=AddAnswer(text), entered=entered, notice="added")

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: QuestionAnswers) -> None:
        settings = self.settings(item)
        if isinstance(answers, Remove):
            remove_own_entry(session, item, seat, answers.entry_id)
            return
        if not isinstance(answers, AddAnswer):
            raise AnswerRefused("That answer could not be read: please send it again")
        # Checked again here: parse_form is skipped by anything that calls the store directly.
        problem = check_text(answers.text, settings.max_length, "answer")
        if problem:
            raise AnswerRefused(problem)
        limit = settings.max_answers_per_seat
        if len(own_entries(session, row_id(item), row_id(seat))) >= limit:
            raise AnswerRefused(
                f"You have already sent {limit} {'answer' if limit == 1 else 'answers'}, the most this "
                "question allows. Remove one to send another"
            )
        add_entry(session, item, seat, answers.text, limit=limit)
        ensure_response(session, row_id(item), row_id(seat))

    def answered(self, summary: QuestionSummary) -> int:
        """Seats with at least one answer of their own (removing the last one stops the seat counting)."""
        return summary.responses

    def without_free_text(self, summary: QuestionSummary, purge: TextPurge) -> tuple[QuestionSummary, str]:
        """Every answer is a participant's own words, never agreed: each becomes a stand-in (so the count
        stays), and the words counted in them go too."""
        if not summary.answers:
            return summary, ""
        stand_ins = tuple(purge.stand_in("Answer", n) for n in range(1, len(summary.answers) + 1))
        return replace(summary, answers=stand_ins, words=()), purge.note(len(summary.answers), "answer")

    def report(self, session: Session, item: AgendaItem, summary: QuestionSummary) -> list[Block]:
        blocks: list[Block] = [
            Paragraph(f"{plural(len(summary.answers), 'answer')} from {people(summary.responses)}.")
        ]
        if summary.words:
            rows = tuple((w.word, w.count) for w in summary.words[:15])
            caption = "The words used most, and in how many answers each appears."
            blocks.append(Table(("Word", "Answers"), rows, caption=caption))
        if summary.answers:
            blocks.append(Bullets(summary.answers))
        return blocks

    def results(self, session: Session, item: AgendaItem, summary: QuestionSummary) -> QuestionResults:
        return QuestionResults(
            prompt=summary.prompt,
            responses=summary.responses,
            answers=list(summary.answers),
            words=[WordResult(word=w.word, count=w.count) for w in summary.words],
        )

    def reset(self, session: Session, item: AgendaItem) -> None:
        delete_seat_entries(session, item)
        super().reset(session, item)

    def summarise(self, session: Session, item: AgendaItem) -> QuestionSummary:
        settings = self.settings(item)
        shown = sorted(entries(session, row_id(item), statuses=VISIBLE), key=lambda entry: entry.id or 0)
        texts = tuple(entry.text for entry in shown)
        return QuestionSummary(
            prompt=settings.prompt,
            answers=texts,
            words=tuple(word_frequencies(texts, TOP_WORDS)),
            responses=responses(session, item),
        )
