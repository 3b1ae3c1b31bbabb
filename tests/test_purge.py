"""Purging a workshop's answers: the outcome pack keeps its numbers, seats, ballots and free text go, what
the room agreed stays; refusals are clear, purging twice is harmless; the retention reminder."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from contextlib import closing
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlalchemy.engine import make_url
from sqlmodel import SQLModel, select

from tests.helpers.actions import agree, lead
from tests.helpers.actions import items as ranking_and_actions
from tests.helpers.data import activity, first_of_each_kind, new_seat, save, start, start_kind
from tests.helpers.export_text import export_text, numbers
from tests.helpers.snapshots import fixed_home
from tests.helpers.token_scan import columns_holding, file_holds
from tests.helpers.tui import screen_text, wait_for_text
from workshop import store, usecases
from workshop.activities.actions import ActionsActivity, AddAction
from workshop.activities.question import AddAnswer
from workshop.cli import main
from workshop.db import Database
from workshop.exports.files import FORMATS, export_workshop
from workshop.models import (
    AgreedLevel,
    Dot,
    Entry,
    MaturityComment,
    MaturityRating,
    PurgedPack,
    RankingChoice,
    Response,
    Seat,
    Workshop,
    row_id,
)
from workshop.retention import retention_notes, retention_reminder
from workshop.store.purge import PurgeRefused
from workshop.usecases.purge import purge_workshop


def _rows(db: Database, model: type[SQLModel]) -> int:
    with db.reading() as session:
        return session.exec(select(func.count()).select_from(model)).one()


def _agree_and_act(db: Database, workshop_id: int) -> None:
    """An agreed priority, a confirmed action and a participant's proposed action never confirmed."""
    ranking, actions = ranking_and_actions(db, workshop_id)
    agreed = agree(db, ranking, 1)
    police = lead(db, workshop_id, next(n for n in _org_names(db, workshop_id) if "olice" in n))
    start(db, actions)
    with db.writing() as session:
        activity("actions", ActionsActivity).add_confirmed(
            session, row_id(actions), AddAction("Open two Family Hubs", police, "2027-03", agreed[0][0])
        )
    save(db, actions, new_seat(db, workshop_id), AddAction("Name and shame Mr Smith", police, "2027-01"))


def _org_names(db: Database, workshop_id: int) -> list[str]:
    with db.reading() as session:
        return [o.name for o in store.organisations(session, workshop_id)]


def _close_all(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        for item in store.agenda(session, workshop_id):
            if item.state == "open":
                store.close_item(session, row_id(item))


def _export(
    db: Database, workshop_id: int, folder: Path, formats: tuple[str, ...] = ("md", "json")
) -> dict[str, str]:
    """Each format's text by its file's suffix (".md", ".csv.zip")."""
    written = export_workshop(db, workshop_id, folder, formats=formats)
    return {path.name.split("-outcomes", 1)[1]: export_text(path) for path in written}


# Participants' words the room never agreed, in the scripted workshop (tests/helpers/outcome_run.py): a
# word or phrase of each, in no template's text, that no format escapes. "Trust" is left out: the room
# agreed the value of that name, and the agreed value stays.
NOT_AGREED = (
    *("Slow", "Siloed", "Trust growing", "nor a cell"),  # question answers
    *("Openness", "unfinished", "Courage", "hard things"),  # values proposed, not agreed
    *("keep our promises", "blame another agency", "share data by default"),  # behaviours
    "unclear",  # the maturity matrix's comment
    *("Parent champions", "One front door", "Family-friendly", "Peer support"),  # the triangle's ideas
)
# A word counted in the answers (the maturity matrix's descriptors say it too, so only the exports lack it).
COUNTED = "growing"
PURGED = "data was purged on"  # no apostrophe: HTML writes one as &#39;


@pytest.mark.pack  # it writes every format, before and after
def test_purge_keeps_the_numbers_drops_the_free_text_and_deletes_the_answers(
    db: Database, golden_workshop: int, tmp_path: Path
) -> None:
    _agree_and_act(db, golden_workshop)
    _close_all(db, golden_workshop)
    before = _export(db, golden_workshop, tmp_path / "before", tuple(FORMATS))
    for secret in (*NOT_AGREED, COUNTED):  # the checks below can fail: each is in the pack before
        assert any(secret in text for text in before.values()), secret
    assert _rows(db, Seat) == 14 and _rows(db, MaturityRating) > 0 and _rows(db, Dot) > 0
    assert _rows(db, RankingChoice) > 0 and _rows(db, MaturityComment) == 1
    with db.writing() as session:
        report = purge_workshop(session, golden_workshop)

    after = _export(db, golden_workshop, tmp_path / "after", tuple(FORMATS))  # charts and tables too
    assert after.keys() == before.keys() == {f.suffix for f in FORMATS.values()}
    for name, text in after.items():
        assert not [secret for secret in (*NOT_AGREED, COUNTED) if secret in text], name
        assert "Mr Smith" not in text  # the action never confirmed was never in the pack
    for secret in (*NOT_AGREED, "Mr Smith"):  # nor in any row, the frozen pack included
        assert columns_holding(db, secret) == [], secret
    # What the room agreed keeps its words; the numbers are the room's, to the last count and median.
    agreed = ("We trust each other's judgement", "Open two Family Hubs", "Plans exist but are not shared")
    assert [words for words in agreed if words not in after[".md"]] == []
    old, new = json.loads(before[".json"]), json.loads(after[".json"])
    assert new.pop("purged")["note"].startswith("This workshop's answers were purged on")
    counted = numbers(old)  # but for the words counted in the answers, which were theirs too
    assert numbers(new) == {path: n for path, n in counted.items() if ".words." not in path} | {
        path: 0 for path in counted if path.endswith(".words#")
    }
    for document in (".md", ".html", ".docx", ".xlsx"):  # and each item says what went, in words
        assert PURGED in after[document], document
    assert "14 answers: their text was deleted" in after[".md"] and "1 comment: its text" in after[".md"]
    assert "14 answers from 13 people" in after[".md"] and "14 answers from 13 people" in before[".md"]
    for model in (Seat, Response, MaturityRating, MaturityComment, Dot, RankingChoice):
        assert _rows(db, model) == 0, model.__name__
    assert report.first_time and report.counts.deleted["seats"] == 14
    assert report.counts.deleted["maturity comments"] == 1
    with db.reading() as session:
        kept = session.exec(select(Entry)).all()
        assert _rows(db, AgreedLevel) == 1 and report.counts.kept["agreed levels"] == 1
    texts = {e.text for e in kept}
    # Agreed: the value Trust (and it only), the first ranking option, the confirmed action.
    assert "Trust" in texts and "Open two Family Hubs" in texts
    assert not {"Openness", "Courage", "Name and shame Mr Smith", "Parent champions in every hub"} & texts
    assert not {"Siloed", "Slow", "keep our promises"} & texts  # answers and behaviours not agreed
    assert all(e.seat_id is None and e.original_text is None for e in kept)
    assert all(e.agreed_position is not None or e.status == "approved" for e in kept)


def test_purging_twice_is_harmless(db: Database, golden_workshop: int, tmp_path: Path) -> None:
    _close_all(db, golden_workshop)
    with db.writing() as session:
        first = purge_workshop(session, golden_workshop)
    frozen_once = _export(db, golden_workshop, tmp_path / "once")
    with db.writing() as session:
        again = purge_workshop(session, golden_workshop)
        frozen = session.get(PurgedPack, golden_workshop)
    assert not again.first_time and again.purged_at == first.purged_at and frozen is not None
    assert not any(again.counts.deleted.values())
    assert _export(db, golden_workshop, tmp_path / "twice") == frozen_once
    assert _rows(db, PurgedPack) == 1
    with db.writing() as session:  # and a purged workshop can still be deleted, its frozen pack with it
        usecases.delete_workshop(session, golden_workshop)
    assert _rows(db, PurgedPack) == 0 and _rows(db, Workshop) == 0


def test_a_purged_workshop_neither_reopens_nor_gets_a_follow_up(db: Database, workshop_id: int) -> None:
    """New answers would count nowhere (the pack is frozen), and a follow-up would have no ratings to meet."""
    with db.writing() as session:
        purge_workshop(session, workshop_id)
        first = store.agenda(session, workshop_id)[0]
    with db.writing() as session, pytest.raises(store.AgendaError, match="purged, so its items cannot open"):
        store.start_item(session, row_id(first))
    with db.writing() as session, pytest.raises(store.AgendaError, match="nothing to compare"):
        usecases.create_follow_up(session, workshop_id, "A year on")
    with db.reading() as session:
        assert store.get_workshop(session, workshop_id).current_item_id is None


def test_purge_refuses_an_open_item_and_an_unknown_id(db: Database, workshop_id: int) -> None:
    items = first_of_each_kind(db, workshop_id)
    start(db, items["question"])
    new_seat(db, workshop_id)
    with db.writing() as session, pytest.raises(PurgeRefused, match=r"open item .*Close it"):
        purge_workshop(session, workshop_id)
    assert _rows(db, Seat) == 1 and _rows(db, PurgedPack) == 0
    with db.writing() as session, pytest.raises(store.WorkshopNotFound):
        purge_workshop(session, 999)


def test_purge_refuses_a_baseline_its_follow_up_still_compares_with(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        follow_up = row_id(usecases.create_follow_up(session, workshop_id, "A year on"))
    with db.writing() as session, pytest.raises(PurgeRefused, match=f"baseline of follow-up {follow_up}"):
        purge_workshop(session, workshop_id)
    with db.writing() as session:  # once the follow-up's own pack is frozen, the baseline may go too
        purge_workshop(session, follow_up)
    with db.writing() as session:
        assert purge_workshop(session, workshop_id).first_time


def test_cli_purge_asks_and_says_what_it_did(
    db: Database, workshop_id: int, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = str(db.write_engine.url)
    new_seat(db, workshop_id)
    monkeypatch.setattr("builtins.input", lambda prompt: "n")
    assert main(["purge", str(workshop_id), "--db", url]) == 1
    assert "Nothing purged" in capsys.readouterr().out and _rows(db, Seat) == 1
    monkeypatch.setattr("builtins.input", lambda prompt: "yes")
    assert main(["purge", str(workshop_id), "--db", url]) == 0
    out = capsys.readouterr().out
    assert f"Purged workshop {workshop_id}" in out and "seats: 1\n" in out and "outcome pack, frozen" in out
    assert _rows(db, Seat) == 0
    assert main(["purge", str(workshop_id), "--db", url, "--yes"]) == 0
    assert "Nothing was left to delete" in capsys.readouterr().out
    assert main(["purge", "999", "--db", url, "--yes"]) == 2
    assert "no workshop with id 999 (see 'workshop list')" in capsys.readouterr().err


@pytest.mark.slow  # a subprocess per case
def test_cli_purge_in_a_real_process(db: Database, workshop_id: int) -> None:
    start(db, first_of_each_kind(db, workshop_id)["question"])
    command = [sys.executable, "-m", "workshop", "purge", str(workshop_id), "--yes"]
    url = str(db.write_engine.url)
    refused = subprocess.run([*command, "--db", url], capture_output=True, text=True, timeout=60)
    assert refused.returncode == 2 and "has an open item" in refused.stderr
    # Without --yes and no one to answer, nothing is purged.
    _close_all(db, workshop_id)
    quiet = subprocess.run(
        [*command[:-1], "--db", url], capture_output=True, text=True, timeout=60, stdin=subprocess.DEVNULL
    )
    assert quiet.returncode == 1 and _rows(db, PurgedPack) == 0
    done = subprocess.run([*command, "--db", url], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Deleted:" in done.stdout or "Nothing was left to delete" in done.stdout
    assert _rows(db, PurgedPack) == 1


def test_retention_reminder_in_words() -> None:
    made = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)
    assert retention_reminder(4, made, 90, purged=False, today=date(2026, 4, 9)) is None
    assert retention_reminder(4, made, 90, purged=False, today=date(2026, 4, 10)) == (
        "answers kept 90 days after the workshop: purge due on 10 April 2026 (workshop purge 4)"
    )
    assert retention_reminder(4, made, 90, purged=True, today=date(2027, 1, 1)) is None


def test_workshop_list_reminds_and_says_when_purged(
    db: Database, workshop_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.writing() as session:
        workshop = session.get(Workshop, workshop_id)
        assert workshop is not None
        workshop.created_at, workshop.retention_days = datetime(2025, 1, 1, tzinfo=UTC), 30
        session.add(workshop)
    url = str(db.write_engine.url)
    assert main(["list", "--db", url]) == 0
    due = f"purge due on 31 January 2025 (workshop purge {workshop_id})"
    expected = f"answers kept 30 days after the workshop: {due}"
    assert expected in capsys.readouterr().out
    assert main(["purge", str(workshop_id), "--db", url, "--yes"]) == 0
    capsys.readouterr()
    assert main(["list", "--db", url]) == 0
    out = capsys.readouterr().out
    assert "purge due" not in out and "answers purged on" in out
    with db.reading() as session:
        assert "answers purged on" in retention_notes(session, today=date(2030, 1, 1))[workshop_id]


@pytest.mark.tui
async def test_home_detail_says_when_a_purge_is_due(db: Database, workshop_id: int) -> None:
    app = fixed_home(db, workshop_id)  # the clock stopped on 23 November 2026
    async with app.run_test(size=(120, 30)) as pilot:
        await wait_for_text(pilot, app, "Follow-up: Test workshop, 2027")
        assert "purge due" not in "\n".join(screen_text(app))  # the follow-up is not due until 2027
        await pilot.press("down")  # the baseline, made on 12 March 2026
        await wait_for_text(pilot, app, "Answers kept 90 days after the workshop: purge due on 10 June 2026")


def test_purged_free_text_leaves_no_trace_in_the_file(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "question")
    secret = "Ms Jones of 4 Elm St: son hurt"  # what must never outlive a purge
    save(db, item, new_seat(db, workshop_id), AddAnswer(secret))
    _checkpoint(db)  # into the main file, as SQLite does on its own from time to time
    assert file_holds(db, secret)
    _close_all(db, workshop_id)
    with db.writing() as session:
        purge_workshop(session, workshop_id)
    _checkpoint(db)
    # Deleted, and overwritten where it lay (SQLite's secure_delete), in the file and its log.
    assert not file_holds(db, secret)


def _checkpoint(db: Database) -> None:
    """Move everything in the write-ahead log into the database file, and empty the log."""
    db.dispose()  # no pooled connection holds a snapshot the checkpoint would have to keep
    path = make_url(db.url).database
    assert path
    with closing(sqlite3.connect(path)) as connection:
        busy, _, _ = connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    assert busy == 0
