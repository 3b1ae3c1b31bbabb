"""The CSV outcome pack: a zip of tidy tables, UTF-8 with a BOM, CRLF, no formulas, fixed file names, the
same bytes for the same pack, and a golden file compared byte for byte (tests/golden/outcome-pack.csv.zip).

To accept a change on purpose, write the golden file afresh and look at what changed before committing:

    WORKSHOP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_export_csv.py
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import re
import zipfile
from pathlib import Path

import pytest
from pydantic import BaseModel

from tests.helpers.data import first_of_each_kind, save, start
from tests.naughty import BLNS
from workshop import store
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.activities.maturity.results import MaturityResults
from workshop.db import Database
from workshop.exports import csvzip
from workshop.exports.cells import csv_value, restore_csv_text
from workshop.exports.files import export_workshop
from workshop.exports.pack import OutcomePack, build_pack
from workshop.exports.tables import DataTable, data_tables, record_tables
from workshop.models import row_id

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

GOLDEN = Path(__file__).parent / "golden" / "outcome-pack.csv.zip"
UPDATE = os.environ.get("WORKSHOP_UPDATE_GOLDEN") == "1"
ATTACKS = ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\t=x", "\r=x", '=HYPERLINK("http://x")']


def _pack(db: Database, workshop_id: int) -> OutcomePack:
    with db.reading() as session:
        return build_pack(session, workshop_id)


def _files(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def _rows(content: bytes) -> list[list[str]]:
    assert content.startswith(b"\xef\xbb\xbf"), "no byte-order mark"
    return list(csv.reader(io.StringIO(content.decode("utf-8")[1:], newline="")))


def test_csv_zip_matches_its_golden_file(db: Database, golden_workshop: int, tmp_path: Path) -> None:
    (written,) = export_workshop(db, golden_workshop, tmp_path, formats=("csv",))
    assert written.name == f"2026-11-23-test-workshop-{golden_workshop}-outcomes.csv.zip"
    actual = written.read_bytes()
    if UPDATE:
        GOLDEN.write_bytes(actual)
    assert GOLDEN.exists(), f"no {GOLDEN.name}: run with WORKSHOP_UPDATE_GOLDEN=1 to write it"
    expected = GOLDEN.read_bytes()
    # File by file first, so a failure names the table that changed.
    ours, theirs = _files(actual), _files(expected)
    assert sorted(ours) == sorted(theirs)
    for name in ours:
        assert _rows(ours[name]) == _rows(theirs[name]), f"{name} differs (see the module docstring)"
    assert actual == expected


def test_zip_is_deterministic_with_fixed_ascii_names(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    data = csvzip.render(the_pack)
    assert csvzip.render(the_pack) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
    names = [info.filename for info in infos]
    assert names == sorted(names)
    assert all(re.fullmatch(r"[a-z0-9_]+\.csv", name) for name in names), names
    assert {"workshop.csv", "attendance.csv", "agenda.csv", "maturity.csv", "maturity_comments.csv"} <= set(
        names
    )
    assert {info.date_time for info in infos} == {(2026, 11, 23, 12, 51, 0)}


def test_every_table_parses_back_to_the_data(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    files = _files(csvzip.render(the_pack))
    tables = data_tables(the_pack.data)
    assert sorted(files) == sorted(f"{t.name}.csv" for t in tables)
    for table in tables:
        content = files[f"{table.name}.csv"]
        # RFC 4180: every record ends CRLF (no cell in these tables holds a line break of its own).
        assert content.count(b"\n") == content.count(b"\r\n") == len(table.rows) + 1, table.name
        header, *body = _rows(content)
        assert tuple(header) == table.headers
        expected = [[str(csv_value(cell)) for cell in row] for row in table.rows]
        assert body == expected, table.name


def test_maturity_table_rows_and_suppression(db: Database, golden_workshop: int) -> None:
    the_pack = _pack(db, golden_workshop)
    header, *body = _rows(_files(csvzip.render(the_pack))["maturity.csv"])
    (results,) = [i.results for i in the_pack.data.items if isinstance(i.results, MaturityResults)]
    shown = [g.name for b in results.breakdowns for g in b.groups]
    assert shown == ["Council", "Manager"]
    assert len(body) == len(results.factors) * len(results.horizons) * (1 + len(shown))
    groups = [row[header.index("group")] for row in body]
    assert set(groups) == {"Whole room", *shown}
    assert not {"Police", "NHS trust", "Chief officer", "Front line"} & set(groups)
    first = dict(zip(header, body[0], strict=True))
    assert first["group"] == "Whole room" and first["by"] == "room"
    assert (first["n"], first["dont_know"], first["median"], first["agreed_level"]) == ("12", "1", "2.5", "2")


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def test_participant_formulas_are_neutralised(db: Database, workshop_id: int) -> None:
    items = first_of_each_kind(db, workshop_id)
    start(db, items["maturity"])
    with db.reading() as session:
        structure = load_structure(session, workshop_id)
    with db.writing() as session:
        seats = [row_id(store.join(session, workshop_id)) for _ in ATTACKS]
    for seat, attack in zip(seats, ATTACKS, strict=True):
        ratings: dict[tuple[int, int], int | None] = {
            (row_id(f), row_id(h)): 3 for f in structure.factors for h in structure.horizons
        }
        save(db, items["maturity"], seat, MatrixAnswers(ratings, {row_id(structure.factors[0]): attack}))
    files = _files(csvzip.render(_pack(db, workshop_id)))
    header, *body = _rows(files["maturity_comments.csv"])
    comments = [row[header.index("comment")] for row in body]
    assert sorted(comments) == sorted("'" + attack for attack in ATTACKS)
    assert sorted(restore_csv_text(c) for c in comments) == sorted(ATTACKS)
    # Nowhere in any table does a cell start the way a formula does; numbers such as -0.5 are numbers.
    for name, content in files.items():
        for row in _rows(content):
            for cell in row:
                assert _number(cell) or not re.match(r"[=+\-@\t\r\n]", cell), (name, cell)


def test_naughty_strings_round_trip(tmp_path: Path) -> None:
    table = DataTable("naughty", ("text", "n"), tuple((text, n) for n, text in enumerate(BLNS)))
    header, *body = _rows(csvzip.table_csv(table))
    assert header == ["text", "n"]
    assert [restore_csv_text(row[0]) for row in body] == BLNS  # exactly, after the apostrophe comes off
    assert [int(row[1]) for row in body] == list(range(len(BLNS)))


class _Idea(BaseModel):
    text: str
    votes: int


class _Group(BaseModel):
    name: str
    scores: list[int]
    ideas: list[_Idea]


class _Results(BaseModel):
    kind: str = "sample"
    responses: int
    tags: list[str]
    groups: list[_Group]
    empty: list[_Idea]


def test_other_kinds_results_are_flattened_generically(db: Database, golden_workshop: int) -> None:
    results = _Results(
        responses=3,
        tags=["=a", "b"],
        groups=[
            _Group(name="One", scores=[1, 2], ideas=[_Idea(text="x", votes=2), _Idea(text="@y", votes=1)]),
            _Group(name="Two", scores=[3], ideas=[]),
        ],
        empty=[],
    )
    tables = {t.name: t for t in record_tables(4, "Sample Kind!", results)}
    assert set(tables) == {
        "item04_sample_kind",
        "item04_sample_kind_tags",
        "item04_sample_kind_groups",
        "item04_sample_kind_groups_ideas",
    }
    assert tables["item04_sample_kind"].rows == (("kind", "sample"), ("responses", 3))
    assert tables["item04_sample_kind_groups"].headers == ("name", "scores_1", "scores_2")
    assert tables["item04_sample_kind_groups"].rows == (("One", 1, 2), ("Two", 3, None))
    ideas = tables["item04_sample_kind_groups_ideas"]
    assert ideas.headers == ("parent_row", "parent_name", "text", "votes")
    assert ideas.rows == ((1, "One", "x", 2), (1, "One", "@y", 1))
    # Through the zip: an item whose results are of a kind the export has never heard of.
    the_pack = _pack(db, golden_workshop)
    data = the_pack.data
    odd_item = data.items[0].model_copy(update={"kind": "sample", "results": results})
    items = [odd_item, *data.items[1:]]
    odd = dataclasses.replace(the_pack, data=data.model_copy(update={"items": items}))
    files = _files(csvzip.render(odd))
    assert _rows(files["item01_sample_groups_ideas.csv"])[1:] == [
        ["1", "One", "x", "2"],
        ["1", "One", "'@y", "1"],
    ]
