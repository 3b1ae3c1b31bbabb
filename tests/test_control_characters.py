"""One rule for control characters in participant text (workshop/untrusted.py): stored and exported to
JSON exactly; removed wherever people read it: phone pages, the Markdown pack, the terminal (its own test)."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
from sqlmodel import select

from tests.helpers.data import join_code, start_kind
from tests.helpers.web import LiveServer
from workshop import store
from workshop.db import Database
from workshop.exports.files import export_workshop
from workshop.models import Entry, row_id
from workshop.store.entries import add_entry
from workshop.untrusted import UNSAFE

NAME = "Trust\x1b]2;PWNED\x07 \u202eevil\u202c"
STATEMENT = "We \x1b[2J\x1b[Hcleared \x9b2J \x00 done"


def _seed(db: Database, workshop_id: int) -> None:
    item = start_kind(db, workshop_id, "values")
    with db.writing() as session:
        seat = store.join(session, workshop_id)
        add_entry(session, store.get_item(session, row_id(item)), seat, NAME, detail=STATEMENT)
        store.set_entries_shown(session, row_id(item), True)


def test_phone_pages_show_no_control_characters(live_server: LiveServer, workshop_id: int) -> None:
    _seed(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        phone.post(f"/j/{code}", data={})
        page = phone.get(f"/w/{code}").text
    assert "Trust]2;PWNED evil" in page and "We [2J[Hcleared 2J  done" in page
    assert not [ch for ch in page if ord(ch) in UNSAFE]
    with live_server.db.reading() as session:  # what was sent is kept as sent
        assert NAME in {e.text for e in session.exec(select(Entry)).all()}


def _strings(data: object) -> list[str]:
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        data = list(data.values())
    return [s for part in data for s in _strings(part)] if isinstance(data, list) else []


def test_markdown_drops_them_and_json_keeps_them(db: Database, workshop_id: int, tmp_path: Path) -> None:
    _seed(db, workshop_id)
    md_path, json_path = export_workshop(db, workshop_id, tmp_path)
    markdown = md_path.read_text(encoding="utf-8")
    assert "Trust\\]2;PWNED evil" in markdown
    assert not [ch for ch in markdown if ord(ch) in UNSAFE]
    assert any(NAME in s for s in _strings(json.loads(json_path.read_text(encoding="utf-8"))))  # as sent
    raw = json_path.read_text(encoding="utf-8")
    assert "\\u001b]2;PWNED" in raw and "\\u202eevil\\u202c" in raw and "\\u009b2J" in raw  # inert
    assert not [ch for ch in raw if ord(ch) in UNSAFE]  # not one control or bidi character written raw
