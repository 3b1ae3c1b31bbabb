"""The outcome pack: every kind's results in Markdown and JSON, small groups never shown, text made safe."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from sqlmodel import select

from tests.helpers.data import first_of_each_kind, start
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
from workshop.models import AgendaItem, Entry, Organisation, Workshop
from workshop.store import moderation
from workshop.store.agenda import ItemEdit, edit_item
from workshop.store.entries import add_entry
from workshop.templates import get_template


def _save(db: Database, item: AgendaItem, seat_id: int, answers: object) -> None:
    with db.writing() as session:
        usecases.save_response(session, item.id, seat_id, answers)  # type: ignore[arg-type]


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
        seats = [store.join(session, workshop_id, orgs[council]).id for _ in range(6)]
        seats += [store.join(session, workshop_id, orgs[nhs]).id for _ in range(5)]
        seats.append(store.join(session, workshop_id, orgs[police]).id)
        edit_item(session, items["maturity"].id, ItemEdit(notes="PRIVATE facilitator note"))  # type: ignore[arg-type]
    start(db, items["question"])
    for n, seat in enumerate(seats):
        _save(db, items["question"], seat, AddAnswer(["Trust", "Slow", "Trust growing"][n % 3]))  # type: ignore[arg-type]
    start(db, items["values"])
    with db.writing() as session:
        item = session.get(AgendaItem, items["values"].id)
        seat = session.get(store.seats.Seat, seats[0])  # type: ignore[attr-defined]
        trust = add_entry(session, item, seat, "Trust", detail="We trust each other")  # type: ignore[arg-type]
        add_entry(session, item, seat, "keep promises", tag="will", parent_id=trust.id)  # type: ignore[arg-type]
        add_entry(session, item, seat, "Openness", detail="We share early")  # type: ignore[arg-type]
        moderation.set_agreed(session, trust.id, True)  # type: ignore[arg-type]
        value_ids = [trust.id]
    start(db, items["dots"])
    for seat in seats[:3]:
        _save(db, items["dots"], seat, DotsAnswers({value_ids[0]: 1}))  # type: ignore[arg-type]
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    for n, seat in enumerate(seats):
        level = 5 if seat == seats[-1] else 2 + n % 2  # the police officer's 5 must never be seen alone
        ratings = {(f.id, h.id): level for f in structure.factors for h in structure.horizons}
        _save(
            db, items["maturity"], seat, MatrixAnswers(ratings, {structure.factors[0].id: "Goals | unclear"})
        )  # type: ignore[arg-type,dict-item]
    with db.writing() as session:
        factor, horizon = structure.factors[0], structure.horizons[0]
        set_agreed(session, items["maturity"].id, factor.id, horizon.id, 2, "Plans exist but are not shared")  # type: ignore[arg-type]
    start(db, items["ranking"])
    with db.reading() as session:
        options = [e.id for e in session.exec(select(Entry).where(Entry.item_id == items["ranking"].id))]
    for seat in seats:
        _save(db, items["ranking"], seat, Ballot((options[1], options[0], options[2])))  # type: ignore[arg-type]
    with db.writing() as session:
        moderation.set_agreed_order(session, items["ranking"].id, [options[1]])  # type: ignore[arg-type]
    start(db, items["triangle"])
    _save(db, items["triangle"], seats[0], AddIdea("Parent champions", "community", "a"))  # type: ignore[arg-type]
    with db.writing() as session:
        store.close_item(session, items["triangle"].id)  # type: ignore[arg-type]
    return items


def test_pack_has_every_kind_and_keeps_private_and_small_things_out(
    db: Database, workshop_id: int, run_workshop: dict[str, AgendaItem], tmp_path: Path
) -> None:
    steps: list[tuple[int, int]] = []
    written = export_workshop(
        db, workshop_id, tmp_path, progress=lambda done, total, _: steps.append((done, total))
    )
    assert [p.suffix for p in written] == [".md", ".json"]
    assert steps[0] == (0, 8) and steps[-1] == (8, 8)
    md = written[0].read_text(encoding="utf-8")
    assert md.startswith("# Test workshop\n")
    # Twelve ratings: six 2s, five 3s and a 5; the agreed level sits beside the spread.
    assert "| Goals and values | 2½ | some | 12 | 2 | Plans exist but are not shared |" in md
    assert re.search(r"Council[^|]*\(6\)", md)  # the council's group is big enough to show
    # Police (1) is too small; the NHS (5) is held back too, or room minus council minus NHS = the officer.
    hidden = next(line for line in md.splitlines() if line.startswith("Not shown, so that no one"))
    assert "Police" in hidden and "NHS" in hidden and "Council" not in hidden
    assert "Goals \\| unclear" in md  # participant text cannot break a table
    assert "**Trust: We trust each other**" in md and "We will: keep promises" in md
    assert "Agreed priorities" in md
    assert "Parent champions" in md and "(a) Parent champions" in md
    assert "PRIVATE facilitator note" not in md
    assert "## Close and next steps\n\n*not run · planned 10 min*\n" in md  # nothing to report before it runs
    pack = json.loads(written[1].read_text(encoding="utf-8"))
    assert pack["schema"] == "workshop-outcome-pack/1" and pack["workshop"]["seats"] == 12
    kinds = {item["kind"]: item for item in pack["items"]}
    assert {b["type"] for b in kinds["maturity"]["blocks"]} >= {"table", "heading", "paragraph", "bullets"}
    assert kinds["info"]["blocks"] == []
    assert "PRIVATE" not in written[1].read_text(encoding="utf-8")


def test_every_awkward_string_stays_literal(db: Database, workshop_id: int, tmp_path: Path) -> None:
    strings = [s for s in BLNS if s.strip()][:400]
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        item = session.get(AgendaItem, items["question"].id)
        for text in strings:
            add_entry(session, item, seat, text[:300])  # type: ignore[arg-type]
    md_path, json_path = export_workshop(db, workshop_id, tmp_path)
    md = md_path.read_text(encoding="utf-8")
    bullets = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(bullets) >= len(strings)  # one line each: none broke out into a heading or a new block
    assert "<script" not in md.lower() and "<img" not in md.lower()
    answers = next(
        i for i in json.loads(json_path.read_text(encoding="utf-8"))["items"] if i["kind"] == "question"
    )
    listed = next(b for b in answers["blocks"] if b["type"] == "bullets")["items"]
    assert listed == [text[:300] for text in strings]  # JSON keeps the exact text


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
        workshop = session.get(Workshop, workshop_id)
        workshop.title = title  # type: ignore[union-attr]
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
            usecases.create_workshop(session, get_template("cyp-integration"), t).id
            for t in ("Team A", "Team-A!")
        ]
    written = [export_workshop(db, wid, tmp_path, formats=("md",))[0] for wid in ids]  # type: ignore[arg-type]
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
            seat = store.join(session, workshop_id, council).id
        # One person rates the first factor 1; the other five say don't know there, and 3 elsewhere.
        ratings = {
            (f.id, h.id): (1 if n == 0 else None) if f.id == first.id else 3
            for f in structure.factors
            for h in structure.horizons
        }
        _save(db, items["maturity"], seat, MatrixAnswers(ratings, {}))  # type: ignore[arg-type]
    md = export_workshop(db, workshop_id, tmp_path, formats=("md",))[0].read_text(encoding="utf-8")
    by_org = md.split("#### Medians by organisation")[1].split("####")[0]
    row = next(line for line in by_org.splitlines() if line.startswith(f"| {first.name} |"))
    assert row.endswith("| — |") and "| 1 |" not in row  # that one person's 1 is never shown
    assert "fewer than 5 people in the group rated this factor" in by_org
