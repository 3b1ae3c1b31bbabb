"""The outcome pack: every kind's results in Markdown and JSON, small groups never shown, text made safe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.data import first_of_each_kind, get_row, start
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.agreed import set_agreed
from workshop.activities.question import AddAnswer
from workshop.activities.ranking import Ballot
from workshop.activities.triangle import AddIdea
from workshop.db import Database
from workshop.exports.files import ExportError, export_workshop, file_stem
from workshop.exports.markdown import escape
from workshop.exports.pack import build_pack
from workshop.models import AgendaItem, Entry, Organisation, Seat, Workshop, row_id
from workshop.store import moderation
from workshop.store.agenda import ItemEdit, edit_item
from workshop.store.entries import add_entry
from workshop.templates import get_template


def _save(db: Database, item: AgendaItem, seat_id: int, answers: object) -> None:
    with db.writing() as session:
        usecases.save_response(session, row_id(item), seat_id, answers)


@pytest.fixture
def run_workshop(db: Database, workshop_id: int) -> dict[str, AgendaItem]:
    """A workshop run end to end: six council seats and one police officer answer every activity."""
    items = first_of_each_kind(db, workshop_id)
    with db.writing() as session:
        orgs = {
            o.name: o.id
            for o in session.exec(select(Organisation).where(Organisation.workshop_id == workshop_id))
        }
        council = next(name for name in orgs if "ouncil" in name)
        police = next(name for name in orgs if "olice" in name)
        nhs = next(name for name in orgs if "NHS" in name)
        seats = [row_id(store.join(session, workshop_id, orgs[council])) for _ in range(6)]
        seats += [row_id(store.join(session, workshop_id, orgs[nhs])) for _ in range(5)]
        seats.append(row_id(store.join(session, workshop_id, orgs[police])))
        edit_item(session, row_id(items["maturity"]), ItemEdit(notes="PRIVATE facilitator note"))
    start(db, items["question"])
    for n, seat in enumerate(seats):
        _save(db, items["question"], seat, AddAnswer(["Trust", "Slow", "Trust growing"][n % 3]))
    start(db, items["values"])
    with db.writing() as session:
        item = get_row(session, AgendaItem, row_id(items["values"]))
        author = get_row(session, Seat, seats[0])
        trust = add_entry(session, item, author, "Trust", detail="We trust each other")
        add_entry(session, item, author, "keep promises", tag="will", parent_id=row_id(trust))
        add_entry(session, item, author, "Openness", detail="We share early")
        moderation.set_agreed(session, row_id(trust), True)
        value_ids = [row_id(trust)]
    start(db, items["dots"])
    for seat in seats[:3]:
        _save(db, items["dots"], seat, DotsAnswers({value_ids[0]: 1}))
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    for n, seat in enumerate(seats):
        level = 5 if seat == seats[-1] else 2 + n % 2  # the police officer's 5 must never be seen alone
        ratings: dict[tuple[int, int], int | None] = {
            (row_id(f), row_id(h)): level for f in structure.factors for h in structure.horizons
        }
        _save(
            db,
            items["maturity"],
            seat,
            MatrixAnswers(ratings, {row_id(structure.factors[0]): "Goals | unclear"}),
        )
    with db.writing() as session:
        factor, horizon = structure.factors[0], structure.horizons[0]
        set_agreed(
            session,
            row_id(items["maturity"]),
            row_id(factor),
            row_id(horizon),
            2,
            "Plans exist but are not shared",
        )
    start(db, items["ranking"])
    with db.reading() as session:
        options = [row_id(e) for e in session.exec(select(Entry).where(Entry.item_id == items["ranking"].id))]
    for seat in seats:
        _save(db, items["ranking"], seat, Ballot((options[1], options[0], options[2])))
    with db.writing() as session:
        moderation.set_agreed_order(session, row_id(items["ranking"]), [options[1]])
    start(db, items["triangle"])
    _save(db, items["triangle"], seats[0], AddIdea("Parent champions", "community", "a"))
    with db.writing() as session:
        store.close_item(session, row_id(items["triangle"]))
    return items


def test_pack_has_every_kind_and_keeps_private_and_small_things_out(
    db: Database, workshop_id: int, run_workshop: dict[str, AgendaItem], tmp_path: Path
) -> None:
    steps: list[tuple[int, int]] = []
    written = export_workshop(
        db, workshop_id, tmp_path, progress=lambda done, total, _: steps.append((done, total))
    )
    assert [p.suffix for p in written] == [".md", ".json"]
    with db.reading() as session:
        total = len(store.agenda(session, workshop_id))  # one step per agenda item
    assert steps[0] == (0, total) and steps[-1] == (total, total)
    md = written[0].read_text(encoding="utf-8")
    assert md.startswith("# Test workshop\n")
    # Twelve ratings: six 2s, five 3s and a 5; the agreed level sits beside the spread.
    # Counts per level 1-5, don't know, n, median, quartiles, agreement, agreed level and why.
    ratings = "| 0 | 6 | 5 | 0 | 1 | 0 | 12 | 2.5 | 2 | 3 | some | 2 | Plans exist but are not shared |"
    assert f"| Goals and values {ratings}" in md
    assert re.search(r"Council[^|]*\(6\)", md)  # the council's group is big enough to show
    # Police (1) is too small; the NHS (5) is held back too, or room minus council minus NHS = the officer.
    hidden = next(line for line in md.splitlines() if line.startswith("Not shown, so that no one"))
    assert "Police" in hidden and "NHS" in hidden and "Council" not in hidden
    assert "Goals \\| unclear" in md  # participant text cannot break a table
    assert "##### Trust\n\nWe trust each other\n" in md and "We will:\n\n- keep promises\n" in md
    assert "Agreed priorities" in md
    assert "Parent champions" in md and "(a) Parent champions" in md
    assert "PRIVATE facilitator note" not in md
    assert "## Close and next steps\n\n*not run · planned 10 min*\n" in md  # nothing to report before it runs
    pack = json.loads(written[1].read_text(encoding="utf-8"))
    assert pack["schema"] == "workshop-outcomes/2" and pack["attendance"]["seats"] == 12
    kinds = {item["kind"]: item for item in pack["items"]}
    assert {kind for kind, item in kinds.items() if item["results"]} == {
        "question",
        "values",
        "dots",
        "maturity",
        "ranking",
        "triangle",
    }
    assert kinds["maturity"]["results"]["factors"][0]["horizons"][0]["agreed_level"] == 2
    assert kinds["info"]["results"] is None
    # The same small groups as the Markdown: named, never shown, so the officer's 5 is never seen alone.
    by_org = next(b for b in kinds["maturity"]["results"]["breakdowns"] if b["by"] == "organisation")
    assert [g["name"] for g in by_org["groups"]] == ["Council"]
    assert "Police" in by_org["suppressed"] and "NHS trust" in by_org["withheld"]
    assert "PRIVATE" not in written[1].read_text(encoding="utf-8")


def test_every_awkward_string_stays_literal(db: Database, workshop_id: int, tmp_path: Path) -> None:
    strings = [s for s in BLNS if s.strip()][:400]
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        item = get_row(session, AgendaItem, row_id(items["question"]))
        for text in strings:
            add_entry(session, item, seat, text[:300])
    md_path, json_path = export_workshop(db, workshop_id, tmp_path)
    md = md_path.read_text(encoding="utf-8")
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(bullets) >= len(strings)  # one line each: none broke out into a heading or a new block
    assert "<script" not in md.lower() and "<img" not in md.lower()
    answers = next(
        i for i in json.loads(json_path.read_text(encoding="utf-8"))["items"] if i["kind"] == "question"
    )
    assert answers["results"]["answers"] == [text[:300] for text in strings]  # JSON keeps the exact text


@pytest.mark.parametrize(
    ("text", "escaped"),
    [
        ("# heading", "\\# heading"),
        ("1. not a list", "1\\. not a list"),
        ("- not a bullet", "\\- not a bullet"),
        ("a | b", "a \\| b"),
        ("[x](javascript:alert(1))", "\\[x\\](javascript:alert(1))"),
        ("<b>bold</b> & co", "&lt;b&gt;bold&lt;/b&gt; &amp; co"),
        ("line\nbreak", "line break"),
        ("Follow-up 2027.", "Follow-up 2027."),
    ],
)
def test_markdown_escape(text: str, escaped: str) -> None:
    assert escape(text) == escaped


@pytest.mark.parametrize(
    ("title", "stem"),
    [
        ("Spring partnership day", "spring-partnership-day"),
        ("../../etc/passwd", "etc-passwd"),
        ("CON", "con"),
        ("Café für Kinder 👪", "cafe-fur-kinder"),
        ("👪👪", "workshop-"),
        ("<script>alert(1)</script>", "script-alert-1-script"),
    ],
)
def test_file_names_are_safe(db: Database, workshop_id: int, title: str, stem: str) -> None:
    with db.writing() as session:
        workshop = get_row(session, Workshop, workshop_id)
        workshop.title = title
        session.add(workshop)
    with db.reading() as session:
        name = file_stem(build_pack(session, workshop_id))
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}-[a-z0-9-]+-outcomes", name)
    assert stem in name


def test_a_file_in_the_way_is_a_clear_error(db: Database, workshop_id: int, tmp_path: Path) -> None:
    blocker = tmp_path / "exports"
    blocker.write_text("not a folder")
    with pytest.raises(ExportError, match=f"could not write to {re.escape(str(blocker))}"):
        export_workshop(db, workshop_id, blocker)
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        export_workshop(db, workshop_id, tmp_path, formats=("pdf",))


def test_two_workshops_with_the_same_slug_keep_separate_packs(db: Database, tmp_path: Path) -> None:
    with db.writing() as session:
        ids = [
            row_id(usecases.create_workshop(session, get_template("cyp-integration"), t))
            for t in ("Team A", "Team-A!")
        ]
    written = [export_workshop(db, wid, tmp_path, formats=("md",))[0] for wid in ids]
    assert written[0] != written[1]
    assert [p.read_text(encoding="utf-8").splitlines()[0] for p in written] == ["# Team A", "# Team-A!"]


def test_a_cell_with_one_rating_in_a_big_group_is_held_back(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    items = first_of_each_kind(db, workshop_id)
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
        council = session.exec(select(Organisation.id).where(Organisation.workshop_id == workshop_id)).first()
    first = structure.factors[0]
    for n in range(6):
        with db.writing() as session:
            seat = row_id(store.join(session, workshop_id, council))
        # One person rates the first factor 1; the other five say don't know there, and 3 elsewhere.
        ratings = {
            (row_id(f), row_id(h)): (1 if n == 0 else None) if f.id == first.id else 3
            for f in structure.factors
            for h in structure.horizons
        }
        _save(db, items["maturity"], seat, MatrixAnswers(ratings, {}))
    md = export_workshop(db, workshop_id, tmp_path, formats=("md",))[0].read_text(encoding="utf-8")
    by_org = md.split("#### Medians by organisation")[1].split("####")[0]
    row = next(line for line in by_org.splitlines() if line.startswith(f"| {first.name} |"))
    # That one person's 1 is never shown in the group's cell (the whole room, beside it, is all of them).
    assert row.split("|")[-2].strip() == ""
    assert "fewer than 5 people in the group rated this factor" in by_org
