"""A big room (issue 8): 1,150 people rate the maturity matrix, and every count in the live table, the
breakdown and the projector stays readable, in a compact form once it reaches 1,000."""

from __future__ import annotations

import contextlib
import io
import re
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.pilot import Pilot

from screens.app import WorkshopApp
from screens.projector import ProjectorScreen
from tests.helpers.snapshots import SIZES, Snap, fixed_app, open_item, settled
from tests.helpers.tui import current, wait_for
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database, open_database
from workshop.models import row_id
from workshop.templates import get_template
from workshop.wording import compact_count

SEATS = 1150
SHOWN = "1150 of 1150 joined answered"


def rating(seat: int, factor: int) -> int | None:
    """Seat ``seat``'s rating of the factor at position ``factor``, the same at every horizon."""
    pattern = factor % 4
    if pattern == 3:
        return 4  # all 1,150 at one level
    if seat >= 1000:
        return None  # 150 don't know
    if pattern == 0:
        return 1 if seat < 600 else 5  # 600 and 400: the room is split
    if pattern == 1:
        return 3  # 1,000 at one level
    return 1 if seat < 7 else 2 if seat < 70 else 3 if seat < 500 else 4  # one to three digits


# The count cells (levels 1 to 5, then don't know) each pattern above should show.
CELLS = {
    0: ["600", "·", "·", "·", "400", "150"],
    1: ["·", "·", "1.0k", "·", "·", "150"],
    2: ["7", "63", "430", "500", "·", "150"],
    3: ["·", "·", "·", "1.1k", "·", "·"],
}


# The formatter ---------------------------------------------------------------------------------------

SUFFIX = {"k": 10**3, "M": 10**6}


def counted(cell: str) -> tuple[int, int]:
    """The range of counts a cell claims, lowest and highest, read as a person reads it."""
    if "e" in cell:
        digit, power = cell.split("e")
        return int(digit) * 10 ** int(power), (int(digit) + 1) * 10 ** int(power) - 1
    number, scale = (cell[:-1], SUFFIX[cell[-1]]) if cell[-1] in SUFFIX else (cell, 1)
    step = scale // 10 if "." in number else scale  # the place of the last digit shown
    low = round(float(number) * scale)
    return low, low + step - 1


def interesting() -> Iterator[int]:
    """Every count to 20,000, then each side of every power of ten and of its multiples to 2**63."""
    yield from range(20_001)
    for power in range(4, 19):
        for multiple in range(1, 10):
            yield from (multiple * 10**power - 1, multiple * 10**power, multiple * 10**power + 1)
    yield 2**63 - 1


def test_compact_count_fits_four_cells_and_never_overstates() -> None:
    previous = -1
    for n in sorted(set(interesting())):
        cell = compact_count(n)
        assert len(cell) <= 4, (n, cell)
        low, high = counted(cell)
        # The cell's range holds n: no reader takes 1,999 for two thousand, or 12,000 for 1,200.
        assert low <= n <= high, (n, cell)
        assert n >= 1000 or cell == str(n)  # exact while it fits
        assert low >= previous  # a bigger count never reads as a smaller one
        previous = low
    assert [compact_count(n) for n in (999, 1000, 1150, 9999, 10_000, 999_999, 10**6)] == [
        "999",
        "1.0k",
        "1.1k",
        "9.9k",
        "10k",
        "999k",
        "1.0M",
    ]
    with pytest.raises(ValueError, match="negative"):
        compact_count(-1)


# The room --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A database where 1,150 seats rated the open matrix, made once: each test works on a copy."""
    folder = tmp_path_factory.mktemp("big-room")
    path = folder / "seeded.sqlite3"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("WORKSHOP_HOME", str(folder / "home"))  # only the shipped templates
        database = open_database(f"sqlite:///{path}")
        with database.writing() as session:
            workshop_id = usecases.create_workshop(
                session, get_template("cyp-integration"), "Test workshop"
            ).id
        assert workshop_id is not None
        item_id = open_item(database, workshop_id, "maturity")
        with database.writing() as session:  # one transaction for the whole room
            structure = load_structure(session, workshop_id)
            for number in range(SEATS):
                seat = store.join(session, workshop_id)
                ratings = {
                    (row_id(factor), row_id(horizon)): rating(number, position)
                    for position, factor in enumerate(structure.factors)
                    for horizon in structure.horizons
                }
                usecases.save_response(session, item_id, row_id(seat), MatrixAnswers(ratings, {}))
        database.dispose()
    return path, workshop_id


@pytest.fixture
def room(seeded: tuple[Path, int], tmp_path: Path) -> Iterator[tuple[Database, int]]:
    source, workshop_id = seeded
    copy = tmp_path / "room.sqlite3"
    with sqlite3.connect(source) as old, sqlite3.connect(copy) as new:
        old.backup(new)
    old.close()
    new.close()
    database = open_database(f"sqlite:///{copy}")
    yield database, workshop_id
    database.dispose()


def screen_rows(app: WorkshopApp) -> list[str]:
    """The screen's rows of text, spaces kept, as the terminal would draw them."""
    console = Console(width=app.size.width, file=io.StringIO(), record=True, legacy_windows=False)
    console.print(app.screen._compositor.render_update(full=True, screen_stack=app._background_screens))
    return console.export_text().splitlines()


def count_cells(rows: list[str]) -> list[list[str]]:
    """The count cells (levels, then don't know) of each factor's row under the table's header, read from
    the right, where Agree is two words and Mid one: the factor's name may be cut short, the counts never."""
    header = next((i for i, row in enumerate(rows) if re.search(r"Factor .* Mid Agree", row)), None)
    if header is None:  # not drawn yet (a screen being pushed, a slow machine)
        return []
    return [row.split()[-9:-3] for row in rows[header + 1 : header + 10]]


async def check_counts(pilot: Pilot[Any], app: WorkshopApp) -> None:
    wanted = [CELLS[position % 4] for position in range(9)]
    with contextlib.suppress(AssertionError):  # the screen may take a few frames to settle
        await wait_for(pilot, lambda: count_cells(screen_rows(app)) == wanted)
    rows = screen_rows(app)
    assert not any("…" in cell for row in count_cells(rows) for cell in row), "\n".join(rows)
    assert count_cells(rows) == wanted, "\n".join(rows)


@pytest.mark.tui
@SIZES
async def test_big_room_counts_stay_readable(room: tuple[Database, int], size: tuple[int, int]) -> None:
    db, workshop_id = room
    app = fixed_app(db, workshop_id)
    async with app.run_test(size=size) as pilot:
        await wait_for(pilot, lambda: any(SHOWN in row for row in screen_rows(app)))
        await check_counts(pilot, app)
        # By organisation: nobody said one, so one group of 1,150.
        await pilot.press("b")
        await wait_for(pilot, lambda: any("By organisation" in row for row in screen_rows(app)))
        await wait_for(pilot, lambda: any("Not said" in row for row in screen_rows(app)))
        groups = [row.split("Not said", 1)[1].split() for row in screen_rows(app) if "Not said" in row]
        assert groups and all(words[0] == "1.1k" for words in groups), groups  # as many as fit
        await pilot.press("b", "b")  # back to the whole room for the projector
        await pilot.press("v")  # reveal: the projector shows results only once revealed
        await wait_for(pilot, lambda: current(app).revealed)
        app.join_url = "http://192.168.1.10:8000/j/K7QX3M"  # as if serving: the QR code takes room too
        await pilot.press("p")
        await wait_for(pilot, lambda: isinstance(app.screen, ProjectorScreen))
        await check_counts(pilot, app)


@pytest.mark.tui
@SIZES
def test_snapshot_big_room_matrix(
    snap_compare: Snap, room: tuple[Database, int], size: tuple[int, int]
) -> None:
    db, workshop_id = room
    shown = settled(SHOWN, "Staff motivation", "1.1k")
    assert snap_compare(fixed_app(db, workshop_id), terminal_size=size, run_before=shown)
