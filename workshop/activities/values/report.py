"""The values item in the outcome pack: what the room agreed, a table a lead can scan, then every value
with its "we will" and "we won't" behaviours and the duplicates merged into it.

Agreement is always said in words ("★ Agreed", "agreed"), never by a symbol alone, and hidden entries are
left out (counted, never quoted): the facilitator hid them from the room.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from workshop.blocks import Block, Bullets, Cell, Heading, Paragraph, Table
from workshop.models import EntryStatus
from workshop.store.entries import VISIBLE
from workshop.wording import people, plural

if TYPE_CHECKING:  # the kind's module imports this one to make its report: its types are for annotations
    from workshop.activities.values.activity import BehaviourSummary, ValuesSummary, ValueSummary

AGREED = "★ Agreed"
SUMMARY_HEADERS = ("Value", "Agreed", "We will", "We won't", "Behaviours agreed", "Merged into it")


def _visible(behaviours: tuple[BehaviourSummary, ...]) -> list[BehaviourSummary]:
    return [b for b in behaviours if b.status in VISIBLE]


def merged_under(values: tuple[ValueSummary, ...]) -> dict[int, list[ValueSummary]]:
    """The values merged into each shown value, following a merge into a value later merged itself."""
    by_id = {v.id: v for v in values}
    under: dict[int, list[ValueSummary]] = {}
    for value in values:
        if value.status != EntryStatus.MERGED or value.merged_into is None:
            continue
        target = by_id.get(value.merged_into)
        seen = {value.id}
        while target is not None and target.status not in VISIBLE and target.id not in seen:
            seen.add(target.id)
            target = by_id.get(target.merged_into) if target.merged_into is not None else None
        if target is not None and target.status in VISIBLE:
            under.setdefault(target.id, []).append(value)
    return under


def _named(value: ValueSummary) -> str:
    return f"{value.name}: {value.statement}" if value.statement else value.name


def _value_blocks(value: ValueSummary, merged: list[ValueSummary], stances: Mapping[str, str]) -> list[Block]:
    status = f"{AGREED} by the room." if value.agreed is not None else "Proposed; not agreed."
    if value.original is not None:
        status += " Reworded by the facilitator."
    blocks: list[Block] = [Heading(value.name, level=5)]
    if value.statement:
        blocks.append(Paragraph(value.statement))
    blocks.append(Paragraph(status, strong=value.agreed is not None))
    behaviours = _visible(value.behaviours)
    for stance, words in stances.items():
        lines = tuple(
            f"{b.text} ({AGREED.lower()})" if b.agreed is not None else b.text
            for b in behaviours
            if b.stance == stance
        )
        if lines:
            blocks += [Paragraph(f"{words}:"), Bullets(lines)]
    if not behaviours:
        blocks.append(Paragraph("No behaviours yet."))
    if merged:
        blocks += [Paragraph("Merged into this:"), Bullets(tuple(_named(m) for m in merged))]
    return blocks


def values_report(summary: ValuesSummary, stances: Mapping[str, str]) -> list[Block]:
    """The values pack: headline counts, the agreed values in order, a summary table, then each value.

    ``stances`` maps a behaviour's stance key to its words ("will" → "We will"), in the order to list them.
    """
    shown = [v for v in summary.values if v.status in VISIBLE]
    agreed = sorted((v for v in shown if v.agreed is not None), key=lambda v: v.agreed or 0)
    agreed_behaviours = sum(1 for v in shown for b in _visible(v.behaviours) if b.agreed is not None)
    blocks: list[Block] = [
        Paragraph(
            f"{plural(summary.value_count, 'value')} and {plural(summary.behaviour_count, 'behaviour')} "
            f"proposed by {people(summary.responses)}; {len(agreed)} of the values and "
            f"{plural(agreed_behaviours, 'behaviour')} agreed."
        )
    ]
    if agreed:
        blocks += [
            Heading("Agreed values", level=4),
            Bullets(tuple(_named(v) for v in agreed), numbered=True),
        ]
    merged = merged_under(summary.values)
    if shown:
        rows: list[tuple[Cell, ...]] = []
        for value in shown:
            behaviours = _visible(value.behaviours)
            rows.append(
                (
                    value.name,
                    "Yes" if value.agreed is not None else "No",
                    sum(1 for b in behaviours if b.stance == "will"),
                    sum(1 for b in behaviours if b.stance == "wont"),
                    sum(1 for b in behaviours if b.agreed is not None),
                    len(merged.get(value.id, ())),
                )
            )
        caption = (
            "Every value proposed, in the order the room saw them: whether the room agreed it, how many "
            "behaviours sit under it and how many of those were agreed, and how many duplicates were merged "
            "into it."
        )
        blocks += [Heading("Values at a glance", level=4), Table(SUMMARY_HEADERS, tuple(rows), caption)]
        blocks.append(Heading("Every value proposed", level=4))
        for value in shown:
            blocks += _value_blocks(value, merged.get(value.id, []), stances)
    listed = {m.id for under in merged.values() for m in under}
    hidden_values = sum(1 for v in summary.values if v.status not in VISIBLE and v.id not in listed)
    hidden_behaviours = sum(1 for v in shown for b in v.behaviours if b.status not in VISIBLE)
    if hidden_values or hidden_behaviours:
        blocks.append(
            Paragraph(
                f"Hidden by the facilitator and left out: {plural(hidden_values, 'value')} and "
                f"{plural(hidden_behaviours, 'behaviour')}."
            )
        )
    return blocks
