"""Outcome packs for the document formats' tests: the golden workshop's pack, plus an item holding every
block and chart kind (or every naughty string), made here so the tests do not wait on a kind to emit them.
"""

from __future__ import annotations

import dataclasses

import pytest

from tests.helpers.outcome_run import golden_run
from workshop.blocks import Block, Bullets, Chart, Heading, Paragraph, Series, Table
from workshop.db import Database
from workshop.exports.pack import ItemReport, OutcomePack, build_pack

FACTORS = ("Goals and values", "Leadership and governance", "Risk management", "Collaborative culture")


def charts() -> tuple[Chart, ...]:
    """One chart of each kind, with a missing value in each."""
    return (
        Chart(
            "radar",
            "Median level per factor",
            FACTORS,
            (Series("Now", (2, 2.5, None, 3)), Series("In two years", (4, 3.5, 3, 4))),
            "Medians from 1 to 5: now highest in culture (3), in two years highest in goals and culture (4).",
        ),
        Chart(
            "stacked",
            "Answers now by level",
            FACTORS,
            tuple(Series(f"Level {n}", (n, 5 - n, 1.0, None)) for n in range(1, 5)),
            "How many people chose each level, one bar per factor.",
        ),
        Chart(
            "movement",
            "Movement since the spring",
            FACTORS,
            (Series("Spring", (2, 3, 2, None)), Series("Autumn", (3, 2.5, 2, 4))),
            "Goals moved up one level, leadership down half a level, risk did not move.",
        ),
    )


def sample_item() -> ItemReport:
    """An item with every kind of block: headings two deep, lists, a table of numbers, every chart."""
    blocks: tuple[Block, ...] = (
        Paragraph("The headline result.", strong=True),
        Heading("Ranked options", level=4),
        Bullets(("First", "Second", "Third"), numbered=True),
        Table(
            ("Option", "Points", "Share", "Note"),
            (("Alpha", 12, 0.5, "best"), ("Beta", 7, 0.25, None), ("Gamma & co", 3, 2.5, "<b>x</b>")),
            caption="Points per option",
        ),
        Heading("Detail", level=5),
        Bullets(("a point", "another point")),
        Table(("Level", "People"), (("1", 3), ("2", None))),  # no caption: the heading names it
        Bullets(("Again", "Twice"), numbered=True),  # a second numbered list starts again at 1
        Heading("Charts", level=4),
        *charts(),
    )
    return ItemReport("Every block", "sample", "closed", 10, 12, blocks)


def naughty_item(strings: list[str]) -> ItemReport:
    """Every string as a list entry, a paragraph, a heading, a table cell and a chart label."""
    blocks: tuple[Block, ...] = (
        Bullets(tuple(strings)),
        *(Paragraph(text) for text in strings),
        *(Heading(text, level=4) for text in strings[:40]),
        Table(("Text", "Again"), tuple((text, text) for text in strings)),
        Chart(
            "stacked",
            strings[0],
            tuple(strings[:25]),
            (Series(strings[1], tuple(1.0 for _ in strings[:25])),),
            strings[2],
        ),
    )
    return ItemReport(strings[3], "question", "closed", 5, 5, blocks)


def with_items(pack: OutcomePack, *items: ItemReport) -> OutcomePack:
    """The pack with ``items`` added at the end of its agenda."""
    return dataclasses.replace(pack, items=(*pack.items, *items))


def golden_pack(db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch) -> OutcomePack:
    """The golden workshop (tests/helpers/outcome_run.py) run, its clock fixed, and its pack built."""
    golden_run(db, workshop_id, monkeypatch)
    with db.reading() as session:
        return build_pack(session, workshop_id)
