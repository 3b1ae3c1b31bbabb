"""Merging a duplicate value after a vote: the votes kinds can move go with it, in the same transaction.

``merge_preview`` says what a merge would do and writes nothing (the TUI reads it in a worker before the
facilitator confirms); ``merge_value`` does it and answers with the same figures, so the terminal and the
API say the same thing.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, select

from workshop.activities import get_activity
from workshop.activities.base import VoteMerge
from workshop.models import AgendaItem, Entry
from workshop.store import moderation
from workshop.store.entries import votes_on
from workshop.wording import people, plural


@dataclass(frozen=True)
class MergePreview:
    """What merging ``duplicate`` into ``target`` does: the votes moved and returned, or why it cannot."""

    duplicate: str
    target: str
    votes: VoteMerge
    refusal: str | None = None

    @property
    def sentence(self) -> str:
        """The preview in words, for the dialog and the API's reply."""
        if self.refusal is not None:
            return f"Cannot merge: {self.refusal}."
        merged = f"Merging “{self.duplicate}” into “{self.target}”"
        if not self.votes.rows:
            return f"{merged}: no dots to move."
        moved = f"{plural(self.votes.moved, 'dot')} moved to “{self.target}”"
        if not self.votes.returned:
            return f"{merged}: {moved}; no dots returned."
        return (
            f"{merged}: {moved}; {plural(self.votes.returned, 'dot')} returned to "
            f"{people(self.votes.seats_returned)} (over the limit on one option), to place again."
        )


def _voting_items(session: Session, entry: Entry) -> list[AgendaItem]:
    item = session.get(AgendaItem, entry.item_id)
    assert item is not None  # an entry's item is never deleted before it
    return list(session.exec(select(AgendaItem).where(AgendaItem.workshop_id == item.workshop_id)).all())


def _plan(session: Session, entry_id: int, into_id: int, *, apply: bool) -> MergePreview:
    duplicate, target = moderation.check_merge(session, entry_id, into_id)
    items = _voting_items(session, duplicate)
    votes = sum(
        (get_activity(i.kind).merge_votes(session, i, entry_id, into_id, apply=False) for i in items),
        VoteMerge(),
    )
    preview = MergePreview(duplicate.text, target.text, votes)
    if votes_on(session, entry_id) > votes.rows:
        # Votes no kind can move (a place in a ranking): moving would double-count, dropping would lose.
        return MergePreview(duplicate.text, target.text, votes, moderation.VOTED)
    if apply:
        for item in items:
            get_activity(item.kind).merge_votes(session, item, entry_id, into_id, apply=True)
    return preview


def merge_preview(session: Session, entry_id: int, into_id: int) -> MergePreview:
    """What merging value ``entry_id`` into ``into_id`` would do, in figures and words; writes nothing.

    A merge the store would refuse (another activity, a behaviour, a hidden target, votes that cannot
    move) comes back with ``refusal`` set rather than raised, so a dialog can say it before Enter.
    """
    try:
        return _plan(session, entry_id, into_id, apply=False)
    except moderation.ModerationError as exc:
        names = [session.get(Entry, i) for i in (entry_id, into_id)]
        duplicate, target = (e.text if e is not None else "" for e in names)
        return MergePreview(duplicate, target, VoteMerge(), str(exc))


def merge_value(session: Session, entry_id: int, into_id: int) -> MergePreview:
    """Merge value ``entry_id`` into ``into_id`` with its dots (see ``DotsActivity.merge_votes``).

    Everything happens in the caller's transaction: the dots move, then the store merges the entries.
    Raises :class:`moderation.ModerationError` when the merge is refused (nothing is written).
    """
    done = _plan(session, entry_id, into_id, apply=True)
    if done.refusal is not None:  # refused before anything was moved
        raise moderation.ModerationError(done.refusal)
    moderation.merge_entries(session, entry_id, into_id)
    return done
