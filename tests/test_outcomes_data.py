"""The outcomes data model: the JSON export is the model, its shipped schema is the model's, and every kind's
results carry the right numbers for known answers, with no seat ids or tokens and participant text exact."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from sqlmodel import col, select

from tests.helpers.data import first_of_each_kind, get_row, new_seat, save, start
from tests.naughty import BLNS
from workshop import store
from workshop.activities.dots import DotsAnswers
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.question import AddAnswer
from workshop.activities.ranking import Ballot
from workshop.activities.triangle import AddIdea
from workshop.activities.values import AddBehaviour, AddValue, BehaviourSummary, ValuesSummary, ValueSummary
from workshop.activities.values.results import values_results
from workshop.db import Database
from workshop.exports.data import SCHEMA_VERSION, Outcomes, outcomes_schema, shipped_schema
from workshop.exports.files import export_workshop
from workshop.models import AgendaItem, Entry, Seat, row_id
from workshop.store import moderation
from workshop.store.entries import add_entry
from workshop.untrusted import UNSAFE

REGENERATE = (
    'python -c "from workshop.exports.jsonfile import schema_text; '
    'from workshop.exports.data import SCHEMA_FILE; SCHEMA_FILE.write_text(schema_text())"'
)
JsonObject = dict[str, Any]


def test_the_shipped_schema_is_the_models() -> None:
    assert shipped_schema() == outcomes_schema(), (
        f"workshop/exports/outcomes.schema.json is out of date with the model; regenerate it: {REGENERATE}"
    )


@dataclass(frozen=True)
class Room:
    """A workshop run with known answers to every kind, exported to JSON."""

    text: str
    data: JsonObject
    tokens: tuple[str, ...]
    candidates: tuple[str, ...]

    def results(self, kind: str) -> JsonObject:
        """The first item of ``kind``'s results."""
        found: JsonObject = next(i for i in self.data["items"] if i["kind"] == kind)["results"]
        return found


def _entry_id(db: Database, item: AgendaItem, text: str) -> int:
    with db.reading() as session:
        return row_id(session.exec(select(Entry).where(Entry.item_id == item.id, Entry.text == text)).one())


def _export(db: Database, workshop_id: int, tmp_path: Path) -> str:
    (path,) = export_workshop(db, workshop_id, tmp_path, formats=("json",))
    return path.read_text(encoding="utf-8")


@pytest.fixture
def room(db: Database, workshop_id: int, tmp_path: Path) -> Room:
    """Four seats answer every kind of the shipped template; the facilitator moderates the values."""
    items = first_of_each_kind(db, workshop_id)
    seats = [new_seat(db, workshop_id) for _ in range(4)]
    start(db, items["question"])
    for seat, answer in zip(seats, ("Trust", "Slow", "Trust growing", "slow trust"), strict=True):
        save(db, items["question"], seat, AddAnswer(answer))
    values = items["values"]
    start(db, values)
    save(db, values, seats[0], AddValue("Trust", "We trust each other"))
    trust = _entry_id(db, values, "Trust")
    save(db, values, seats[0], AddBehaviour(trust, "will", "keep promises"))
    save(db, values, seats[0], AddBehaviour(trust, "wont", "blame others"))
    save(db, values, seats[1], AddValue("Trusting", "We rely on each other"))
    trusting = _entry_id(db, values, "Trusting")
    save(db, values, seats[1], AddBehaviour(trusting, "will", "listen first"))
    save(db, values, seats[1], AddValue("Openness", "We share early"))
    save(db, values, seats[2], AddValue("Spam", "Buy now"))
    with db.writing() as session:
        moderation.merge_entries(session, trusting, trust)
        moderation.reword_entry(session, _entry_id(db, values, "Openness"), "Open")
        moderation.set_hidden(session, _entry_id(db, values, "Spam"), True)
        moderation.set_agreed(session, trust, True)
        moderation.set_agreed(session, _entry_id(db, values, "keep promises"), True)
    start(db, items["dots"])
    open_id = _entry_id(db, values, "Open")
    for seat, dots in zip(seats, ({trust: 1, open_id: 1}, {trust: 1}, {trust: 1}, {open_id: 1}), strict=True):
        save(db, items["dots"], seat, DotsAnswers(dots))
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    for seat, level in zip(seats, (2, 3, 2, 3), strict=True):
        ratings: dict[tuple[int, int], int | None] = {
            (row_id(f), row_id(h)): level for f in structure.factors for h in structure.horizons
        }
        save(db, items["maturity"], seat, MatrixAnswers(ratings, {}))
    ranking = items["ranking"]
    start(db, ranking)
    with db.reading() as session:
        options = session.exec(
            select(Entry).where(Entry.item_id == ranking.id).order_by(col(Entry.position), col(Entry.id))
        ).all()
        candidates = tuple(e.text for e in options)
        a, b, c = (row_id(e) for e in options[:3])
    for seat, ballot in zip(seats, ((b, a, c), (b, a, c), (b, a, c), (a, c, b)), strict=True):
        save(db, ranking, seat, Ballot(ballot))
    with db.writing() as session:
        moderation.set_agreed_order(session, row_id(ranking), [b, a])
    start(db, items["triangle"])
    ideas = (
        ("Parent champions", "community", "a"),
        ("Licensing policy", "civic", "c"),
        ("Joint triage", "service", "b"),
        ("Peer mentors", "community", "b"),
    )
    for seat, idea in zip(seats, ideas, strict=True):
        save(db, items["triangle"], seat, AddIdea(*idea))
    with db.writing() as session:
        store.close_item(session, row_id(items["triangle"]))
        tokens = tuple(get_row(session, Seat, seat).token for seat in seats)
    text = _export(db, workshop_id, tmp_path)
    return Room(text, json.loads(text), tokens, candidates)


def test_the_export_validates_against_the_shipped_schema_and_round_trips(room: Room) -> None:
    validator = Draft202012Validator(shipped_schema())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(room.data)]
    assert errors == []
    assert room.data["schema"] == SCHEMA_VERSION
    assert {i["kind"] for i in room.data["items"] if i["results"]} == {
        "question",
        "values",
        "dots",
        "maturity",
        "ranking",
        "triangle",
    }
    assert [i["results"] for i in room.data["items"] if i["kind"] == "info"] == [None, None]
    again = Outcomes.model_validate_json(room.text)
    assert again.model_dump(mode="json", by_alias=True) == room.data


def _spoil(data: JsonObject, kind: str, path: tuple[str | int, ...], value: object) -> JsonObject:
    spoilt: JsonObject = json.loads(json.dumps(data))
    target: Any = next(i for i in spoilt["items"] if i["kind"] == kind)["results"]
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return spoilt


@pytest.mark.parametrize(
    ("kind", "path", "value"),
    [
        ("maturity", ("factors", 0, "horizons", 0, "stats", "median"), "2½"),  # a number in words
        ("dots", ("seat_id",), 7),  # a field the model does not have
        ("ranking", ("kind",), "rank"),  # no such kind
        ("values", ("values", 0, "status"), "pending"),  # a status the model does not know
        ("ranking", ("positions", 0, "counts", 0), 1.5),  # half a ballot
    ],
)
def test_the_schema_refuses_what_the_model_refuses(
    room: Room, kind: str, path: tuple[str | int, ...], value: object
) -> None:
    """The schema is no rubber stamp: what the model would refuse, the schema refuses too."""
    spoilt = _spoil(room.data, kind, path, value)
    assert not Draft202012Validator(shipped_schema()).is_valid(spoilt)
    with pytest.raises(ValueError):
        Outcomes.model_validate(spoilt)


def test_numbers_are_numbers(room: Room) -> None:
    maturity = room.results("maturity")
    stats = maturity["factors"][0]["horizons"][0]["stats"]
    assert stats["median"] == 2.5 and isinstance(stats["median"], float)
    assert stats["counts"] == [0, 2, 2, 0, 0] and stats["n"] == 4 and stats["quartiles"] == [2.0, 3.0]
    assert maturity["responses"] == 4
    assert '"2½"' not in room.text and '"median": "' not in room.text


def test_values_results(room: Room) -> None:
    values = room.results("values")
    assert values["responses"] == 3
    assert values["counts"] == {
        "values": 2,
        "behaviours": 3,
        "agreed_values": 1,
        "agreed_behaviours": 1,
        "hidden": 1,
        "merged": 1,
    }
    # The hidden value is counted, never quoted: the pack travels beyond the room.
    trust, open_ = values["values"]
    assert "Spam" not in json.dumps(values)
    assert (trust["name"], trust["statement"]) == ("Trust", "We trust each other")
    assert trust["status"] == "proposed"
    assert (trust["agreed"], trust["agreed_place"]) == (True, 1)
    assert [(b["stance"], b["text"], b["agreed"]) for b in trust["behaviours"]] == [
        ("will", "keep promises", True),
        ("wont", "blame others", False),
        ("will", "listen first", False),  # moved across when its value was merged into Trust
    ]
    assert trust["behaviours"][0]["agreed_place"] == 2  # agreed after the value: second of those agreed
    assert trust["merged"] == [{"name": "Trusting", "statement": "We rely on each other"}]
    # In the facilitator's words only: rewording is how a facilitator takes out what should not travel.
    assert open_["name"] == "Open" and "Openness" not in json.dumps(values)
    assert (open_["agreed"], open_["merged"]) == (False, [])


def test_dots_results(room: Room) -> None:
    dots = room.results("dots")
    assert dots["source"] == "Shared values and behaviours"
    assert (dots["voters"], dots["total_dots"], dots["dots_per_seat"], dots["max_per_option"]) == (4, 5, 3, 1)
    assert dots["options"] == [
        {"text": "Trust", "detail": "We trust each other", "dots": 3, "people": 3, "rank": 1, "tied": False},
        {"text": "Open", "detail": "We share early", "dots": 2, "people": 2, "rank": 2, "tied": False},
    ]


def test_ranking_results(room: Room) -> None:
    """Three ballots B, A, C and one A, C, B over the template's eleven options, top three each."""
    ranking = room.results("ranking")
    a, b, c, *others = room.candidates
    assert (ranking["responses"], ranking["places"]) == (4, 3)
    # Rule (c): 10, 9, 8 points for the three ranked; the eight left out share (11 − 3 − 1) / 2 = 3.5 each.
    borda = ranking["borda"]
    assert borda["rule"] == "c"
    assert [(o["option"], o["points"], o["place"], o["tied"]) for o in borda["options"][:4]] == [
        (b, 38.0, 1, False),
        (a, 37.0, 2, False),
        (c, 33.0, 3, False),
        (others[0], 14.0, 4, True),
    ]
    assert {o["points"] for o in borda["options"][3:]} == {14.0}
    assert ranking["first_choices"][:3] == [
        {"option": b, "count": 3},
        {"option": a, "count": 1},
        {"option": c, "count": 0},
    ]
    assert ranking["positions"][:3] == [
        {"option": b, "counts": [3, 0, 1]},
        {"option": a, "counts": [1, 3, 0]},
        {"option": c, "counts": [0, 1, 3]},
    ]
    assert ranking["schulze"]["tiers"] == [[b], [a], [c], others]
    assert (ranking["schulze"]["compared"], ranking["schulze"]["limited"]) == (3, False)
    runoff = ranking["instant_runoff"]
    assert runoff["winners"] == [b] and runoff["complete"] is True
    assert len(runoff["rounds"]) == 1  # three of four first preferences: a majority at once
    assert {v["option"]: v["count"] for v in runoff["rounds"][0]["votes"]}[b] == 3
    assert ranking["agreed"] == [b, a]


def test_triangle_and_question_results(room: Room) -> None:
    triangle = room.results("triangle")
    assert triangle["priority"] == room.candidates[1]  # the ranking's single leader
    assert (triangle["responses"], triangle["ideas"]) == (4, 4)
    assert triangle["by_question"] == {"a": 1, "b": 2, "c": 1}
    segments = {s["segment"]["key"]: s for s in triangle["segments"]}
    assert list(segments) == ["civic", "service", "community"]
    assert segments["community"]["ideas"] == [
        {"text": "Parent champions", "question": "a", "principle": None},
        {"text": "Peer mentors", "question": "b", "principle": None},
    ]
    assert segments["community"]["by_question"] == {"a": 1, "b": 1, "c": 0}
    assert [q["key"] for q in triangle["questions"]] == ["a", "b", "c"]
    question = room.results("question")
    assert question["prompt"] == "What one word describes partnership working here today?"
    assert question["responses"] == 4
    assert question["answers"] == ["Trust", "Slow", "Trust growing", "slow trust"]
    assert question["words"] == [
        {"word": "Trust", "count": 3},
        {"word": "Slow", "count": 2},
        {"word": "growing", "count": 1},
    ]


def _keys(data: object) -> set[str]:
    if isinstance(data, dict):
        return set(data) | {k for value in data.values() for k in _keys(value)}
    if isinstance(data, list):
        return {k for value in data for k in _keys(value)}
    return set()


def test_no_seat_is_named(room: Room) -> None:
    assert len(room.tokens) == 4 and all(len(token) >= 16 for token in room.tokens)
    assert [token for token in room.tokens if token in room.text] == []
    assert not _keys(room.data) & {"seat", "seat_id", "seat_ids", "token", "code", "entry_id"}


def test_awkward_text_round_trips_exactly(db: Database, workshop_id: int, tmp_path: Path) -> None:
    strings = [s for s in BLNS if s.strip()]
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    start(db, items["values"])
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        question = get_row(session, AgendaItem, row_id(items["question"]))
        values = get_row(session, AgendaItem, row_id(items["values"]))
        for text in strings:
            add_entry(session, question, seat, text)
            add_entry(session, values, seat, text, detail=text[::-1])
    text = _export(db, workshop_id, tmp_path)
    data = json.loads(text)
    results = {i["kind"]: i["results"] for i in data["items"] if i["results"]}
    assert results["question"]["answers"] == strings
    assert [v["name"] for v in results["values"]["values"]] == strings
    assert [v["statement"] for v in results["values"]["values"]] == [s[::-1] for s in strings]
    # Control and bidi characters are written as \uXXXX escapes, never raw, and decode to the same text.
    assert not [ch for ch in text if ord(ch) in UNSAFE]
    assert any(ord(ch) in UNSAFE for s in strings for ch in s)  # the corpus does carry some
    again = Outcomes.model_validate_json(text)
    assert again.model_dump(mode="json", by_alias=True) == data
    assert Draft202012Validator(shipped_schema()).is_valid(data)


def test_a_merge_of_a_merge_lands_on_the_value_left_and_an_orphan_stays_listed() -> None:
    def value(id_: int, name: str, status: str = "pending", into: int | None = None) -> ValueSummary:
        behaviours = (BehaviourSummary(id_ * 10, f"{name} act", "will", "pending"),)
        return ValueSummary(id_, name, "", status, behaviours, merged_into=into)

    summary = ValuesSummary(
        values=(
            value(1, "Care"),
            value(2, "Caring", "merged", into=3),  # merged into a value merged in turn into Care
            value(3, "Kindness", "merged", into=1),
            value(4, "Lost", "merged", into=None),  # what it was merged into was deleted with its seat
        ),
        responses=2,
        entries_shown=True,
    )
    results = values_results(summary)
    assert [(v.name, v.status) for v in results.values] == [("Care", "proposed"), ("Lost", "merged")]
    care = results.values[0]
    assert [m.name for m in care.merged] == ["Caring", "Kindness"]
    assert [b.text for b in care.behaviours] == ["Care act", "Caring act", "Kindness act"]
    assert (results.counts.values, results.counts.behaviours, results.counts.merged) == (1, 3, 3)


def test_a_ranking_nobody_has_ranked_has_no_runoff(db: Database, workshop_id: int, tmp_path: Path) -> None:
    start(db, first_of_each_kind(db, workshop_id)["ranking"])
    ranking = next(
        i for i in json.loads(_export(db, workshop_id, tmp_path))["items"] if i["kind"] == "ranking"
    )
    results = ranking["results"]
    assert (results["responses"], results["instant_runoff"], results["agreed"]) == (0, None, [])
    assert {o["points"] for o in results["borda"]["options"]} == {0.0}
    assert all(p["counts"] == [0, 0, 0] for p in results["positions"])
