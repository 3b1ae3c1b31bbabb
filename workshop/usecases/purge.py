"""Purging a workshop's answers: the outcome pack is frozen first, then each kind's answer tables, the
participants' entries not agreed, the responses and the seats go (``workshop purge``).

What stays: the frozen pack (so every export still gives the same numbers, but none of the free text the
purge deletes: each kind's ``without_free_text`` leaves it out), what the room agreed (values,
behaviours, priorities and maturity levels with an agreed place, confirmed actions), the agenda with the
facilitator's notes, and the workshop's copy of its template's content.

Purging again deletes anything added since and scrubs a pack frozen by older rules again by today's
(:mod:`workshop.usecases.rescrub`); a pack frozen by today's rules stays exactly as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, SQLModel

from workshop.activities import KINDS, get_activity, kind_tables
from workshop.activities.base import TextPurge
from workshop.exports.pack import build_pack, freeze_pack
from workshop.models import utcnow
from workshop.store import agenda, bump_revision
from workshop.store.purge import (
    PurgeCounts,
    check_purgeable,
    delete_answers,
    keep_pack,
    kept_entries,
    kept_texts,
    purged_pack,
    replace_pack,
)
from workshop.usecases.rescrub import RULES, rescrub


@dataclass(frozen=True)
class PurgeReport:
    """What a purge did: when the pack was frozen, whether by this purge, and the rows deleted and kept."""

    workshop_id: int
    title: str
    purged_at: datetime
    first_time: bool
    counts: PurgeCounts
    # Purging again a pack frozen by older rules: the texts nobody agreed it still held, now stand-ins.
    # None when the pack was frozen by today's rules (this purge froze it, or one since they last changed).
    rescrubbed: int | None = None


def purge_tables() -> tuple[list[type[SQLModel]], list[type[SQLModel]]]:
    """The kinds' tables a purge empties (answers) and those of what the room agreed, which it keeps; the
    tables that say how an item runs (``kept_on_reset``) are in neither and stay."""
    agreed = list(dict.fromkeys(t for kind in KINDS.values() for t in kind.kept_on_purge))
    running = {t for kind in KINDS.values() for t in kind.kept_on_reset}
    return [t for t in kind_tables() if t not in agreed and t not in running], agreed


def purge_workshop(session: Session, workshop_id: int) -> PurgeReport:
    """Freeze the workshop's outcome pack (the first time) and delete its seats, ballots and free text.

    Purging again is harmless: the first frozen pack stays, and anything deleted already is simply not there.
    A pack frozen by older rules is scrubbed again by today's (the numbers stay; a pack that held no free
    text nobody agreed only gets the mark of today's rules).

    Raises:
        WorkshopNotFound: no such workshop.
        PurgeRefused: an item is open, or a follow-up not yet purged compares with this workshop's ratings.
    """
    workshop = check_purgeable(session, workshop_id)
    frozen = purged_pack(session, workshop_id)
    first_time = frozen is None
    agreed = {
        entry
        for item in agenda(session, workshop_id)
        for entry in get_activity(item.kind).agreed_entries(session, item)
    }
    if frozen is None:
        # Read in the same transaction as the deletes, so the frozen numbers are exactly those of the
        # answers deleted. Purging again keeps the first copy: what is left would count differently.
        # The copy holds no text the deletes take: it would outlive them (docs/data-protection.md).
        now = utcnow()
        purge = TextPurge(kept_entries(session, workshop_id, agreed), now.date())
        pack = freeze_pack(build_pack(session, workshop_id, purge=purge))
        frozen = keep_pack(session, workshop_id, {**pack, "rules": RULES}, now)
    answers, agreed_tables = purge_tables()
    counts = delete_answers(session, workshop_id, answers, agreed_tables, agreed)
    rescrubbed = None
    if frozen.pack.get("rules") != RULES:
        # After the deletes, so what the workshop still keeps is exactly what a purge keeps.
        pack, rescrubbed = rescrub(frozen.pack, kept_texts(session, workshop_id), frozen.purged_at.date())
        replace_pack(session, frozen, pack)
    bump_revision(session, workshop_id)
    return PurgeReport(workshop_id, workshop.title, frozen.purged_at, first_time, counts, rescrubbed)
