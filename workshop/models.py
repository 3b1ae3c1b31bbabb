"""The database tables: workshops, their agenda, seats, and what participants answered.

A workshop owns a copy of its template's content (organisations, role levels, maturity levels, horizons and
factors), so a template edited later never changes a workshop already run, and a follow-up workshop a year
on can be compared factor by factor.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Protocol

from sqlalchemy import JSON, Column, Index, Table, UniqueConstraint, inspect
from sqlmodel import Field, SQLModel


def utcnow() -> datetime:
    """Timezone-aware now, stored as UTC."""
    return datetime.now(UTC)


class _Stored(Protocol):
    @property
    def id(self) -> int | None: ...


def row_id(row: _Stored) -> int:
    """The id of a row that is in the database (read, or flushed); only a row not yet stored has none.

    Every table's ``id`` is optional because the database assigns it; code that holds a stored row uses
    this instead of passing ``int | None`` on.
    """
    if row.id is None:
        raise ValueError(f"{type(row).__name__} has no id: it has not been stored yet")
    return row.id


def table_of(model: type[SQLModel]) -> Table:
    """A table model's Core table, for statements that skip the ORM (sqlmodel types no ``__table__``)."""
    table = inspect(model).local_table
    if not isinstance(table, Table):
        raise TypeError(f"{model.__name__} is not mapped to a table")
    return table


# A breakdown's smallest group (``Workshop.min_group``): 5 unless the template or facilitator sets another.
MIN_GROUP_DEFAULT = 5
# How long answers are kept after a workshop unless its template says otherwise (docs/data-protection.md).
RETENTION_DAYS_DEFAULT = 90
# Never lower: with groups of two, one person's ratings are the pair's minus the other's.
MIN_GROUP_FLOOR = 3
# Above any room this runs for; it only stops a typo (50000) from hiding every group.
MIN_GROUP_MAX = 1000


class ItemState(StrEnum):
    """Where an agenda item is in the run-sheet."""

    PENDING = "pending"
    OPEN = "open"
    CLOSED = "closed"


class Workshop(SQLModel, table=True):
    """One workshop: a title, a join code for phones and the agenda position."""

    id: int | None = Field(default=None, primary_key=True)
    title: str = Field(max_length=200)
    template: str = Field(max_length=100, description="Name of the template it was made from.")
    join_code: str = Field(max_length=16, unique=True, index=True)
    # Only the SHA-256 of the facilitator's token (store/workshops.py issues it): a copy of the database
    # must not hand anyone the remote. None until a token is issued.
    facilitator_token_hash: str | None = Field(default=None, max_length=64, unique=True, index=True)
    current_item_id: int | None = Field(default=None)
    is_demo: bool = Field(default=False)
    baseline_id: int | None = Field(default=None, description="The earlier workshop this one re-assesses.")
    # The smallest group a breakdown by organisation or role level shows (never below MIN_GROUP_FLOOR).
    min_group: int = Field(default=MIN_GROUP_DEFAULT, sa_column_kwargs={"server_default": "5"})
    # Bumped in the same transaction as every change phones or the facilitator make, so a TUI or phone
    # on another process learns that something changed from one cheap read.
    revision: int = Field(default=0)
    created_at: datetime = Field(default_factory=utcnow)
    # Archived workshops leave the home screen's list but keep every answer, for follow-ups to compare.
    archived_at: datetime | None = Field(default=None)
    # Days the seats, ballots and free text are kept after the workshop before `workshop purge` is due.
    retention_days: int = Field(default=RETENTION_DAYS_DEFAULT, sa_column_kwargs={"server_default": "90"})


class Organisation(SQLModel, table=True):
    """An organisation type participants may say they come from (council, NHS trust, police, …)."""

    __table_args__ = (UniqueConstraint("workshop_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    name: str = Field(max_length=120)
    position: int = 0


class RoleLevel(SQLModel, table=True):
    """A role level (chief officer, senior leader, manager, front line)."""

    __table_args__ = (UniqueConstraint("workshop_id", "name"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    name: str = Field(max_length=120)
    position: int = 0


class MaturityLevel(SQLModel, table=True):
    """One rung of the maturity scale (1 Separate … 5 Integrated) with its one-line meaning."""

    __table_args__ = (UniqueConstraint("workshop_id", "value"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    value: int
    name: str = Field(max_length=60)
    meaning: str = Field(default="", max_length=500)


class Horizon(SQLModel, table=True):
    """A time horizon a factor is rated for (now, in one year, in two years)."""

    __table_args__ = (UniqueConstraint("workshop_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    key: str = Field(max_length=20)
    label: str = Field(max_length=60)
    position: int = 0


class MaturityFactor(SQLModel, table=True):
    """A factor of the collaborative maturity matrix with one descriptor per level."""

    __table_args__ = (UniqueConstraint("workshop_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    key: str = Field(max_length=60)
    name: str = Field(max_length=120)
    short: str = Field(default="", max_length=16, description="Label for narrow screens.")
    position: int = 0
    descriptors: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AgendaItem(SQLModel, table=True):
    """One timed item of the agenda; its ``kind`` names the activity that runs during it."""

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    position: int = 0
    kind: str = Field(max_length=40)
    title: str = Field(max_length=200)
    planned_minutes: int = 0
    state: str = Field(default=ItemState.PENDING.value, max_length=16)
    notes: str = Field(default="", max_length=4000)
    config: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    started_at: datetime | None = None
    ended_at: datetime | None = None
    # Participants see results only once revealed, and other people's proposals only once shown: seeing
    # the room's answers before giving your own is the group-think these tools exist to avoid.
    revealed: bool = Field(default=False)
    entries_shown: bool = Field(default=False)


class Seat(SQLModel, table=True):
    """A participant's place in a workshop: a random secret token, never a name."""

    __table_args__ = (UniqueConstraint("workshop_id", "code"),)

    id: int | None = Field(default=None, primary_key=True)
    workshop_id: int = Field(foreign_key="workshop.id", index=True)
    token: str = Field(max_length=64, unique=True, index=True)
    code: str = Field(max_length=16, description="Short code a participant can use to get back to the seat.")
    organisation_id: int | None = Field(default=None, foreign_key="organisation.id")
    role_level_id: int | None = Field(default=None, foreign_key="rolelevel.id")
    is_proxy: bool = Field(default=False)
    created_at: datetime = Field(default_factory=utcnow)


class Response(SQLModel, table=True):
    """One seat's answer to one activity; editable while the activity is open."""

    __table_args__ = (UniqueConstraint("item_id", "seat_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    seat_id: int = Field(foreign_key="seat.id", index=True)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)


class MaturityRating(SQLModel, table=True):
    """One rating inside a maturity response: a factor at a horizon, a level or ``None`` for don't know."""

    __table_args__ = (
        UniqueConstraint("response_id", "factor_id", "horizon_id"),
        Index("ix_maturityrating_item_factor", "item_id", "factor_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id")
    # Denormalised from the response so aggregation reads one table.
    item_id: int = Field(foreign_key="agendaitem.id")
    factor_id: int = Field(foreign_key="maturityfactor.id")
    horizon_id: int = Field(foreign_key="horizon.id")
    level: int | None = None


class EntryStatus(StrEnum):
    """Where a participant's text entry stands with the facilitator."""

    PENDING = "pending"
    APPROVED = "approved"
    HIDDEN = "hidden"
    MERGED = "merged"


class Principle(StrEnum):
    """A Family Hubs principle an idea or a priority serves (the National Centre for Family Hubs' model)."""

    ACCESS = "access"
    CONNECTION = "connection"
    RELATIONSHIPS = "relationships"


class Entry(SQLModel, table=True):
    """A piece of text in an activity: a proposed value or behaviour, a priority, an idea, an answer.

    ``seat_id`` is empty for entries that came from the template or from the facilitator.
    """

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    seat_id: int | None = Field(default=None, foreign_key="seat.id", index=True)
    parent_id: int | None = Field(default=None, foreign_key="entry.id")
    text: str = Field(max_length=500)
    detail: str = Field(default="", max_length=1000)
    tag: str = Field(default="", max_length=20, description="e.g. will/wont, civic/service/community")
    tag2: str = Field(default="", max_length=20, description="e.g. the triangle question a/b/c")
    status: str = Field(default=EntryStatus.PENDING.value, max_length=16)
    principle: str = Field(
        default="",
        max_length=20,
        description="The Family Hubs principle it serves (access, connection, relationships); empty if none",
    )
    merged_into: int | None = Field(default=None, foreign_key="entry.id")
    position: int = 0
    # What the participant first wrote, kept when the facilitator rewords an entry, so the outcome pack
    # can say whose words these are.
    original_text: str | None = Field(default=None, max_length=500)
    # Set when the room agrees the entry (a value, a behaviour, a priority): its place among those agreed.
    agreed_position: int | None = Field(default=None)
    created_at: datetime = Field(default_factory=utcnow)
    updated_at: datetime = Field(default_factory=utcnow)
    # When the entry last became approved, if after it was made: a ranking ballot cast before then never
    # saw it, so gives it no share of its leftover points. Empty for entries approved from the start.
    approved_at: datetime | None = Field(default=None)


# Marks a column whose rows are votes on an entry (a dot, a place in a ranking): an entry with votes is not
# removed or merged. Declared on the column, so storage finds votes without naming a kind's table, and a
# table that merely links to an entry (not a vote) is not counted.
VOTE_ON_ENTRY = {"vote_on_entry": True}


class Dot(SQLModel, table=True):
    """Dots one seat put on one entry in a dot vote."""

    __table_args__ = (UniqueConstraint("item_id", "seat_id", "entry_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    seat_id: int = Field(foreign_key="seat.id")
    entry_id: int = Field(foreign_key="entry.id", sa_column_kwargs={"info": VOTE_ON_ENTRY})
    dots: int = 1


class RankingChoice(SQLModel, table=True):
    """One place in a seat's ranking ballot: position 1 is the first choice."""

    __table_args__ = (
        UniqueConstraint("response_id", "position"),
        UniqueConstraint("response_id", "entry_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id")
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    entry_id: int = Field(foreign_key="entry.id", sa_column_kwargs={"info": VOTE_ON_ENTRY})
    position: int


class MaturityComment(SQLModel, table=True):
    """An optional comment on one factor inside a maturity response."""

    __table_args__ = (UniqueConstraint("response_id", "factor_id"),)

    id: int | None = Field(default=None, primary_key=True)
    response_id: int = Field(foreign_key="response.id")
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    factor_id: int = Field(foreign_key="maturityfactor.id")
    text: str = Field(max_length=500)


class AgreedLevel(SQLModel, table=True):
    """The level the room agreed for a factor at a horizon after discussion, and why.

    Kept beside the individual ratings, never in place of them: the spread stays the record of what
    people said before they talked.
    """

    __table_args__ = (UniqueConstraint("item_id", "factor_id", "horizon_id"),)

    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="agendaitem.id", index=True)
    factor_id: int = Field(foreign_key="maturityfactor.id")
    horizon_id: int = Field(foreign_key="horizon.id")
    level: int | None = Field(default=None, description="None: discussed, but no agreement reached.")
    rationale: str = Field(default="", max_length=1000)
    updated_at: datetime = Field(default_factory=utcnow)


class MaturityFocus(SQLModel, table=True):
    """The horizon a maturity item is on: the one the terminal, projector and remote show, and, when the
    item runs its horizons one at a time, the only one phones rate. No row: the first horizon."""

    item_id: int = Field(foreign_key="agendaitem.id", primary_key=True)
    horizon_id: int = Field(foreign_key="horizon.id")


class PurgedPack(SQLModel, table=True):
    """A purged workshop's outcome pack, frozen before its seats, ballots and free text were deleted.

    The pack's numbers come from the answers purging deletes, so exports of a purged workshop are written
    from this copy (``workshop.exports.pack``); the row also marks the workshop as purged.
    """

    workshop_id: int = Field(foreign_key="workshop.id", primary_key=True)
    purged_at: datetime = Field(default_factory=utcnow)
    pack: dict[str, object] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
