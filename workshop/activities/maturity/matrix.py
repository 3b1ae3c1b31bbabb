"""The maturity matrix's shape and results: factors, horizons and levels, and the answers given to them."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from sqlalchemy.engine import URL
from sqlmodel import Session, col, select

from workshop.analysis import Distribution
from workshop.models import AgendaItem, Horizon, MaturityFactor, MaturityLevel

# By the database's URL (kept as it is: rendering it as text on every vote cost more than the lookup).
_STRUCTURES: dict[tuple[URL, int], MatrixStructure] = {}


@dataclass(frozen=True)
class MatrixAnswers:
    """A seat's ratings by (factor id, horizon id), None meaning don't know, and comments by factor id."""

    ratings: dict[tuple[int, int], int | None]
    comments: dict[int, str]
    # One step of the form in steps: the factor id these answers are for. Only the ratings given are
    # replaced, and the factor's comment if it is in ``comments`` (empty text removes it). None: the whole
    # response is replaced (one post of every rating).
    factor: int | None = None


@dataclass(frozen=True)
class MatrixStructure:
    """The factors, horizons and levels of one workshop's matrix."""

    # Never changed once made, and kept per workshop (matrix_structure): the same object is the same
    # content, so a page keyed on it fingerprints it once (workshop/web/page_tools.py).
    fixed_content: ClassVar[bool] = True

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
    # Comments by factor key, in the order they were written; never linked to a seat.
    comments: dict[str, list[str]]
    # (factor key, horizon key) -> (agreed level or None for "no agreement", rationale).
    agreed: dict[tuple[str, str], tuple[int | None, str]] = field(default_factory=dict)
    # The key of the horizon the item is on (see :mod:`.focus`); empty when the matrix has no horizons.
    focus: str = ""
    # Of ``responses``: seats that rated every factor at every horizon their phones ask (all horizons, or
    # the focused one when the item asks one at a time), and seats that have rated only some so far.
    complete: int = 0
    partial: int = 0

    @property
    def focus_index(self) -> int:
        """The position of the horizon the item is on (0 when it has none)."""
        keys = [h.key for h in self.structure.horizons]
        return keys.index(self.focus) if self.focus in keys else 0


def load_structure(session: Session, workshop_id: int) -> MatrixStructure:
    """Read a workshop's matrix content from the database."""
    factors = session.exec(
        select(MaturityFactor)
        .where(MaturityFactor.workshop_id == workshop_id)
        .order_by(col(MaturityFactor.position))
    ).all()
    horizons = session.exec(
        select(Horizon).where(Horizon.workshop_id == workshop_id).order_by(col(Horizon.position))
    ).all()
    levels = session.exec(
        select(MaturityLevel)
        .where(MaturityLevel.workshop_id == workshop_id)
        .order_by(col(MaturityLevel.value))
    ).all()
    return MatrixStructure(tuple(factors), tuple(horizons), tuple(levels))


def matrix_structure(session: Session, item: AgendaItem) -> MatrixStructure:
    """The item's workshop's matrix, read once per database and workshop and then kept."""
    # A workshop's matrix never changes once made, and reading it was three queries on every vote.
    key = (session.get_bind().engine.url, item.workshop_id)
    cached = _STRUCTURES.get(key)
    if cached is None:
        cached = load_structure(session, item.workshop_id)
        if len(_STRUCTURES) >= 64:
            _STRUCTURES.pop(next(iter(_STRUCTURES)))
        _STRUCTURES[key] = cached
    return cached
