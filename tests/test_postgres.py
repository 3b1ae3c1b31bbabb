"""The app on a real PostgreSQL server (the run's own, on loopback): schema, phones over HTTP, the writer
under load, two processes' handles at once, and the same numbers as SQLite for the same room."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable

import httpx
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlmodel import Session, SQLModel, col, func, select

from tests.helpers.data import first_of_each_kind, join_code, start
from tests.helpers.export_text import numbers
from tests.helpers.outcome_run import golden_run
from tests.helpers.postgres import Databases
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store, usecases
from workshop.activities.maturity import MatrixAnswers, load_structure
from workshop.db import Database, open_database
from workshop.exports.pack import build_pack, freeze_pack
from workshop.live import load_snapshot
from workshop.migrations import current_revision, head_revision
from workshop.models import Entry, MaturityComment, RankingChoice, Response, Seat, Workshop, row_id
from workshop.store.entries import add_entry
from workshop.templates import get_template
from workshop.usecases.purge import purge_workshop
from workshop.writer import BatchWriter


def _new_workshop(db: Database) -> int:
    with db.writing() as session:
        return row_id(usecases.create_workshop(session, get_template("cyp-integration"), "PG workshop"))


def test_an_empty_database_migrates_to_models_that_match(pg_databases: Databases) -> None:
    server = pg_databases.server
    server.create_database("empty_schema")
    try:
        db = open_database(server.url("empty_schema"))
        assert current_revision(db.write_engine) == head_revision()
        with db.write_engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            diff = compare_metadata(context, SQLModel.metadata)
        db.dispose()
    finally:
        server.drop_database("empty_schema")
    assert diff == [], f"the migrations make another schema on PostgreSQL: {diff}"


def test_phones_join_and_answer_over_http(pg_live_server: LiveServer) -> None:
    db = pg_live_server.db
    workshop_id = _new_workshop(db)
    items = first_of_each_kind(db, workshop_id)
    code = join_code(db, workshop_id)
    with db.reading() as session:
        matrix = load_structure(session, workshop_id)
    awkward = [*[s for s in BLNS if s.strip()][::12][:40], "nul\x00byte", "é" * 60]
    with httpx.Client(base_url=pg_live_server.url, follow_redirects=False, timeout=10) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        big = 2**63 - 1  # a row id to SQLite, beyond PostgreSQL's integer: no row either way
        assert phone.get(f"/w/{code}/items/{big}/saved").status_code == 404
        assert phone.post(f"/w/{code}/items/{big}", data={}).status_code == 404
        assert all(phone.get(f"{where}/{code}%00").status_code < 500 for where in ("/j", "/w"))

        start(db, items["maturity"])
        url = f"/w/{code}/items/{items['maturity'].id}"
        for number, factor in enumerate(matrix.factors, 1):
            form = {"step": str(number), "go": "next", f"c-{factor.key}": awkward[number][:500]}
            form |= {matrix.field_name(factor, h): "3" for h in matrix.horizons}
            assert phone.post(url, data=form).status_code == 303

        start(db, items["values"])
        url = f"/w/{code}/items/{items['values'].id}"
        value = {"action": "add-value", "name": awkward[-1], "statement": awkward[0][:200]}
        sent = phone.post(url, data=value)
        assert sent.status_code in (200, 303), sent.text
        refused = phone.post(url, data={"action": "add-value", "name": "x" * 61, "statement": "Long name"})
        assert refused.status_code == 422  # the form's limit, never the column's error

        start(db, items["ranking"])
        with db.reading() as session:
            listed = select(Entry.id).where(Entry.item_id == items["ranking"].id).order_by(col(Entry.id))
            options = [int(i) for i in session.exec(listed) if i is not None]
        order = ",".join(map(str, options[:3]))
        sent = phone.post(f"/w/{code}/items/{items['ranking'].id}", data={"order": order, "action": "submit"})
        assert sent.status_code == 303, sent.text
    assert pg_live_server.writer.problem is None
    with db.reading() as session:
        comments = {c.text for c in session.exec(select(MaturityComment))}
        ranked = session.exec(select(RankingChoice.entry_id).order_by(col(RankingChoice.position))).all()
        values = {e.text for e in session.exec(select(Entry).where(Entry.item_id == items["values"].id))}
    assert {awkward[n][:500] for n in range(1, len(matrix.factors) + 1)} == comments - {""}
    assert ranked == options[:3] and values == {awkward[-1]}


def test_a_nul_is_dropped_on_both_backends(db: Database, pg_db: Database) -> None:
    for database in (db, pg_db):
        workshop_id = _new_workshop(database)
        item = first_of_each_kind(database, workshop_id)["question"]
        start(database, item)
        with database.writing() as session:
            seat = store.join(session, workshop_id)
            add_entry(session, store.get_item(session, row_id(item)), seat, "a\x00b")
        with database.reading() as session:
            assert session.exec(select(Entry.text).where(Entry.item_id == item.id)).all() == ["ab"]


def _join_and_vote(workshop_id: int, item_id: int) -> Callable[[Session], int]:
    """A write: a new phone joins and rates every factor; returns its seat."""

    def write(session: Session) -> int:
        seat = store.join(session, workshop_id)
        structure = load_structure(session, workshop_id)
        answers: dict[tuple[int, int], int | None] = {
            (row_id(f), row_id(h)): 2 for f in structure.factors for h in structure.horizons
        }
        usecases.save_response(session, item_id, row_id(seat), MatrixAnswers(answers, {}))
        return row_id(seat)

    return write


def _revision_per_write(db: Database) -> int:
    """How much one phone's join-and-vote moves the revision (the same on either backend)."""
    workshop_id = _new_workshop(db)
    item = first_of_each_kind(db, workshop_id)["maturity"]
    start(db, item)
    before = store_revision(db, workshop_id)
    with db.writing() as session:
        _join_and_vote(workshop_id, row_id(item))(session)
    return store_revision(db, workshop_id) - before


def store_revision(db: Database, workshop_id: int) -> int:
    with db.reading() as session:
        return store.revision(session, workshop_id)


def test_the_writer_batches_a_burst_and_loses_nothing(db: Database, pg_db: Database) -> None:
    step = _revision_per_write(db)
    assert _revision_per_write(pg_db) == step
    workshop_id = _new_workshop(pg_db)
    item = first_of_each_kind(pg_db, workshop_id)["maturity"]
    start(pg_db, item)
    before = store_revision(pg_db, workshop_id)
    writer = BatchWriter(pg_db)
    writer.start()

    async def burst() -> list[int]:
        write = _join_and_vote(workshop_id, row_id(item))
        return await asyncio.gather(*(writer.submit(write) for _ in range(150)))

    try:
        seats = asyncio.run(burst())
    finally:
        writer.stop()
    assert len(set(seats)) == 150 and writer.batches < 150  # batched, one savepoint per write
    with pg_db.reading() as session:
        responses = select(func.count()).select_from(Response).where(Response.item_id == item.id)
        assert session.exec(responses).one() == 150
    # The writer moves a workshop's revision once a batch, whatever the batch's writes bumped.
    assert step > 0 and store_revision(pg_db, workshop_id) - before == writer.batches


def test_two_handles_writing_at_once_lose_nothing_and_keep_limits(pg_db: Database) -> None:
    """Two ``Database`` handles stand for two server processes: each write checks and then writes (a seat's
    entry limit), which is only right if writers take turns as they do on SQLite."""
    workshop_id = _new_workshop(pg_db)
    item = first_of_each_kind(pg_db, workshop_id)["question"]
    start(pg_db, item)
    with pg_db.writing() as session:
        seat_id = row_id(store.join(session, workshop_id))
    before = store_revision(pg_db, workshop_id)
    handles = [pg_db, open_database(pg_db.url, upgrade=False)]
    gate = threading.Barrier(8)
    refused: list[int] = []

    def add(handle: Database, n: int) -> None:
        gate.wait()
        for k in range(10):
            try:
                with handle.writing() as session:
                    target = store.get_item(session, row_id(item))
                    seat = session.get(Seat, seat_id)
                    add_entry(session, target, seat, f"idea {n}-{k}", limit=25)
                    store.bump_revision(session, workshop_id)
                    store.join(session, workshop_id)
            except Exception:  # the limit refused it
                refused.append(n)

    threads = [threading.Thread(target=add, args=(handles[n % 2], n)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    handles[1].dispose()
    with pg_db.reading() as session:
        entries = session.exec(select(func.count()).select_from(Entry).where(Entry.seat_id == seat_id)).one()
        seats = session.exec(select(func.count()).select_from(Seat)).one()
    assert (entries, len(refused)) == (25, 80 - 25)
    assert seats == 1 + 25 and store_revision(pg_db, workshop_id) - before >= 25 * 2


def _dumped(value: object) -> object:
    if isinstance(value, SQLModel):
        return value.model_dump()
    if isinstance(value, tuple | list):
        return [_dumped(v) for v in value]
    return value


def _snapshots(db: Database, workshop_id: int) -> list[object]:
    with db.reading() as session:
        items = store.agenda(session, workshop_id)
    views: list[object] = []
    for item in items:
        snapshot = load_snapshot(db, workshop_id, row_id(item))
        views.append([snapshot.revision, _dumped(snapshot.workshop), _dumped(snapshot.items), snapshot.seats])
        views.append([repr(snapshot.summary), repr(snapshot.tally)])
    return views


def _pack(db: Database, workshop_id: int) -> dict[str, object]:
    with db.reading() as session:
        return freeze_pack(build_pack(session, workshop_id))


def test_the_same_room_gives_the_same_numbers_and_purge_keeps_the_pack(
    db: Database, pg_db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    runs = {}
    for name, database in (("sqlite", db), ("postgres", pg_db)):
        workshop_id = golden_run(database, _new_workshop(database), monkeypatch)
        items = first_of_each_kind(database, workshop_id)
        with database.writing() as session:
            store.set_revealed(session, row_id(items["maturity"]), True)
        runs[name] = (workshop_id, _snapshots(database, workshop_id), _pack(database, workshop_id))
    assert runs["postgres"][1] == runs["sqlite"][1]  # every live view, item by item
    pack = runs["postgres"][2]
    pack_sqlite = {**runs["sqlite"][2], "made": pack.get("made")}
    assert {**pack, "made": pack.get("made")} == pack_sqlite

    frozen = {}
    for name, database in (("sqlite", db), ("postgres", pg_db)):
        workshop_id = runs[name][0]
        with database.writing() as session:
            for item in store.agenda(session, workshop_id):
                if item.state == "open":
                    store.close_item(session, row_id(item))
        before = _pack(database, workshop_id)
        with database.writing() as session:
            purge_workshop(session, workshop_id)
        with database.reading() as session:
            assert session.exec(select(func.count()).select_from(Seat)).one() == 0
            assert session.get(Workshop, workshop_id) is not None
        frozen[name] = _pack(database, workshop_id)
        # The room's numbers stay (tests/test_purge.py checks them one by one); its free text goes.
        assert (
            numbers(frozen[name]["data"])["attendance.seats"] == numbers(before["data"])["attendance.seats"]
        )
        assert "Siloed" in json.dumps(before) and "Siloed" not in json.dumps(frozen[name])
    assert frozen["postgres"] == frozen["sqlite"]  # the same purge on either database


def test_a_reader_sees_one_snapshot_whatever_commits_meanwhile(pg_db: Database) -> None:
    with pg_db.writing() as session:
        workshop_id = row_id(usecases.create_workshop(session, get_template("cyp-integration"), "One view"))
    seats = select(func.count()).select_from(Seat).where(Seat.workshop_id == workshop_id)
    with pg_db.reading() as reader:
        assert reader.exec(seats).one() == 0
        with pg_db.writing() as session:  # another process joins a phone meanwhile
            store.join(session, workshop_id)
        # Still the first statement's view, as on SQLite: a page never mixes two commits.
        assert reader.exec(seats).one() == 0
    with pg_db.reading() as reader:
        assert reader.exec(seats).one() == 1
