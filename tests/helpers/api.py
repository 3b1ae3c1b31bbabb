"""The facilitator API's outcome endpoints: a client holding the token, a values item to moderate, what the
export then sees, and a fingerprint of every row the API could change."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlmodel import col, select

from tests.helpers.data import start_kind, token_for
from tests.helpers.web import LiveServer
from workshop import store
from workshop.db import Database
from workshop.exports.pack import build_pack
from workshop.models import AgendaItem, AgreedLevel, Entry, Workshop, row_id
from workshop.store.entries import add_entry


def token_of(db: Database, workshop_id: int) -> str:
    """The workshop's facilitator token: issued on first use, the same on later calls (see token_for)."""
    return token_for(db, workshop_id)


@contextmanager
def api_client(live_server: LiveServer, token: str | None) -> Iterator[httpx.Client]:
    """A client of the live server that sends ``token`` as the facilitator's (none when None)."""
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    with httpx.Client(base_url=live_server.url, headers=headers, timeout=30) as client:
        yield client


def seed_values(db: Database, workshop_id: int) -> dict[str, int]:
    """The values item started: "Trust" (with "Keep promises"), "Trusting" (with "Share data"), "Care"."""
    item = start_kind(db, workshop_id, "values")
    with db.writing() as session:
        a, b = store.join(session, workshop_id), store.join(session, workshop_id)
        trust = add_entry(session, item, a, "Trust", detail="We trust each other")
        trusting = add_entry(session, item, b, "Trusting", detail="Trust first")
        care = add_entry(session, item, b, "Care")
        keep = add_entry(session, item, a, "Keep promises", tag="will", parent_id=trust.id)
        share = add_entry(session, item, b, "Share data", tag="will", parent_id=trusting.id)
        entries = {"trust": trust, "trusting": trusting, "care": care, "keep": keep, "share": share}
        return {"item": row_id(item), **{name: row_id(entry) for name, entry in entries.items()}}


def item_id_of(db: Database, workshop_id: int, kind: str) -> int:
    """The id of the workshop's first item of ``kind``."""
    with db.reading() as session:
        return row_id(next(i for i in store.agenda(session, workshop_id) if i.kind == kind))


def results_of(db: Database, workshop_id: int, item_id: int) -> dict[str, Any]:
    """The item's results in the outcome pack's data, as the exports read them."""
    with db.reading() as session:
        pack = build_pack(session, workshop_id)
        title = session.get(AgendaItem, item_id)
    assert title is not None
    found = [i for i in pack.data.items if i.title == title.title]
    assert len(found) == 1 and found[0].results is not None, title.title
    return found[0].results.model_dump(mode="json")


def fingerprint(db: Database) -> tuple[object, ...]:
    """Every entry, agreed level and workshop revision: what any outcome endpoint could change."""
    with db.reading() as session:
        entries = session.exec(select(Entry).order_by(col(Entry.id))).all()
        levels = session.exec(select(AgreedLevel).order_by(col(AgreedLevel.id))).all()
        revisions = session.exec(select(Workshop.id, Workshop.revision).order_by(col(Workshop.id))).all()
        return (
            tuple(sorted(e.model_dump().items()) for e in entries),
            tuple(sorted(level.model_dump().items()) for level in levels),
            tuple(revisions),
        )
