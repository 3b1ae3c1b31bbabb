"""A ranking item's results: read, counted once per change, and shared by phones, the TUI and exports.

Counting used to run on every request that showed a result, and the triangle that follows a ranking's
leader asked for it on every phone page: with hundreds of options that held the server's threads for
minutes. Now the count is kept (:mod:`workshop.summary_cache`) and every method's work is bounded
(:mod:`workshop.ranking`), so the cost is paid once per change and stays small however many options the
room adds.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select, SelectOfScalar

from workshop import ranking
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


@dataclass(frozen=True)
class OptionStatus:
    """An option and where it stands with the facilitator; ``proposed`` when a participant wrote it."""

    entry_id: int
    text: str
    status: str
    proposed: bool


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


@dataclass(frozen=True)
class RankingInputs:
    """Everything a ranking's results depend on, as plain rows (compared to tell whether it changed)."""

    top_n: int
    # (id, text, status, seat id, agreed position) in display order.
    entries: tuple[tuple[int, str, str, int | None, int | None], ...]
    responses: tuple[int, ...]
    # (response id, entry id), each ballot's choices first to last.
    choices: tuple[tuple[int, int], ...]


# A count of 1,000 options and 1,000 ballots keeps about 2 MB (measured), so at most about 30 MB even if
# every kept ranking were that big; a workshop has a ranking or two.
RESULTS: SummaryCache[RankingSummary] = SummaryCache(size=16)


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
    entry_rows: Select[int, str, str, int | None, int | None] = Select(
        col(Entry.id), col(Entry.text), col(Entry.status), col(Entry.seat_id), col(Entry.agreed_position)
    )
    entries = session.exec(
        entry_rows.where(Entry.item_id == item_id).order_by(col(Entry.position), col(Entry.id))
    ).all()
    response_ids: SelectOfScalar[int] = SelectOfScalar(col(Response.id))
    responses = session.exec(response_ids.where(Response.item_id == item_id).order_by(col(Response.id))).all()
    choices = session.exec(
        select(RankingChoice.response_id, RankingChoice.entry_id)
        .where(RankingChoice.item_id == item_id)
        .order_by(col(RankingChoice.response_id), col(RankingChoice.position))
    ).all()
    return RankingInputs(
        top_n,
        tuple((id_, text, status, seat, agreed) for id_, text, status, seat, agreed in entries),
        tuple(responses),
        tuple((response_id, entry_id) for response_id, entry_id in choices),
    )


def count(inputs: RankingInputs) -> RankingSummary:
    """Count the ballots over the approved options by every method the results show."""
    approved = [row for row in inputs.entries if row[2] == EntryStatus.APPROVED]
    ids = tuple(row[0] for row in approved)
    texts = {row[0]: row[1] for row in approved}
    ballots: dict[int, list[int]] = {response_id: [] for response_id in inputs.responses}
    for response_id, entry_id in inputs.choices:
        # A hidden option drops out of the ballots that ranked it; the places below move up.
        if entry_id in texts and response_id in ballots:
            ballots[response_id].append(entry_id)
    depth = min(inputs.top_n, len(ids))
    result = ranking.tally(ids, list(ballots.values()), ranking.DEFAULT_RULE, depth=depth)
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
        )
        for entry_id in borda.standing.order
    )
    headline = ranking.describe(borda.standing, texts.__getitem__) if ballots else "No rankings yet"
    statuses = tuple(OptionStatus(row[0], row[1], row[2], row[3] is not None) for row in inputs.entries)
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
    )


def schulze_note(result: ranking.SchulzeResult[int], options: int) -> str:
    """What to say when Schulze compared only some options, in plain words; empty when it compared all."""
    if not result.limited:
        return ""
    return (
        f"Schulze compared the {len(result.compared)} options people ranked most; "
        f"the other {options - len(result.compared)} share last place."
    )
