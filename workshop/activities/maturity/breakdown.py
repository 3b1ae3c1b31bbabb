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

The same two rules hold again for each cell (one factor at one horizon), counting the ratings that named a
level: a shown group's cell is hidden when fewer than ``min_group`` of its people rated it (the rest said
don't know), and then, while the room's ratings of that cell minus the visible cells' come to between one
and ``min_group - 1``, the smallest visible cell is hidden too. A hidden cell is None: no reader, table or
file can reach its numbers.

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
from workshop.models import (
    MIN_GROUP_DEFAULT,
    MIN_GROUP_FLOOR,
    AgendaItem,
    MaturityRating,
    Organisation,
    Response,
    RoleLevel,
    Seat,
    Workshop,
    row_id,
)

MIN_GROUP = MIN_GROUP_DEFAULT  # the default size, as the reports this product grew from used
NOT_SAID = "Not said"
BreakdownBy = Literal["organisation", "role"]


@dataclass(frozen=True)
class GroupRatings:
    """One group's answers: how many of its seats answered, and a distribution per factor and horizon."""

    name: str
    seats: int
    # factor key -> horizon key -> distribution; None where the cell is hidden (see the module docstring)
    by_factor: dict[str, dict[str, Distribution | None]]

    def distribution(self, factor_key: str, horizon_key: str) -> Distribution | None:
        """The group's distribution for one factor at one horizon; None when it is hidden."""
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


def min_group_of(workshop: Workshop) -> int:
    """The workshop's smallest group shown, never below :data:`MIN_GROUP_FLOOR` whatever is stored."""
    return max(MIN_GROUP_FLOOR, workshop.min_group)


def maturity_breakdown(
    session: Session, item: AgendaItem, by: BreakdownBy, min_group: int | None = None
) -> Breakdown:
    """Break a maturity item's ratings down by organisation or role level (see the module docstring).

    ``min_group`` defaults to the workshop's setting (:func:`min_group_of`).
    """
    if by not in ("organisation", "role"):
        raise ValueError(f"cannot break down by {by!r}")
    if min_group is None:
        workshop = session.get(Workshop, item.workshop_id)
        min_group = min_group_of(workshop) if workshop is not None else MIN_GROUP
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

    room_rated: dict[tuple[int, int], int] = {}
    if shown:
        # The whole room's ratings per cell, every seat's: what a reader could subtract the shown cells from.
        for factor_id, horizon_id, count in session.exec(
            select(col(MaturityRating.factor_id), col(MaturityRating.horizon_id), func.count())
            .where(MaturityRating.item_id == item.id, col(MaturityRating.level).is_not(None))
            .group_by(col(MaturityRating.factor_id), col(MaturityRating.horizon_id))
        ).all():
            room_rated[(factor_id, horizon_id)] = count
    cells: dict[int | None, dict[str, dict[str, Distribution | None]]] = {gid: {} for gid in shown}
    for factor in structure.factors:
        for horizon in structure.horizons:
            place = (row_id(factor), row_id(horizon))
            dists = {
                gid: Distribution(
                    tuple(counts.get((gid, *place), [0] * level_count)), dont_know.get((gid, *place), 0)
                )
                for gid in shown
            }
            visible = [gid for gid in shown if dists[gid].n >= min_group]
            held_back = room_rated.get(place, 0) - sum(dists[gid].n for gid in visible)
            while 0 < held_back < min_group and visible:
                smallest = min(visible, key=lambda gid: (dists[gid].n, -order.index(gid)))
                visible.remove(smallest)
                held_back += dists[smallest].n
            for gid in shown:
                cells[gid].setdefault(factor.key, {})[horizon.key] = dists[gid] if gid in visible else None

    groups = tuple(
        GroupRatings(name=names[gid], seats=sizes[gid], by_factor=cells[gid]) for gid in order if gid in shown
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
