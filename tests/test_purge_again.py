"""What a purge keeps of texts other items take from a ranking (the triangle's priority, the priority an
action serves), and purging again a workshop whose pack an earlier version froze with free text in it."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from tests.helpers.actions import items as ranking_and_actions
from tests.helpers.actions import lead
from tests.helpers.data import activity, first_of_each_kind, new_seat, save, start
from tests.helpers.export_text import export_text, numbers
from tests.helpers.token_scan import columns_holding
from workshop import store
from workshop.activities import get_activity
from workshop.activities.actions import ActionsActivity, AddAction
from workshop.activities.ranking import Ballot, Proposal
from workshop.cli import main
from workshop.db import Database
from workshop.exports.files import FORMATS, export_workshop
from workshop.exports.pack import build_pack, freeze_pack
from workshop.models import EntryStatus, Organisation, PurgedPack, row_id, utcnow
from workshop.store.moderation import set_agreed_order
from workshop.store.purge import delete_answers, keep_pack
from workshop.usecases.purge import purge_tables, purge_workshop
from workshop.usecases.rescrub import rescrub

PROPOSAL = "Ask Mrs Patel at number 9 to run it"  # a participant's words that lead the ranking


def _export(db: Database, workshop_id: int, folder: Path) -> dict[str, str]:
    """Every format's text by its file's suffix (".md", ".csv.zip")."""
    written = export_workshop(db, workshop_id, folder, formats=tuple(FORMATS))
    return {path.name.split("-outcomes", 1)[1]: export_text(path) for path in written}


def _close_all(db: Database, workshop_id: int) -> None:
    with db.writing() as session:
        for item in store.agenda(session, workshop_id):
            if item.state == "open":
                store.close_item(session, row_id(item))


def _results(text: str, kind: str) -> Any:
    """The JSON export's results of the first item of ``kind`` (JSON data, read as such)."""
    return next(i for i in json.loads(text)["items"] if i["kind"] == kind)["results"]


def _proposal_leads_and_an_action_serves_it(db: Database, workshop_id: int, *, agreed: bool) -> None:
    """A participant's proposal, approved, ranked first by the room and agreed; a confirmed action serves
    it. Unless ``agreed``, the facilitator then agrees another priority instead of it."""
    ranking, actions = ranking_and_actions(db, workshop_id)
    start(db, ranking)
    save(db, ranking, new_seat(db, workshop_id), Proposal(PROPOSAL))
    with db.writing() as session:
        options = store.entries.entries(session, row_id(ranking))
        proposal = next(row_id(e) for e in options if e.text == PROPOSAL)
        store.entries.set_entry_status(session, proposal, EntryStatus.APPROVED)
        others = [row_id(e) for e in options if e.seat_id is None][:2]
    for _ in range(2):
        save(db, ranking, new_seat(db, workshop_id), Ballot((proposal, *others)))
    with db.writing() as session:
        set_agreed_order(session, row_id(ranking), [proposal])
        names = session.exec(select(Organisation.name).where(Organisation.workshop_id == workshop_id)).all()
    police = lead(db, workshop_id, next(name for name in names if "olice" in name))
    start(db, actions)
    with db.writing() as session:
        activity("actions", ActionsActivity).add_confirmed(
            session, row_id(actions), AddAction("Open two Family Hubs", police, "2027-03", proposal)
        )
        if not agreed:
            set_agreed_order(session, row_id(ranking), others[:1])
    start(db, first_of_each_kind(db, workshop_id)["triangle"])  # its priority: the ranking's leader
    _close_all(db, workshop_id)


@pytest.mark.pack  # it writes every format, before and after
def test_a_priority_the_room_did_not_agree_goes_from_the_triangle_and_the_actions(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    _proposal_leads_and_an_action_serves_it(db, workshop_id, agreed=False)
    before = _export(db, workshop_id, tmp_path / "before")
    assert _results(before[".json"], "triangle")["priority"] == PROPOSAL  # the checks below can fail
    assert _results(before[".json"], "actions")["actions"][0]["priority"] == PROPOSAL
    with db.writing() as session:
        purge_workshop(session, workshop_id)

    after = _export(db, workshop_id, tmp_path / "after")
    for name, text in after.items():
        assert PROPOSAL not in text and "Mrs Patel" not in text, name
    assert columns_holding(db, "Mrs Patel") == []  # nor in any row, the frozen pack included
    triangle, actions = _results(after[".json"], "triangle"), _results(after[".json"], "actions")
    assert triangle["priority"] == "Priority (text deleted)"
    action = actions["actions"][0]
    assert (action["what"], action["priority"]) == ("Open two Family Hubs", "Priority 1 (text deleted)")
    assert "1 priority from a ranking option not agreed: its text was deleted" in after[".md"]
    assert "1 priority not agreed: its text was deleted" in after[".md"]
    old, new = json.loads(before[".json"]), json.loads(after[".json"])
    new.pop("purged")
    assert numbers(new) == numbers(old)  # every count, place and row stays


def test_an_agreed_proposal_keeps_its_words_everywhere(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    _proposal_leads_and_an_action_serves_it(db, workshop_id, agreed=True)
    with db.writing() as session:
        purge_workshop(session, workshop_id)
    after = _export(db, workshop_id, tmp_path)
    assert _results(after[".json"], "triangle")["priority"] == PROPOSAL
    assert _results(after[".json"], "actions")["actions"][0]["priority"] == PROPOSAL
    assert _results(after[".json"], "ranking")["agreed"] == [PROPOSAL]


# Participants' words the scripted workshop's room never agreed (tests/helpers/outcome_run.py), of each kind
# that keeps some: answers, values and behaviours proposed, the matrix's comment, the triangle's ideas.
NOT_AGREED = ("Siloed", "Openness", "keep our promises", "unclear", "Parent champions", "One front door")


def _freeze_the_old_way(db: Database, workshop_id: int) -> None:
    """Purge as the first version did: the pack frozen as it was, free text and all, then the deletes."""
    with db.writing() as session:
        agreed = {
            entry
            for item in store.agenda(session, workshop_id)
            for entry in get_activity(item.kind).agreed_entries(session, item)
        }
        keep_pack(session, workshop_id, freeze_pack(build_pack(session, workshop_id)), utcnow())
        delete_answers(session, workshop_id, *purge_tables(), agreed)


@pytest.mark.pack  # it writes every format, before and after
def test_purging_again_scrubs_a_pack_an_earlier_version_froze(
    db: Database, golden_workshop: int, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _close_all(db, golden_workshop)
    _freeze_the_old_way(db, golden_workshop)
    before = _export(db, golden_workshop, tmp_path / "before")
    for secret in NOT_AGREED:  # the checks below can fail: the old pack still says each
        assert any(secret in text for text in before.values()), secret
        assert columns_holding(db, secret) == ["purgedpack.pack"], secret

    url = str(db.write_engine.url)
    assert main(["purge", str(golden_workshop), "--db", url, "--yes"]) == 0
    out = capsys.readouterr().out
    assert "was scrubbed again by today's rules: " in out and "nobody agreed replaced by stand-ins" in out

    after = _export(db, golden_workshop, tmp_path / "after")
    for name, text in after.items():
        assert not [secret for secret in NOT_AGREED if secret in text], name
    for secret in NOT_AGREED:
        assert columns_holding(db, secret) == [], secret
    assert "We trust each other's judgement" in after[".md"]  # what the room agreed keeps its words
    assert (
        "Answer 1 (text deleted)" in after[".md"]
        and "texts not agreed: their text was deleted" in after[".md"]
    )
    old, new = json.loads(before[".json"]), json.loads(after[".json"])
    assert old.pop("purged", None) is None and new.pop("purged")["note"].startswith("This workshop's answers")
    assert numbers(new) == numbers(old)  # every count, place and row stays

    with db.reading() as session:
        scrubbed = session.get(PurgedPack, golden_workshop)
        assert scrubbed is not None
        once = scrubbed.pack
    assert main(["purge", str(golden_workshop), "--db", url, "--yes"]) == 0  # and again: nothing changes
    assert "scrubbed again" not in capsys.readouterr().out
    with db.reading() as session:
        again = session.get(PurgedPack, golden_workshop)
        assert again is not None and again.pack == once


def test_a_re_scrub_leaves_the_packs_own_words_and_replaces_quoted_answers() -> None:
    """Short answers go only where a string is that answer whole; a longer one also where a sentence
    quotes it; a kept title that contains an answer stays whole."""
    long_answer = "Ask the school nurse first"
    results = {"answers": ["more", "Housing", long_answer, "Kept words"], "words": []}
    blocks = [
        {"type": "heading", "text": "Housing and more"},  # the item's title
        {"type": "paragraph", "text": "12 answers, more than last time."},
        {"type": "paragraph", "text": f"One said: {long_answer}."},
        {"type": "bullets", "items": ["more", "Housing", long_answer, "Kept words"]},
    ]
    pack = {"data": {"items": [{"kind": "question", "results": results}]}, "items": [{"blocks": blocks}]}
    scrubbed, gone = rescrub(pack, {"Housing and more", "Kept words"}, date(2026, 11, 30))
    texts = scrubbed["items"][0]["blocks"]
    assert gone == 3
    assert texts[0]["text"] == "Housing and more"
    assert texts[1]["text"] == "12 answers, more than last time."
    assert long_answer not in json.dumps(scrubbed)
    assert texts[2]["text"] == "One said: Answer 3 (text deleted)."
    assert texts[3]["items"] == [
        "Answer 1 (text deleted)", "Answer 2 (text deleted)", "Answer 3 (text deleted)", "Kept words"
    ]  # fmt: skip
    assert scrubbed["data"]["items"][0]["results"]["answers"] == texts[3]["items"]
