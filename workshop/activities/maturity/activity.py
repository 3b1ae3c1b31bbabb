"""The collaborative maturity matrix: every factor rated for every horizon, one factor a phone page.

The steps (one factor a page, then a review) are in :mod:`.steps`; one post of the whole matrix is still
taken whole (what the load benchmark and scripted clients send).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from workshop.activities.base import Activity, FormError, ParsedForm, TextPurge
from workshop.activities.maturity.matrix import (
    MatrixAnswers,
    MatrixStructure,
    MatrixSummary,
    matrix_structure,
)
from workshop.activities.maturity.report import maturity_report
from workshop.activities.maturity.results import MaturityResults, maturity_results
from workshop.activities.maturity.settings import ONE_AT_A_TIME, MaturitySettings, asked_horizons
from workshop.activities.maturity.steps import COMMENT_LIMIT, DONT_KNOW, parse_step, step_view
from workshop.activities.maturity.summary import matrix_summary
from workshop.blocks import Block
from workshop.models import (
    AgendaItem,
    AgreedLevel,
    Horizon,
    MaturityComment,
    MaturityFocus,
    MaturityRating,
    Response,
    Seat,
    row_id,
    table_of,
)
from workshop.store.many_rows import add_rows
from workshop.store.responses import response_id, response_row

__all__ = ["COMMENT_LIMIT", "DONT_KNOW", "MaturityActivity"]

_RATINGS = table_of(MaturityRating)
_COMMENTS = table_of(MaturityComment)
_CLEAR_RATINGS = delete(_RATINGS).where(_RATINGS.c.response_id == bindparam("response_id"))
_CLEAR_COMMENTS = delete(_COMMENTS).where(_COMMENTS.c.response_id == bindparam("response_id"))
# Read on every form page and status poll, built once and run on the connection: the ORM's query and
# identity map cost more than the statements (a missing focus row is not remembered by ``session.get``).
_RESPONSES = table_of(Response)
_FOCUS = table_of(MaturityFocus)
_RESPONSE_OF = sa_select(_RESPONSES.c.id).where(
    _RESPONSES.c.item_id == bindparam("item_id"), _RESPONSES.c.seat_id == bindparam("seat_id")
)
_FOCUS_OF = sa_select(_FOCUS.c.horizon_id).where(_FOCUS.c.item_id == bindparam("item_id"))


def _focus(session: Session, item: AgendaItem) -> int | None:
    """The horizon id the item is on, if the facilitator has moved it (``MaturityFocus``)."""
    session.flush()  # as Session.execute would: changes made to objects go in first (cheap when none)
    found = session.connection().execute(_FOCUS_OF, {"item_id": row_id(item)}).scalar()
    return None if found is None else int(found)


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class MaturityActivity(Activity[MaturitySettings, MatrixStructure, MatrixAnswers, MatrixSummary]):
    """Rate each factor now, in one year and in two years; each rating may be "don't know"."""

    kind = "maturity"
    frozen_text = (("comments[].texts[]", "Comment"),)
    label = "Maturity matrix"
    settings_model = MaturitySettings
    phone_template = "activities/maturity.html"
    results_template = "activities/maturity_results.html"
    tables = (AgreedLevel, MaturityRating, MaturityComment, MaturityFocus)
    kept_on_reset = (MaturityFocus,)
    kept_on_purge = (AgreedLevel,)

    def structure(self, session: Session, item: AgendaItem) -> MatrixStructure:
        return matrix_structure(session, item)

    def phone_context(
        self, session: Session, item: AgendaItem, seat: Seat, structure: MatrixStructure
    ) -> dict[str, Any]:
        factor_keys = {f.id: f.key for f in structure.factors}
        horizon_keys = {h.id: h.key for h in structure.horizons}
        session.flush()  # as Session.execute would (cheap when nothing changed)
        response = (
            session.connection().execute(_RESPONSE_OF, {"item_id": item.id, "seat_id": seat.id}).scalar()
        )
        values: dict[str, str] = {}
        if response is not None:
            rows = session.exec(
                select(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level).where(
                    MaturityRating.response_id == response
                )
            ).all()
            for f, h, level in rows:
                if f in factor_keys and h in horizon_keys:
                    values[f"r-{factor_keys[f]}-{horizon_keys[h]}"] = (
                        DONT_KNOW if level is None else str(level)
                    )
            comments = session.exec(
                select(MaturityComment.factor_id, MaturityComment.text).where(
                    MaturityComment.response_id == response
                )
            ).all()
            values.update({f"c-{factor_keys[f]}": text for f, text in comments if f in factor_keys})
        settings = self.settings(item)
        # Only a matrix asked one horizon at a time has a focus to read (a round trip on every form page).
        focus = _focus(session, item) if settings.horizons == ONE_AT_A_TIME else None
        asked = asked_horizons(structure, settings, focus)
        return {"values": values, "asked": asked}

    def phase(self, session: Session, item: AgendaItem) -> str:
        # One horizon at a time: a phone on the old horizon must load the new one when the room moves on.
        if self.settings(item).horizons != ONE_AT_A_TIME:
            return ""
        focus = _focus(session, item)
        return f"horizon-{focus}" if focus is not None else ""

    def phase_unread(self, item: AgendaItem) -> str | None:
        return "" if self.settings(item).horizons != ONE_AT_A_TIME else None

    def phone_step(self, context: Mapping[str, Any], step: str | None) -> dict[str, Any]:
        return step_view(context, step)

    def parse_form(self, structure: MatrixStructure, form: Mapping[str, str]) -> ParsedForm[MatrixAnswers]:
        if "step" in form:
            return parse_step(structure, form)
        allowed = {str(level.value): level.value for level in structure.levels}
        answers: dict[tuple[int, int], int | None] = {}
        errors: list[FormError] = []
        summary: list[FormError] = []
        entered: dict[str, str] = {}
        comments: dict[int, str] = {}
        first_level = structure.levels[0].value
        for factor in structure.factors:
            missing: list[tuple[str, Horizon]] = []
            for horizon in structure.horizons:
                name = structure.field_name(factor, horizon)
                raw = (form.get(name) or "").strip()
                anchor = f"{name}-{first_level}"
                where = f"{factor.name}, {horizon.label.lower()}"
                if not raw:
                    missing.append((anchor, horizon))
                    errors.append(
                        FormError(name, anchor, f"Choose a level for {where}, or choose Don't know")
                    )
                elif raw == DONT_KNOW:
                    answers[(row_id(factor), row_id(horizon))] = None
                    entered[name] = raw
                elif raw in allowed:
                    answers[(row_id(factor), row_id(horizon))] = allowed[raw]
                    entered[name] = raw
                else:
                    error = FormError(name, anchor, f"Choose one of the levels shown for {where}")
                    errors.append(error)
                    summary.append(error)
            comment = form.get(f"c-{factor.key}") or ""
            if len(comment) > COMMENT_LIMIT:
                error = FormError(
                    f"c-{factor.key}",
                    f"c-{factor.key}",
                    f"Comment on {factor.name} must be {COMMENT_LIMIT} characters or fewer "
                    f"(it has {len(comment)})",
                )
                errors.append(error)
                summary.append(error)
            elif comment.strip():
                comments[row_id(factor)] = comment
            if comment:
                entered[f"c-{factor.key}"] = comment
            if missing:
                # One summary line per factor: 27 lines for a blank form would bury the form itself.
                times = _and([horizon.label.lower() for _, horizon in missing])
                message = f"Choose a level or Don't know for {factor.name}: {times}"
                summary.append(FormError(f"factor-{factor.key}", missing[0][0], message))
        order = {error.anchor: index for index, error in enumerate(errors)}
        summary.sort(key=lambda error: order.get(error.anchor, 0))
        return ParsedForm(
            answers=MatrixAnswers(answers, comments), errors=errors, entered=entered, summary=summary
        )

    def save(self, session: Session, item: AgendaItem, seat: Seat, answers: MatrixAnswers) -> None:
        if answers.factor is not None:
            self._save_step(session, item, seat, answers, answers.factor)
            return
        response, new = response_row(session, row_id(item), row_id(seat))
        # Core statements built once, on the session's connection: the ORM's bulk insert and its
        # synchronised deletes cost several times the write itself on every vote.
        connection = session.connection()
        if not new:
            connection.execute(_CLEAR_RATINGS, {"response_id": response})
            connection.execute(_CLEAR_COMMENTS, {"response_id": response})
        add_rows(
            connection,
            _RATINGS,
            [
                {"response_id": response, "item_id": item.id, "factor_id": f, "horizon_id": h, "level": level}
                for (f, h), level in answers.ratings.items()
            ],
        )
        add_rows(
            connection,
            _COMMENTS,
            [
                {"response_id": response, "item_id": item.id, "factor_id": f, "text": text}
                for f, text in answers.comments.items()
            ],
        )

    def _save_step(
        self, session: Session, item: AgendaItem, seat: Seat, answers: MatrixAnswers, factor_id: int
    ) -> None:
        """One factor's step: replace the ratings given and the factor's comment, keep everything else."""
        text = answers.comments.get(factor_id, "")
        if not answers.ratings and not text.strip():
            existing = session.exec(
                select(Response.id).where(Response.item_id == item.id, Response.seat_id == seat.id)
            ).first()
            if existing is None:  # Next on an untouched first page: no response to count as begun
                return
        response = response_id(session, row_id(item), row_id(seat))
        connection = session.connection()
        if answers.ratings:
            connection.execute(
                delete(_RATINGS).where(
                    _RATINGS.c.response_id == response,
                    _RATINGS.c.factor_id == factor_id,
                    _RATINGS.c.horizon_id.in_([h for _, h in answers.ratings]),
                )
            )
            rows = [
                {"response_id": response, "item_id": item.id, "factor_id": f, "horizon_id": h, "level": v}
                for (f, h), v in answers.ratings.items()
            ]
            add_rows(connection, _RATINGS, rows)
        if factor_id in answers.comments:
            connection.execute(
                delete(_COMMENTS).where(
                    _COMMENTS.c.response_id == response, _COMMENTS.c.factor_id == factor_id
                )
            )
            if text.strip():
                row = {"response_id": response, "item_id": item.id, "factor_id": factor_id, "text": text}
                add_rows(connection, _COMMENTS, [row])

    def answered(self, summary: MatrixSummary) -> int:
        """Seats that have rated everything their phones ask; ``summary.partial`` counts the rest."""
        return summary.complete

    def report(self, session: Session, item: AgendaItem, summary: MatrixSummary) -> list[Block]:
        return maturity_report(session, item, summary)

    def results(self, session: Session, item: AgendaItem, summary: MatrixSummary) -> MaturityResults:
        return maturity_results(session, item, summary)

    def without_free_text(self, summary: MatrixSummary, purge: TextPurge) -> tuple[MatrixSummary, str]:
        """Comments are participants' own words: each becomes a stand-in under its factor, so the count
        stays. Ratings and agreed levels (with the facilitator's rationale) stay."""
        count, comments = 0, {}
        for key, texts in summary.comments.items():
            comments[key] = [purge.stand_in("Comment", n) for n in range(count + 1, count + len(texts) + 1)]
            count += len(texts)
        return replace(summary, comments=comments), purge.note(count, "comment") if count else ""

    def summarise(self, session: Session, item: AgendaItem) -> MatrixSummary:
        return matrix_summary(session, item)
