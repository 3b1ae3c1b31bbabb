"""How long the facilitator waits on a big workshop: opening it, each live view, the home list, the export.

A workshop with ``--seats`` participants who answered every activity of the shipped template is written
straight through the store (one transaction per activity), then each read the TUI makes is timed.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # workshop is imported once WORKSHOP_HOME is set
    from workshop.db import Database

RUNS = 5


def _time(fn: Callable[[], object], runs: int = RUNS) -> tuple[float, float]:
    """Median and worst of ``runs`` calls, in milliseconds."""
    spent = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        spent.append((time.perf_counter() - start) * 1000)
    return statistics.median(spent), max(spent)


def seed(db: Database, seats: int, rng: random.Random) -> int:
    """A workshop from the template where ``seats`` people answered every activity; returns its id."""
    from sqlmodel import col, select

    from workshop import store, usecases
    from workshop.activities.dots import DotsAnswers
    from workshop.activities.maturity import MatrixAnswers, load_structure
    from workshop.activities.question import AddAnswer
    from workshop.activities.ranking import Ballot
    from workshop.activities.triangle import AddIdea
    from workshop.models import Entry, Organisation, RoleLevel, Seat, row_id
    from workshop.store.entries import add_entry
    from workshop.templates import get_template

    with db.writing() as session:
        wid = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "Big workshop"))
        orgs = session.exec(select(Organisation.id).where(Organisation.workshop_id == wid)).all()
        roles = session.exec(select(RoleLevel.id).where(RoleLevel.workshop_id == wid)).all()
        ids = [row_id(store.join(session, wid, rng.choice(orgs), rng.choice(roles))) for _ in range(seats)]
        items = {item.kind: item for item in reversed(store.agenda(session, wid))}
        structure = load_structure(session, wid)

    def answer(kind: str, answers: Callable[[int], object]) -> None:
        with db.writing() as session:
            store.start_item(session, row_id(items[kind]))
            for n, seat in enumerate(ids):
                usecases.save_response(session, row_id(items[kind]), seat, answers(n))

    answer("question", lambda n: AddAnswer(rng.choice(["Trust", "Slow going", "Hopeful", "Patchy"])))
    with db.writing() as session:
        store.start_item(session, row_id(items["values"]))
        seat_rows = {row_id(s): s for s in session.exec(select(Seat).where(col(Seat.id).in_(ids)))}
        for n, seat in enumerate(ids[: max(1, seats // 10)]):
            value = add_entry(session, items["values"], seat_rows[seat], f"Value {n}", detail="We mean it")
            add_entry(
                session, items["values"], seat_rows[seat], "we will listen", tag="will", parent_id=value.id
            )
        proposed = select(Entry).where(Entry.item_id == items["values"].id, col(Entry.parent_id).is_(None))
        values = [row_id(entry) for entry in session.exec(proposed)]
    answer("dots", lambda n: DotsAnswers({v: 1 for v in rng.sample(list(values), min(3, len(values)))}))
    factors, horizons = structure.factors, structure.horizons
    answer(
        "maturity",
        lambda n: MatrixAnswers(
            {(row_id(f), row_id(h)): rng.choice([1, 2, 3, 4, 5, None]) for f in factors for h in horizons},
            {row_id(factors[0]): "A comment on goals"},
        ),
    )
    with db.reading() as session:
        options = [row_id(e) for e in session.exec(select(Entry).where(Entry.item_id == items["ranking"].id))]
    answer("ranking", lambda n: Ballot(tuple(rng.sample(options, 3))))
    segments, questions = ("civic", "service", "community"), ("a", "b", "c")
    answer("triangle", lambda n: AddIdea(f"Idea {n}", rng.choice(segments), rng.choice(questions)))
    return wid


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.big_workshop", description=__doc__.splitlines()[0]
    )
    parser.add_argument(
        "--seats", type=int, default=1000, help="participants who answered everything (default 1000)"
    )
    args = parser.parse_args(argv)
    folder = Path(tempfile.mkdtemp(prefix="workshop-big-"))
    os.environ["WORKSHOP_HOME"] = str(folder)
    from workshop.db import open_database
    from workshop.exports.files import FORMATS, export_workshop
    from workshop.exports.pack import build_pack
    from workshop.live import load_snapshot
    from workshop.store import agenda

    db = open_database(f"sqlite:///{folder / 'big.sqlite3'}")
    start = time.perf_counter()
    wid = seed(db, args.seats, random.Random(7))
    print(f"Seeded {args.seats} seats answering every activity in {time.perf_counter() - start:.1f} s\n")
    with db.reading() as session:
        items = list(agenda(session, wid))
    print(f"{'What the facilitator waits for':48} {'median':>9} {'worst':>9}")
    rows: list[tuple[str, float, float]] = []
    for item in items:
        rows.append(
            (
                f"live view: {item.kind} ({item.title[:20]})",
                *_time(partial(load_snapshot, db, wid, item.id)),
            )
        )
    rows.append(("home list (every workshop with progress)", *_time(lambda: _rows(db))))

    def pack() -> None:
        with db.reading() as session:
            build_pack(session, wid)

    rows.append(("outcome pack gathered", *_time(pack, 3)))
    with db.reading() as session:
        gathered = build_pack(session, wid)
    for name, fmt in FORMATS.items():
        render = fmt.renderer()  # loaded once first, as the app does: the import is not the format's cost
        rows.append((f"  rendered as {fmt.label} ({name})", *_time(partial(render, gathered), 3)))
    rows.append(
        (
            f"outcome pack written ({', '.join(FORMATS)})",
            *_time(lambda: export_workshop(db, wid, folder / "out", list(FORMATS)), 3),
        )
    )
    for name, median, worst in rows:
        print(f"{name:48} {median:8.1f}ms {worst:8.1f}ms")
    sizes = {p.name.split("-outcomes")[-1]: p.stat().st_size for p in (folder / "out").iterdir()}
    print(f"\nExport sizes: {', '.join(f'{k} {v / 1024:.0f} KiB' for k, v in sorted(sizes.items()))}")
    print("Targets: each live view under 250 ms (the TUI polls 4 times a second), every format under 5 s.")
    slow = [name for name, median, _ in rows if name.startswith("live view") and median > 250]
    slow += [name for name, median, _ in rows if name.startswith("outcome pack written") and median > 5000]
    db.dispose()
    shutil.rmtree(folder, ignore_errors=True)
    if slow:
        print(f"SLOW: {', '.join(slow)}")
    return 1 if slow else 0


def _rows(db: Database) -> None:
    from workshop.store import lifecycle

    with db.reading() as session:
        lifecycle.workshop_rows(session)


if __name__ == "__main__":
    sys.exit(main())
