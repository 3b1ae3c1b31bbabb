"""The maturity matrix broken down by organisation or by role level, with small groups suppressed.

shared/DOMAIN.md §8.1: a breakdown must never single out a person (the one police officer in the room), so a
group with fewer than ``min_group`` responding seats is *suppressed*: its ratings are never read, counted
or returned; only its name is reported, in :attr:`Breakdown.suppressed`.

Suppressed groups are not merged into an "other groups" row. Instead there is a second rule, because the
whole-room table is on screen too: if the suppressed groups together hold fewer than ``min_group`` seats,
the whole room minus the shown groups would give the small groups' ratings away (one police officer among
twelve: room minus council minus NHS = the officer). So the smallest shown groups are withheld as well,
one by one, until the groups held back hold at least ``min_group`` seats between them (or nothing is
shown). Withheld groups are named in :attr:`Breakdown.withheld`.

Groups are each organisation (or role level) of the workshop, in template order, then "Not said" for seats
that gave none. Groups nobody in them answered are left out: they have nothing to show or hide.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import func, or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from workshop.activities.maturity.matrix import MatrixStructure, matrix_structure
from workshop.analysis import Distribution
from workshop.models import AgendaItem, MaturityRating, Organisation, Response, RoleLevel, Seat, row_id

MIN_GROUP = 5
NOT_SAID = "Not said"
BreakdownBy = Literal["organisation", "role"]


@dataclass(frozen=True)
class GroupRatings:
    """One group's answers: how many of its seats answered, and a distribution per factor and horizon."""

    name: str
    seats: int
    # factor key -> horizon key -> distribution
    by_factor: dict[str, dict[str, Distribution]]

    def distribution(self, factor_key: str, horizon_key: str) -> Distribution:
        """The group's distribution for one factor at one horizon."""
        return self.by_factor[factor_key][horizon_key]


@dataclass(frozen=True)
class Breakdown:
    """A maturity item's answers by group; suppressed and withheld groups carry names only, no numbers."""

    by: BreakdownBy
    min_group: int
    responses: int
    structure: MatrixStructure
    groups: tuple[GroupRatings, ...]
    # Groups with fewer than ``min_group`` responding seats.
    suppressed: tuple[str, ...]
    # Groups big enough on their own, held back so the suppressed ones cannot be worked out by subtraction.
    withheld: tuple[str, ...]


def maturity_breakdown(
    session: Session, item: AgendaItem, by: BreakdownBy, min_group: int = MIN_GROUP
) -> Breakdown:
    """Break a maturity item's ratings down by organisation or role level (see the module docstring)."""
    if by not in ("organisation", "role"):
        raise ValueError(f"cannot break down by {by!r}")
    min_group = max(1, min_group)
    structure = matrix_structure(session, item)
    table = Organisation if by == "organisation" else RoleLevel
    group_col = col(Seat.organisation_id) if by == "organisation" else col(Seat.role_level_id)
    named = session.exec(
        select(table.id, table.name)
        .where(table.workshop_id == item.workshop_id)
        .order_by(col(table.position))
    ).all()
    names: dict[int | None, str] = {gid: name for gid, name in named}
    order = [*names, None]
    names[None] = NOT_SAID

    def group_of(gid: int | None) -> int | None:
        # A seat naming a group from elsewhere cannot happen through store.join; count it as not said.
        return gid if gid in names else None

    sizes: dict[int | None, int] = {}
    for gid, count in session.exec(
        select(group_col, func.count())
        .select_from(Response)
        .join(Seat, col(Seat.id) == col(Response.seat_id))
        .where(Response.item_id == item.id)
        .group_by(group_col)
    ).all():
        key = group_of(gid)
        sizes[key] = sizes.get(key, 0) + count
    responses = sum(sizes.values())

    present = [gid for gid in order if sizes.get(gid)]
    suppressed = [gid for gid in present if sizes[gid] < min_group]
    shown = [gid for gid in present if sizes[gid] >= min_group]
    withheld: list[int | None] = []
    held_back = sum(sizes[gid] for gid in suppressed)
    while 0 < held_back < min_group and shown:
        smallest = min(shown, key=lambda gid: (sizes[gid], -order.index(gid)))
        shown.remove(smallest)
        withheld.append(smallest)
        held_back += sizes[smallest]

    level_count = len(structure.levels)
    counts: dict[tuple[int | None, int, int], list[int]] = {}
    dont_know: dict[tuple[int | None, int, int], int] = {}
    if shown:
        # One grouped query, and only over the shown groups: suppressed ratings are never read.
        known = [gid for gid in names if gid is not None]
        ids = [gid for gid in shown if gid is not None]
        wanted = [group_col.in_(ids)] if ids else []
        if None in shown:
            wanted += [group_col.is_(None), group_col.not_in(known)]
        factor_col, horizon_col, level_col = (
            col(MaturityRating.factor_id),
            col(MaturityRating.horizon_id),
            col(MaturityRating.level),
        )
        # sqlmodel's select() is typed for at most four columns: build the statement as it does, row type
        # stated: (group id, factor id, horizon id, level or None for don't know, count).
        rated: Select[int | None, int, int, int | None, int] = Select(
            group_col, factor_col, horizon_col, level_col, func.count()
        )
        rows = session.exec(
            rated.select_from(MaturityRating)
            .join(Response, col(Response.id) == col(MaturityRating.response_id))
            .join(Seat, col(Seat.id) == col(Response.seat_id))
            .where(MaturityRating.item_id == item.id, or_(*wanted))
            .group_by(group_col, factor_col, horizon_col, level_col)
        ).all()
        for gid, factor_id, horizon_id, level, count in rows:
            cell = (group_of(gid), factor_id, horizon_id)
            if level is None:
                dont_know[cell] = dont_know.get(cell, 0) + count
            elif 1 <= level <= level_count:
                counts.setdefault(cell, [0] * level_count)[level - 1] += count

    groups = tuple(
        GroupRatings(
            name=names[gid],
            seats=sizes[gid],
            by_factor={
                factor.key: {
                    horizon.key: Distribution(
                        tuple(counts.get((gid, row_id(factor), row_id(horizon)), [0] * level_count)),
                        dont_know.get((gid, row_id(factor), row_id(horizon)), 0),
                    )
                    for horizon in structure.horizons
                }
                for factor in structure.factors
            },
        )
        for gid in order
        if gid in shown
    )
    return Breakdown(
        by=by,
        min_group=min_group,
        responses=responses,
        structure=structure,
        groups=groups,
        suppressed=tuple(names[gid] for gid in suppressed),
        withheld=tuple(names[gid] for gid in order if gid in withheld),
    )
