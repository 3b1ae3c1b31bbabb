"""The collaborative maturity matrix: every factor rated for every horizon on one phone page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import delete, func, insert
from sqlmodel import Session, col, select

from workshop.activities.base import Activity, FormError, ParsedForm
from workshop.analysis import Distribution
from workshop.models import (
    AgendaItem,
    Horizon,
    MaturityFactor,
    MaturityLevel,
    MaturityRating,
    Response,
    Seat,
    utcnow,
)

DONT_KNOW = "dk"


@dataclass(frozen=True)
class MatrixStructure:
    """The factors, horizons and levels of one workshop's matrix."""

    factors: tuple[MaturityFactor, ...]
    horizons: tuple[Horizon, ...]
    levels: tuple[MaturityLevel, ...]

    @staticmethod
    def field_name(factor: MaturityFactor, horizon: Horizon) -> str:
        """The form field for one factor at one horizon."""
        return f"r-{factor.key}-{horizon.key}"


@dataclass(frozen=True)
class FactorSummary:
    """One factor's distribution at each horizon, keyed by horizon key."""

    factor: MaturityFactor
    by_horizon: dict[str, Distribution]


@dataclass(frozen=True)
class MatrixSummary:
    """The live picture of a maturity item."""

    responses: int
    structure: MatrixStructure
    factors: tuple[FactorSummary, ...]


def load_structure(session: Session, workshop_id: int) -> MatrixStructure:
    """Read a workshop's matrix content from the database."""
    factors = session.exec(
        select(MaturityFactor)
        .where(MaturityFactor.workshop_id == workshop_id)
        .order_by(MaturityFactor.position)
    ).all()
    horizons = session.exec(
        select(Horizon).where(Horizon.workshop_id == workshop_id).order_by(Horizon.position)
    ).all()
    levels = session.exec(
        select(MaturityLevel).where(MaturityLevel.workshop_id == workshop_id).order_by(MaturityLevel.value)
    ).all()
    return MatrixStructure(tuple(factors), tuple(horizons), tuple(levels))


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


class MaturityActivity(Activity):
    """Rate each factor now, in one year and in two years; each rating may be "don't know"."""

    kind = "maturity"
    label = "Maturity matrix"
    phone_template = "activities/maturity.html"

    def structure(self, session: Session, item: AgendaItem) -> MatrixStructure:
        return load_structure(session, item.workshop_id)

    def current_answers(self, session: Session, item: AgendaItem, seat: Seat) -> dict[str, str]:
        structure = self.structure(session, item)
        factor_keys = {f.id: f.key for f in structure.factors}
        horizon_keys = {h.id: h.key for h in structure.horizons}
        rows = session.exec(
            select(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level)
            .join(Response, col(Response.id) == MaturityRating.response_id)
            .where(Response.item_id == item.id, Response.seat_id == seat.id)
        ).all()
        return {
            f"r-{factor_keys[f]}-{horizon_keys[h]}": (DONT_KNOW if level is None else str(level))
            for f, h, level in rows
            if f in factor_keys and h in horizon_keys
        }

    def parse_form(self, structure: MatrixStructure, form: Mapping[str, str]) -> ParsedForm:
        allowed = {str(level.value): level.value for level in structure.levels}
        answers: dict[tuple[int, int], int | None] = {}
        errors: list[FormError] = []
        summary: list[FormError] = []
        entered: dict[str, str] = {}
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
                    answers[(factor.id, horizon.id)] = None  # type: ignore[index]
                    entered[name] = raw
                elif raw in allowed:
                    answers[(factor.id, horizon.id)] = allowed[raw]  # type: ignore[index]
                    entered[name] = raw
                else:
                    error = FormError(name, anchor, f"Choose one of the levels shown for {where}")
                    errors.append(error)
                    summary.append(error)
            if missing:
                # One summary line per factor: 27 lines for a blank form would bury the form itself.
                times = _and([horizon.label.lower() for _, horizon in missing])
                message = f"Choose a level or Don't know for {factor.name}: {times}"
                summary.append(FormError(f"factor-{factor.key}", missing[0][0], message))
        order = {error.anchor: index for index, error in enumerate(errors)}
        summary.sort(key=lambda error: order.get(error.anchor, 0))
        return ParsedForm(answers=answers, errors=errors, entered=entered, summary=summary)

    def save(
        self, session: Session, item_id: int, seat_id: int, answers: dict[tuple[int, int], int | None]
    ) -> None:
        response = session.exec(
            select(Response).where(Response.item_id == item_id, Response.seat_id == seat_id)
        ).first()
        if response is None:
            response = Response(item_id=item_id, seat_id=seat_id)
            session.add(response)
            session.flush()
        else:
            response.updated_at = utcnow()
            session.add(response)
            session.execute(delete(MaturityRating).where(col(MaturityRating.response_id) == response.id))
        # Core bulk insert: the ORM unit of work costs more than the write itself on the hot path.
        session.execute(
            insert(MaturityRating),
            [
                {
                    "response_id": response.id,
                    "item_id": item_id,
                    "factor_id": f,
                    "horizon_id": h,
                    "level": level,
                }
                for (f, h), level in answers.items()
            ],
        )

    def summarise(self, session: Session, item: AgendaItem) -> MatrixSummary:
        structure = self.structure(session, item)
        level_count = len(structure.levels)
        responses = session.exec(
            select(func.count()).select_from(Response).where(Response.item_id == item.id)
        ).one()
        counts: dict[tuple[int, int], list[int]] = {}
        dont_know: dict[tuple[int, int], int] = {}
        rows = session.exec(
            select(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level, func.count())
            .where(MaturityRating.item_id == item.id)
            .group_by(MaturityRating.factor_id, MaturityRating.horizon_id, MaturityRating.level)
        ).all()
        for factor_id, horizon_id, level, count in rows:
            key = (factor_id, horizon_id)
            if level is None:
                dont_know[key] = count
            elif 1 <= level <= level_count:
                counts.setdefault(key, [0] * level_count)[level - 1] = count
        factors = tuple(
            FactorSummary(
                factor=factor,
                by_horizon={
                    h.key: Distribution(
                        tuple(counts.get((factor.id, h.id), [0] * level_count)),  # type: ignore[arg-type]
                        dont_know.get((factor.id, h.id), 0),  # type: ignore[arg-type]
                    )
                    for h in structure.horizons
                },
            )
            for factor in structure.factors
        )
        return MatrixSummary(responses=responses, structure=structure, factors=factors)
