"""What the outcome pack's documents say: the maturity horizons side by side with the ambition gap, counts
per level, the whole room beside each breakdown and the minimum group used, the two charts; the values with
their agreed behaviours and merged duplicates; dot and ranking tables with numbers as numbers.

Every expected number here is worked out by hand from the ratings in the comments.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlmodel import select

from tests.helpers.data import first_of_each_kind, get_row, save, start
from workshop import store
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.agreed import set_agreed
from workshop.activities.ranking import Ballot
from workshop.blocks import Block, Bullets, Chart, Heading, Paragraph, Table
from workshop.db import Database
from workshop.exports import markdown
from workshop.exports.pack import build_pack
from workshop.models import AgendaItem, Entry, Organisation, Workshop, row_id
from workshop.store import moderation
from workshop.store.entries import add_entry

DK = None  # don't know
# Goals and values, per seat: (now, in one year, in two years). Four council seats, then three NHS seats.
GOALS: list[tuple[int | None, int | None, int | None]] = [
    (1, 2, 3),
    (2, 3, 4),
    (2, 3, 4),
    (3, 4, 5),
    (2, 2, 4),
    (3, 2, 5),
    (DK, DK, 5),
]
# Worked by hand. Now: 1 2 2 2 3 3 (+1 don't know): median 2, quartiles 2 and 3, all within one level
# of 2 and a range of 2, so strong. One year: 2 2 2 3 3 4, median 2.5 (a gap of +0.5). Two years:
# 3 4 4 4 5 5 5, median 4 (a gap of +2). Council (4) now 1 2 2 3 → 2; one year 2 3 3 4 → 3; two years
# 3 4 4 5 → 4. The NHS (3) has only two ratings now and in one year: under a minimum of 3, blank; two
# years 4 5 5 → 5. Leadership: every seat says don't know. Every other factor: every seat rates 3.
MIN_GROUP = 3


def _blocks(db: Database, workshop_id: int, kind: str) -> tuple[Block, ...]:
    with db.reading() as session:
        pack = build_pack(session, workshop_id)
    return next(item.blocks for item in pack.items if item.kind == kind)


def _table(blocks: Sequence[Block], first_header: str, caption_starts: str = "") -> Table:
    return next(
        b
        for b in blocks
        if isinstance(b, Table) and b.headers[0] == first_header and b.caption.startswith(caption_starts)
    )


def _row(table: Table, name: str) -> dict[str, object]:
    row = next(r for r in table.rows if r[0] == name)
    return dict(zip(table.headers, row, strict=True))


def _after(blocks: Sequence[Block], block: Block) -> Block:
    return blocks[list(blocks).index(block) + 1]


@pytest.fixture
def maturity_pack(db: Database, workshop_id: int) -> tuple[Block, ...]:
    """Seven seats rate the matrix (see GOALS); the room agreed 2 for goals now, not on leadership."""
    items = first_of_each_kind(db, workshop_id)
    with db.writing() as session:
        workshop = get_row(session, Workshop, workshop_id)
        workshop.min_group = MIN_GROUP
        session.add(workshop)
        orgs = dict(
            session.exec(
                select(Organisation.name, Organisation.id).where(Organisation.workshop_id == workshop_id)
            ).all()
        )
        seats = [row_id(store.join(session, workshop_id, orgs["Council"])) for _ in range(4)]
        seats += [row_id(store.join(session, workshop_id, orgs["NHS trust"])) for _ in range(3)]
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    goals, leadership = structure.factors[0], structure.factors[1]
    assert (goals.key, leadership.key) == ("goals-and-values", "leadership-and-governance")
    for seat, by_horizon in zip(seats, GOALS, strict=True):
        ratings: dict[tuple[int, int], int | None] = {}
        for factor in structure.factors:
            for horizon, goal in zip(structure.horizons, by_horizon, strict=True):
                level = goal if factor is goals else DK if factor is leadership else 3
                ratings[(row_id(factor), row_id(horizon))] = level
        save(db, items["maturity"], seat, MatrixAnswers(ratings, {}))
    now = row_id(structure.horizons[0])
    with db.writing() as session:
        set_agreed(session, row_id(items["maturity"]), row_id(goals), now, 2, "Plans exist, not shared")
        set_agreed(session, row_id(items["maturity"]), row_id(leadership), now, None, "Views too far apart")
    return _blocks(db, workshop_id, "maturity")


def test_horizons_side_by_side_with_the_ambition_gap(maturity_pack: tuple[Block, ...]) -> None:
    table = _table(maturity_pack, "Factor", "The room's median level per factor")
    assert table.headers == (
        "Factor",
        "Now",
        "In one year",
        "In two years",
        "Gap: in one year − now",
        "Gap: in two years − now",
        "Agreement now",
    )
    assert table.rows[0] == ("Goals and values", 2.0, 2.5, 4.0, 0.5, 2.0, "strong")
    assert table.rows[1] == ("Leadership and governance", None, None, None, None, None, "too few")
    assert table.rows[2] == ("Key business processes and pathways", 3.0, 3.0, 3.0, 0.0, 0.0, "strong")
    assert all(isinstance(cell, float) for cell in table.rows[0][1:6])
    assert "ambition gap" in table.caption and "median" in table.caption


def test_each_horizon_counts_every_level(maturity_pack: tuple[Block, ...]) -> None:
    now = _table(maturity_pack, "Factor", "Ratings now")
    assert now.headers[1:7] == ("1", "2", "3", "4", "5", "Don't know")
    goals = _row(now, "Goals and values")
    assert [goals[h] for h in ("1", "2", "3", "4", "5", "Don't know", "n")] == [1, 3, 2, 0, 0, 1, 6]
    assert all(type(goals[h]) is int for h in ("1", "2", "3", "4", "5", "Don't know", "n"))
    assert (goals["Median"], goals["Lower quartile"], goals["Upper quartile"]) == (2.0, 2.0, 3.0)
    assert (goals["Agreement"], goals["Agreed level"], goals["Why"]) == (
        "strong",
        2,
        "Plans exist, not shared",
    )
    leadership = _row(now, "Leadership and governance")
    assert (leadership["n"], leadership["Don't know"], leadership["Median"]) == (0, 7, None)
    assert (leadership["Agreed level"], leadership["Why"]) == ("no agreement", "Views too far apart")
    two_years = _row(_table(maturity_pack, "Factor", "Ratings in two years"), "Goals and values")
    assert [two_years[h] for h in ("3", "4", "5", "n", "Median")] == [1, 3, 3, 7, 4.0]
    assert two_years["Agreed level"] is None  # nothing recorded for that horizon


def test_breakdowns_put_the_whole_room_first_and_name_the_minimum(
    maturity_pack: tuple[Block, ...],
) -> None:
    heading = next(b for b in maturity_pack if b == Heading("Medians by organisation", level=4))
    minimum = _after(maturity_pack, heading)
    assert isinstance(minimum, Paragraph) and "Smallest group shown: 3 people who answered." in minimum.text
    side = _table(maturity_pack, "Factor", "The room's median level per factor")
    medians = {row[0]: row[1:4] for row in side.rows}
    for horizon, label in enumerate(("now", "in one year", "in two years")):
        table = _table(
            maturity_pack, "Factor", f"Median level {label}: the whole room, then each organisation"
        )
        assert table.headers == ("Factor", "Whole room (7)", "Council (4)", "NHS trust (3)")
        assert {row[0]: row[1] for row in table.rows} == {k: v[horizon] for k, v in medians.items()}
    goals = [
        _row(
            _table(maturity_pack, "Factor", f"Median level {label}: the whole room, then each organisation"),
            "Goals and values",
        )
        for label in ("now", "in one year", "in two years")
    ]
    # Now and in one year the NHS trust's two ratings are too few to show, and the room minus the council
    # would give them away, so the council's cells are held back too; in two years all three NHS rated.
    assert [(g["Council (4)"], g["NHS trust (3)"]) for g in goals] == [(None, None), (None, None), (4.0, 5.0)]
    texts = [b.text for b in maturity_pack if isinstance(b, Paragraph)]
    assert "A blank group cell: fewer than 3 people in the group rated this factor" in " ".join(texts)
    assert "A blank whole-room cell: no one rated this factor." in texts
    # Every breakdown says which minimum it used, the role levels' too (everyone there is "Not said").
    assert sum("Smallest group shown: 3 people" in text for text in texts) == 2


def test_two_charts_one_series_per_horizon_and_per_level(maturity_pack: tuple[Block, ...]) -> None:
    radar, stacked = (b for b in maturity_pack if isinstance(b, Chart))
    assert radar.kind == "radar" and stacked.kind == "stacked"
    assert radar.labels[:2] == ("Goals & values", "Leadership")  # the template's short names
    assert len(radar.labels) == len(stacked.labels) == 9
    assert [s.name for s in radar.series] == ["Now", "In one year", "In two years"]
    assert radar.series[0].values[:3] == (2.0, None, 3.0) and radar.series[2].values[0] == 4.0
    assert [s.name for s in stacked.series] == [
        "1 Separate",
        "2 Connecting",
        "3 Coordinating",
        "4 Collaborating",
        "5 Integrated",
        "Don't know",
    ]
    assert [s.values[0] for s in stacked.series] == [1, 3, 2, 0, 0, 1]  # goals now, as counted above
    assert stacked.series[-1].values[1] == 7 and stacked.scale == (0, 7)
    assert "Now: highest " in radar.description and "lowest Goals & values (2)" in radar.description
    assert "Biggest ambition gap (in two years minus now): Goals & values (+2)" in radar.description
    assert "Most don't know: Leadership (7 people)" in stacked.description


def test_markdown_prints_the_numbers_and_the_charts_in_words(
    db: Database, workshop_id: int, maturity_pack: tuple[Block, ...]
) -> None:
    with db.reading() as session:
        md = markdown.render(build_pack(session, workshop_id))
    assert "| Goals and values | 2 | 2.5 | 4 | 0.5 | 2 | strong |" in md
    assert (
        "| Goals and values | 1 | 3 | 2 | 0 | 0 | 1 | 6 | 2 | 2 | 3 | strong | 2 | Plans exist, not shared |"
        in md
    )
    # Now: the room 2; the NHS trust's two ratings, and so the council's cell too, held back.
    assert "| Goals and values | 2 |  |  |" in md
    assert "*Chart: Median level per factor, by horizon. " in md


@pytest.fixture
def values_item(db: Database, workshop_id: int) -> dict[str, int]:
    """Trust (agreed) with Trusting merged into it, Care, and a hidden value; behaviours under each."""
    items = first_of_each_kind(db, workshop_id)
    start(db, items["values"])
    with db.writing() as session:
        item = get_row(session, AgendaItem, row_id(items["values"]))
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other's judgement")
        trusting = add_entry(session, item, b, "Trusting", detail="Trust first, check later")
        care = add_entry(session, item, b, "Care", detail="Children first")
        rude = add_entry(session, item, a, "Something rude", detail="Not for the pack")
        keep = add_entry(session, item, a, "keep promises", tag="will", parent_id=trust.id)
        add_entry(session, item, b, "blame other teams", tag="wont", parent_id=trusting.id)
        add_entry(session, item, a, "listen to families", tag="will", parent_id=care.id)
        moderation.set_agreed(session, row_id(trust), True)
        moderation.set_agreed(session, row_id(keep), True)
        moderation.merge_entries(session, row_id(trusting), row_id(trust))
        moderation.set_hidden(session, row_id(rude), True)
        return {"item": row_id(item), "trust": row_id(trust), "care": row_id(care)}


def test_values_say_what_was_agreed_and_merged(
    db: Database, workshop_id: int, values_item: dict[str, int]
) -> None:
    blocks = _blocks(db, workshop_id, "values")
    glance = _table(blocks, "Value")
    assert glance.headers == ("Value", "Agreed", "We will", "We won't", "Behaviours agreed", "Merged into it")
    assert glance.rows == (("Trust", "Yes", 1, 1, 1, 1), ("Care", "No", 1, 0, 0, 0))
    trust = blocks.index(Heading("Trust", level=5))
    care = blocks.index(Heading("Care", level=5))
    section = blocks[trust:care]
    assert section[1:3] == (
        Paragraph("We trust each other's judgement"),
        Paragraph("★ Agreed by the room.", strong=True),
    )
    # Agreement is said in words, beside the star; the merged duplicate's behaviour moved across with it.
    assert _after(section, Paragraph("We will:")) == Bullets(("keep promises (★ agreed)",))
    assert _after(section, Paragraph("We won't:")) == Bullets(("blame other teams",))
    assert _after(section, Paragraph("Merged into this:")) == Bullets(("Trusting: Trust first, check later",))
    assert Paragraph("Proposed; not agreed.") in blocks[care:]
    assert Heading("Trusting", level=5) not in blocks  # listed under Trust only
    text = " ".join(str(b) for b in blocks)
    assert "Something rude" not in text and "Not for the pack" not in text
    assert Paragraph("Hidden by the facilitator and left out: 1 value and 0 behaviours.") in blocks
    agreed = _after(blocks, Heading("Agreed values", level=4))
    assert agreed == Bullets(("Trust: We trust each other's judgement",), numbered=True)


def test_dot_and_ranking_tables_hold_numbers(
    db: Database, workshop_id: int, values_item: dict[str, int]
) -> None:
    items = first_of_each_kind(db, workshop_id)
    with db.writing() as session:
        seats = [row_id(store.join(session, workshop_id)) for _ in range(3)]
    start(db, items["dots"])
    for seat in seats:
        save(db, items["dots"], seat, DotsAnswers({values_item["trust"]: 1}))
    save(db, items["dots"], seats[0], DotsAnswers({values_item["trust"]: 1, values_item["care"]: 1}))
    start(db, items["ranking"])
    with db.reading() as session:
        options = {
            e.text: row_id(e) for e in session.exec(select(Entry).where(Entry.item_id == items["ranking"].id))
        }
    names = list(options)
    a, b, c, d = (options[name] for name in names[:4])
    # Eleven options, top three: a first choice earns 10, a second 9, a third 8, and the leftover
    # (0 + 1 + … + 7 = 28 over 8 unranked options) is 3.5 each. A: 10 + 9 = 19, B: 9 + 10 = 19,
    # C and D: 8 + 3.5 = 11.5, the other seven 3.5 + 3.5 = 7.
    save(db, items["ranking"], seats[0], Ballot((a, b, c)))
    save(db, items["ranking"], seats[1], Ballot((b, a, d)))
    dots = _table(_blocks(db, workshop_id, "dots"), "Place")
    assert dots.headers == ("Place", "Tied", "Option", "Dots", "People")
    assert dots.rows == ((1, "", "Trust", 3, 3), (2, "", "Care", 1, 1))
    ranking = _blocks(db, workshop_id, "ranking")
    places = _table(ranking, "Place")
    assert places.headers == (
        "Place",
        "Tied",
        "Priority",
        "Family Hubs principle",  # the shipped template tags some options
        "Points",
        "Ranked 1st",
        "Ranked 2nd",
        "Ranked 3rd",
    )
    assert places.rows[:4] == (
        (1, "tied", names[0], "", 19.0, 1, 1, 0),
        (1, "tied", names[1], "", 19.0, 1, 1, 0),
        (3, "tied", names[2], "Connection", 11.5, 0, 0, 1),
        (3, "tied", names[3], "Access", 11.5, 0, 0, 1),
    )
    assert places.rows[4][:5] == (5, "tied", names[4], "Connection", 7.0)
    assert all(type(row[0]) is int and isinstance(row[4], float) for row in places.rows)
    texts = [b.text for b in ranking if isinstance(b, Paragraph)]
    assert any(t.startswith("Points by position: with 11 options, 1st gets 10 points") for t in texts)
    # The methods are named only in the details lines.
    assert [t for t in texts if "Borda" in t] == ["Method: Borda count (rule c)."]
    assert [t for t in texts if "Schulze" in t] == ["Also checked head to head (Schulze method)."]
    assert any(t.startswith(f"Head to head: {names[0]} = {names[1]} > ") for t in texts)
    headings = [b.text for b in ranking if isinstance(b, Heading)]
    assert not any("Schulze" in h or "rule (" in h or "Borda" in h for h in headings)
    assert not any("rule (c)" in t for t in texts)
