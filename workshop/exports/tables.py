"""The outcome data as tidy tables (one row per observation, one column per variable) for the spreadsheets.

The CSV zip holds every table made here; the Excel workbook has the maturity data table as its data sheet
(its other sheets lay out each item's document blocks). They are made from the pack's data
(:mod:`workshop.exports.data`), never from the document blocks: numbers stay numbers, and groups too small
to show were never in the data. Cells are raw (participant text as sent); each format makes them safe.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from pydantic import BaseModel

from workshop.activities.maturity.results import MaturityResults, Stats
from workshop.blocks import Cell
from workshop.exports.data import Outcomes

ROOM = "Whole room"
DEFAULT_LEVELS = 5


@dataclass(frozen=True)
class DataTable:
    """A tidy table: ``name`` is a fixed ASCII name (a CSV file's stem), never participant text."""

    name: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def _levels(data: Outcomes) -> int:
    counts = [len(item.results.levels) for item in data.items if isinstance(item.results, MaturityResults)]
    return max(counts, default=DEFAULT_LEVELS)


def maturity_headers(levels: int) -> tuple[str, ...]:
    """The maturity table's columns, with one count column per level."""
    return (
        "item_no",
        "item",
        "factor_key",
        "factor",
        "horizon_key",
        "horizon",
        "by",
        "group",
        "seats",
        "n",
        "dont_know",
        *(f"level_{level}" for level in range(1, levels + 1)),
        "median",
        "q1",
        "q3",
        "agreement",
        "agreed_level",
        "ambition_gap",
        "note",
    )


def _stats(stats: Stats | None, levels: int) -> tuple[Cell, ...]:
    """n, don't know, the count per level, median, quartiles and agreement; blank when not shown."""
    if stats is None:
        return (None,) * (levels + 6)
    counts = [*stats.counts, *([None] * levels)][:levels]
    q1, q3 = stats.quartiles if stats.quartiles else (None, None)
    return (stats.n, stats.dont_know, *counts, stats.median, q1, q3, stats.agreement)


def _gap(later: Stats | None, now: Stats | None) -> float | None:
    if later is None or now is None or later.median is None or now.median is None:
        return None
    return later.median - now.median


def _maturity_rows(
    item_no: int, title: str, results: MaturityResults, levels: int
) -> Iterator[tuple[Cell, ...]]:
    """Per factor and horizon: the whole room, then each shown group of each breakdown."""
    labels = {h.key: h.label for h in results.horizons}
    now = results.horizons[0].key if results.horizons else None
    for factor in results.factors:
        room = {h.horizon: h for h in factor.horizons}
        for horizon in results.horizons:
            key = horizon.key
            result = room.get(key)
            where = (item_no, title, factor.key, factor.name, key, labels[key])
            yield (
                *where,
                "room",
                ROOM,
                results.responses,
                *_stats(result.stats if result else None, levels),
                result.agreed_level if result else None,
                factor.ambition_gaps.get(key),
                None,
            )
            for breakdown in results.breakdowns:
                for group in breakdown.groups:
                    cells = group.factors.get(factor.key, {})
                    stats = cells.get(key)
                    note = None if stats else f"fewer than {breakdown.min_group} in the group rated this"
                    gap = _gap(stats, cells.get(now)) if now and key != now else None
                    numbers = _stats(stats, levels)
                    yield (*where, breakdown.by, group.name, group.seats, *numbers, None, gap, note)


def maturity_table(data: Outcomes) -> DataTable:
    """Every maturity item's ratings: one row per item × factor × horizon × group (room first).

    Groups the breakdown suppressed or withheld are not in the data, so they have no rows; a shown group's
    cell that too few rated has a row with blank numbers and a note.
    """
    levels = _levels(data)
    rows = [
        row
        for no, item in enumerate(data.items, start=1)
        if isinstance(item.results, MaturityResults)
        for row in _maturity_rows(no, item.title, item.results, levels)
    ]
    return DataTable("maturity", maturity_headers(levels), tuple(rows))


def maturity_comments_table(data: Outcomes) -> DataTable:
    """Every maturity comment, one per row, beside its factor."""
    rows: list[tuple[Cell, ...]] = []
    for no, item in enumerate(data.items, start=1):
        if isinstance(item.results, MaturityResults):
            names = {f.key: f.name for f in item.results.factors}
            for comments in item.results.comments:
                factor = names.get(comments.factor, comments.factor)
                rows += [(no, item.title, comments.factor, factor, text) for text in comments.texts]
    return DataTable("maturity_comments", ("item_no", "item", "factor_key", "factor", "comment"), tuple(rows))


def attendance_table(data: Outcomes) -> DataTable:
    """Seats by organisation, then by role level."""
    attendance = data.attendance
    rows = [("organisation", g.name, g.seats) for g in attendance.by_organisation]
    rows += [("role", g.name, g.seats) for g in attendance.by_role]
    return DataTable("attendance", ("by", "group", "seats"), tuple(rows))


def agenda_table(data: Outcomes) -> DataTable:
    """The agenda as run: each item's title, kind, state and minutes (planned, and taken if it ran)."""
    rows = tuple(
        (no, item.title, item.kind, item.state, item.planned_minutes, item.actual_minutes)
        for no, item in enumerate(data.items, start=1)
    )
    headers = ("item_no", "title", "kind", "state", "planned_minutes", "actual_minutes")
    return DataTable("agenda", headers, rows)


def workshop_table(data: Outcomes) -> DataTable:
    """The workshop's own facts, one per row."""
    info = data.workshop
    rows: tuple[tuple[Cell, ...], ...] = (
        ("title", info.title),
        ("template", info.template),
        ("created_at", info.created_at.isoformat()),
        ("exported_at", data.exported_at.isoformat()),
        ("seats", data.attendance.seats),
        ("baseline", info.baseline.title if info.baseline else None),
        ("min_group", info.min_group),
        ("schema", data.schema_version),
    )
    if data.purged:  # only then: an unpurged workshop's table is as it always was
        rows += (("purged_on", data.purged.on.isoformat()), ("purged", data.purged.note))
    return DataTable("workshop", ("field", "value"), rows)


def _ascii_name(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_") or "x"


def _spread(
    name: str, value: object, flat: dict[str, Cell], lists: dict[str, list[dict[str, object]]]
) -> None:
    """One JSON value into a flat record: an object's fields as ``name_field`` columns, a list of values as
    ``name_1``, ``name_2``…, and a list of objects set aside in ``lists`` for a table of its own."""
    if isinstance(value, dict):
        for key, inner in value.items():
            _spread(f"{name}_{key}", inner, flat, lists)
    elif isinstance(value, list) and value and all(isinstance(one, dict) for one in value):
        lists[name] = value
    elif isinstance(value, list):
        for number, inner in enumerate(value, start=1):
            _spread(f"{name}_{number}", inner, flat, lists)
    elif value is None or isinstance(value, str | int | float):
        flat[name] = value


def _records(name: str, records: list[dict[str, object]]) -> list[DataTable]:
    """A list of JSON objects as a table, and each list of objects inside them as a table of its own whose
    rows point back with ``parent_row`` (the row's number in this table) and this table's first column."""
    headers: dict[str, None] = {}
    flats: list[dict[str, Cell]] = []
    nested: list[dict[str, list[dict[str, object]]]] = []
    for record in records:
        flat: dict[str, Cell] = {}
        lists: dict[str, list[dict[str, object]]] = {}
        for key, value in record.items():
            _spread(key, value, flat, lists)
        headers.update(dict.fromkeys(flat))
        flats.append(flat)
        nested.append(lists)
    first = next(iter(headers), None)
    children: dict[str, list[dict[str, object]]] = {}
    for row, (flat, lists) in enumerate(zip(flats, nested, strict=True), start=1):
        parent: dict[str, object] = {"parent_row": row}
        if first is not None:
            parent[f"parent_{first}"] = flat.get(first)
        for field, items in lists.items():
            children.setdefault(field, []).extend({**parent, **item} for item in items)
    table = DataTable(name, tuple(headers), tuple(tuple(flat.get(h) for h in headers) for flat in flats))
    return [table, *_nested_tables(name, children)]


def _nested_tables(stem: str, lists: dict[str, list[dict[str, object]]]) -> list[DataTable]:
    return [table for key, items in lists.items() for table in _records(f"{stem}_{_ascii_name(key)}", items)]


def record_tables(item_no: int, kind: str, results: BaseModel) -> list[DataTable]:
    """Any kind's results, generically, as tables named ``item<NN>_<kind>_<field>`` (ASCII, never
    participant text): each top-level list of records (or of values) a table, records flattened by
    :func:`_records`, and the other top-level fields in ``item<NN>_<kind>`` as field, value rows.
    """
    stem = f"item{item_no:02d}_{_ascii_name(kind)}"
    tables = []
    fields: dict[str, Cell] = {}
    lists: dict[str, list[dict[str, object]]] = {}
    dumped: Mapping[str, object] = results.model_dump(mode="json")
    for field, value in dumped.items():
        if isinstance(value, list) and value and not any(isinstance(one, dict | list) for one in value):
            tables.append(DataTable(f"{stem}_{_ascii_name(field)}", (field,), tuple((one,) for one in value)))
        elif not isinstance(value, list) or value:  # an empty list has no table, and no field either
            _spread(field, value, fields, lists)
    tables += _nested_tables(stem, lists)
    if fields:
        tables.insert(0, DataTable(stem, ("field", "value"), tuple(fields.items())))
    return tables


def data_tables(data: Outcomes) -> list[DataTable]:
    """Every table, in a fixed order: the workshop, attendance, agenda, maturity, then other kinds."""
    tables = [workshop_table(data), attendance_table(data), agenda_table(data)]
    tables += [maturity_table(data), maturity_comments_table(data)]
    for no, item in enumerate(data.items, start=1):
        if item.results is not None and not isinstance(item.results, MaturityResults):
            tables += record_tables(no, item.kind, item.results)
    return tables
