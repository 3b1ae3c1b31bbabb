"""A ranking item's results: read, counted once per change, and shared by phones, the TUI and exports.

Counting used to run on every request that showed a result, and the triangle that follows a ranking's
leader asked for it on every phone page: with hundreds of options that held the server's threads for
minutes. Now the count is kept (:mod:`workshop.summary_cache`) and every method's work is bounded
(:mod:`workshop.ranking`), so the cost is paid once per change and stays small however many options the
room adds.

The same results as data, for the outcome pack's JSON and spreadsheets, are :class:`RankingResults`.

Results are said in plain words (:data:`PLAIN_METHOD`), the methods' names only in a details line
(:data:`METHOD_DETAIL`, :data:`HEAD_TO_HEAD_DETAIL`). An option approved after some ballots were cast gets
no leftover points from those ballots (they never saw it; :mod:`workshop.ranking` says why), so it cannot
outrank an option they chose on their points; its line says so (:attr:`OptionResult.missed`,
:func:`late_note`).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from workshop import ranking
from workshop.activities.base import TextPurge
from workshop.models import AgendaItem, Entry, EntryStatus, RankingChoice, Response, Workshop, row_id
from workshop.summary_cache import SummaryCache


@dataclass(frozen=True)
class OptionResult:
    """One option's line in the results (never says who ranked it)."""

    entry_id: int
    text: str
    place: int
    tied: bool
    score: float
    first_choices: int
    positions: tuple[int, ...]
    # Rankings sent before the option was approved (they never saw it, so give it no leftover points).
    missed: int = 0
    # The Family Hubs principle it serves (access, connection, relationships); empty when it names none.
    principle: str = ""

    @property
    def late(self) -> str:
        """The mark and the rule for its points when it was added after voting began; empty otherwise."""
        return late_note(self.missed)


@dataclass(frozen=True)
class OptionStatus:
    """An option and where it stands with the facilitator; ``proposed`` when a participant wrote it."""

    entry_id: int
    text: str
    status: str
    proposed: bool
    principle: str = ""


@dataclass(frozen=True)
class RankingSummary:
    """The live picture of a ranking item."""

    responses: int
    method: str
    headline: str
    results: tuple[OptionResult, ...]
    # The Schulze order as option texts, tied options sharing a group.
    schulze: tuple[tuple[str, ...], ...]
    tally: ranking.Tally[int]
    options: tuple[OptionStatus, ...]
    # Proposals waiting for the facilitator: the id to approve or hide them by, and the text; no seat.
    pending: tuple[OptionStatus, ...]
    # What the room agreed after discussion, in the agreed order: (entry id, text).
    agreed: tuple[tuple[int, str], ...] = ()
    # In words, when Schulze compared only some of the options (empty otherwise).
    schulze_note: str = ""
    # What the count does, in one plain sentence, for anyone reading the results.
    explained: str = ""

    @property
    def details(self) -> str:
        """The methods' names, for a details line under the results (the results say it in words)."""
        return f"{METHOD_DETAIL}. {HEAD_TO_HEAD_DETAIL}."


@dataclass(frozen=True)
class RankingInputs:
    """Everything a ranking's results depend on, as plain rows (compared to tell whether it changed)."""

    top_n: int
    # (id, text, status, seat id, agreed position, approved at, principle) in display order.
    entries: tuple[tuple[int, str, str, int | None, int | None, datetime | None, str], ...]
    # (response id, when the ballot was last sent).
    responses: tuple[tuple[int, datetime], ...]
    # (response id, entry id), each ballot's choices first to last.
    choices: tuple[tuple[int, int], ...]


# A count of 1,000 options and 1,000 ballots keeps about 2 MB (measured), so at most about 30 MB even if
# every kept ranking were that big; a workshop has a ranking or two.
RESULTS: SummaryCache[RankingSummary] = SummaryCache(size=16)

# What the count does, in plain words: results show this, and the methods' names only in a details line.
PLAIN_METHOD = "Points by position: 1st gets the most; options someone left unranked share what is left."
PLAIN_LATE = "An option added after someone ranked gets nothing from that ranking."
METHOD_DETAIL = "Method: Borda count (rule c)"
HEAD_TO_HEAD_DETAIL = "Also checked head to head (Schulze method)"
LATE_MARK = "added after voting began"


def late_note(missed: int) -> str:
    """The mark and the rule for an option approved after ``missed`` rankings were sent; empty if none."""
    if not missed:
        return ""
    sent = "1 ranking" if missed == 1 else f"{missed} rankings"
    return f"{LATE_MARK}: no points from the {sent} sent before it was added"


def summarise(session: Session, item: AgendaItem, top_n: int) -> RankingSummary:
    """The item's results, counted at most once per change of its options, ballots or settings."""
    bind = session.get_bind()
    # Read before the inputs (see workshop.summary_cache); a plain query, never a stale loaded object.
    revision, join_code = session.exec(
        select(Workshop.revision, Workshop.join_code).where(Workshop.id == item.workshop_id)
    ).one()
    item_id = row_id(item)
    return RESULTS.get(
        (id(bind), str(bind.engine.url), item_id),
        (revision, join_code),
        lambda: read_inputs(session, item_id, top_n),
        count,
    )


def read_inputs(session: Session, item_id: int, top_n: int) -> RankingInputs:
    """The rows a count needs, without building ORM objects (a few milliseconds for thousands of rows)."""
    # sqlmodel's select() is typed for at most four columns, so the statement is built as select() builds
    # it and its row type stated. A stored row's id is never NULL, though the model allows None before a
    # flush, so ids read back are int.
    entry_rows: Select[int, str, str, int | None, int | None, datetime | None, str] = Select(
        col(Entry.id),
        col(Entry.text),
        col(Entry.status),
        col(Entry.seat_id),
        col(Entry.agreed_position),
        col(Entry.approved_at),
        col(Entry.principle),
    )
    entries = session.exec(
        entry_rows.where(Entry.item_id == item_id).order_by(col(Entry.position), col(Entry.id))
    ).all()
    responses = session.exec(
        select(Response.id, Response.updated_at).where(Response.item_id == item_id).order_by(col(Response.id))
    ).all()
    choices = session.exec(
        select(RankingChoice.response_id, RankingChoice.entry_id)
        .where(RankingChoice.item_id == item_id)
        .order_by(col(RankingChoice.response_id), col(RankingChoice.position))
    ).all()
    return RankingInputs(
        top_n,
        tuple(
            (id_, text, status, seat, agreed, approved, principle)
            for id_, text, status, seat, agreed, approved, principle in entries
        ),
        tuple((response_id, sent) for response_id, sent in responses if response_id is not None),
        tuple((response_id, entry_id) for response_id, entry_id in choices),
    )


def count(inputs: RankingInputs) -> RankingSummary:
    """Count the ballots over the approved options by every method the results show."""
    approved = [row for row in inputs.entries if row[2] == EntryStatus.APPROVED]
    ids = tuple(row[0] for row in approved)
    texts = {row[0]: row[1] for row in approved}
    principles = {row[0]: row[6] for row in approved}
    # Ballots in the order they were sent, so an option approved later misses the ones before it.
    sent = sorted(inputs.responses, key=lambda row: (row[1], row[0]))
    ballots: dict[int, list[int]] = {response_id: [] for response_id, _ in sent}
    for response_id, entry_id in inputs.choices:
        # A hidden option drops out of the ballots that ranked it; the places below move up.
        if entry_id in texts and response_id in ballots:
            ballots[response_id].append(entry_id)
    times = [when for _, when in sent]
    # One search per option approved after it was made: options × log ballots, never options × ballots.
    late = {
        row[0]: missed for row in approved if row[5] is not None and (missed := bisect_left(times, row[5]))
    }
    depth = min(inputs.top_n, len(ids))
    result = ranking.tally(ids, list(ballots.values()), ranking.DEFAULT_RULE, depth=depth, late=late)
    borda = result.borda
    # Places and ties in one pass over the tiers: asking the standing option by option is options².
    places: dict[int, int] = {}
    tied: set[int] = set()
    for tier in borda.standing.tiers:
        places.update(dict.fromkeys(tier, len(places) + 1))
        if len(tier) > 1:
            tied.update(tier)
    results = tuple(
        OptionResult(
            entry_id=entry_id,
            text=texts[entry_id],
            place=places[entry_id],
            tied=entry_id in tied,
            score=borda.scores[entry_id],
            first_choices=int(result.plurality.scores[entry_id]),
            positions=result.positions[entry_id],
            missed=late.get(entry_id, 0),
            principle=principles[entry_id],
        )
        for entry_id in borda.standing.order
    )
    headline = ranking.describe(borda.standing, texts.__getitem__) if ballots else "No rankings yet"
    statuses = tuple(
        OptionStatus(row[0], row[1], row[2], row[3] is not None, row[6]) for row in inputs.entries
    )
    explained = f"{PLAIN_METHOD} {PLAIN_LATE}" if late else PLAIN_METHOD
    placed = [(position, row) for row in approved if (position := row[4]) is not None]
    agreed = [row for _, row in sorted(placed, key=lambda pair: pair[0])]
    return RankingSummary(
        responses=len(ballots),
        method=ranking.RULE_NAMES[ranking.DEFAULT_RULE],
        headline=headline,
        results=results,
        schulze=tuple(tuple(texts[i] for i in tier) for tier in result.schulze.standing.tiers),
        tally=result,
        options=tuple(s for s in statuses if s.status != EntryStatus.PENDING),
        pending=tuple(s for s in statuses if s.status == EntryStatus.PENDING),
        agreed=tuple((row[0], row[1]) for row in agreed),
        schulze_note=schulze_note(result.schulze, len(ids)),
        explained=explained,
    )


def without_free_text(summary: RankingSummary, purge: TextPurge) -> tuple[RankingSummary, str]:
    """The results as a purge leaves them: options nobody agreed (proposals, not the template's) become
    stand-ins wherever they are named, so every place, score and head-to-head tier stays."""
    names: dict[int, str] = {}
    for option in (*summary.options, *summary.pending):
        if option.entry_id not in purge.kept:
            names[option.entry_id] = purge.stand_in("Option", len(names) + 1)
    if not names:
        return summary, ""
    texts = {row.entry_id: names.get(row.entry_id, row.text) for row in summary.results}
    renamed = replace(
        summary,
        headline=ranking.describe(summary.tally.borda.standing, texts.__getitem__)
        if summary.responses
        else summary.headline,
        results=tuple(replace(row, text=texts[row.entry_id]) for row in summary.results),
        schulze=tuple(tuple(texts[i] for i in tier) for tier in summary.tally.schulze.standing.tiers),
        options=tuple(replace(o, text=names.get(o.entry_id, o.text)) for o in summary.options),
        pending=tuple(replace(o, text=names.get(o.entry_id, o.text)) for o in summary.pending),
    )
    return renamed, purge.note(len(names), "option not agreed", "options not agreed")


def schulze_note(result: ranking.SchulzeResult[int], options: int) -> str:
    """What to say when Schulze compared only some options, in plain words; empty when it compared all."""
    if not result.limited:
        return ""
    return (
        f"The head-to-head check compared the {len(result.compared)} options people ranked most; "
        f"the other {options - len(result.compared)} share last place."
    )


class _Data(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class BordaOption(_Data):
    option: str
    points: float = Field(description="Borda points under the count's rule (halves when points are shared).")
    place: int = Field(description="1 for the most points; tied options share a place.")
    tied: bool
    principle: str | None = Field(description="The Family Hubs principle it serves; null when it names none.")


class BordaResults(_Data):
    rule: ranking.BordaRule = Field(description="How ballots that rank only some options are scored.")
    name: str = Field(description="The count's name and rule, in words.")
    options: list[BordaOption] = Field(description="Every option counted, most points first.")


class OptionCount(_Data):
    option: str
    count: int


class OptionPositions(_Data):
    option: str
    counts: list[int] = Field(description="Ballots that put it 1st, 2nd, … (the first number is 1st place).")


class SchulzeResults(_Data):
    tiers: list[list[str]] = Field(description="The head-to-head order, best first; options in a tier tie.")
    compared: int = Field(description="Options compared head to head: those ranked, the most ranked first.")
    limited: bool = Field(description="Whether some ranked options were left out of the comparison (last).")


class RunoffRound(_Data):
    votes: list[OptionCount] = Field(description="First preferences among the options still in the count.")
    exhausted: int = Field(description="Ballots with no option left in the count.")
    eliminated: list[str]
    tied: list[str] = Field(description="Options tied for fewest votes (the first given went out).")


class InstantRunoff(_Data):
    winners: list[str] = Field(description="One, or several when elimination ties lead to different ones.")
    complete: bool = Field(description="False when the count gave up within its bounds (winners then tie).")
    rounds: list[RunoffRound] = Field(description="One way through the count, ties broken by option order.")


class RankingResults(_Data):
    """A ranking's results by every method counted, never who ranked what."""

    kind: Literal["ranking"] = "ranking"
    responses: int = Field(description="Seats that sent a ranking.")
    places: int = Field(description="How many options each ballot ranked (the top N, or all when fewer).")
    borda: BordaResults
    first_choices: list[OptionCount] = Field(description="Ballots putting each option first, in Borda order.")
    schulze: SchulzeResults
    instant_runoff: InstantRunoff | None = Field(description="Null when nobody has ranked.")
    positions: list[OptionPositions] = Field(description="How many put each option in each place.")
    agreed: list[str] = Field(description="The priorities the room agreed after discussion, in agreed order.")


def as_data(summary: RankingSummary) -> RankingResults:
    """The summary's results as data; instant runoff is counted here, within its bounds, if not yet."""
    tally = summary.tally
    texts = {row.entry_id: row.text for row in summary.results}
    runoff = None
    if summary.responses:
        irv = tally.irv
        runoff = InstantRunoff(
            winners=[texts[i] for i in irv.winners],
            complete=irv.complete,
            rounds=[
                RunoffRound(
                    votes=[OptionCount(option=texts[i], count=n) for i, n in one.counts.items()],
                    exhausted=one.exhausted,
                    eliminated=[texts[i] for i in one.eliminated],
                    tied=[texts[i] for i in one.tied],
                )
                for one in irv.rounds
            ],
        )
    return RankingResults(
        responses=summary.responses,
        places=max((len(row.positions) for row in summary.results), default=0),
        borda=BordaResults(
            rule=tally.rule,
            name=summary.method,
            options=[
                BordaOption(
                    option=row.text,
                    points=row.score,
                    place=row.place,
                    tied=row.tied,
                    principle=row.principle or None,
                )
                for row in summary.results
            ],
        ),
        first_choices=[OptionCount(option=row.text, count=row.first_choices) for row in summary.results],
        schulze=SchulzeResults(
            tiers=[list(tier) for tier in summary.schulze],
            compared=len(tally.schulze.compared),
            limited=tally.schulze.limited,
        ),
        instant_runoff=runoff,
        positions=[OptionPositions(option=row.text, counts=list(row.positions)) for row in summary.results],
        agreed=[text for _, text in summary.agreed],
    )
