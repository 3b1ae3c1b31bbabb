"""Making and deleting whole workshops: the rows from storage, each item set up by its kind."""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from workshop.activities import get_activity, kind_tables
from workshop.models import AgendaItem, PurgedPack, Workshop
from workshop.store import lifecycle
from workshop.store.agenda import AgendaError
from workshop.store.workshops import insert_workshop
from workshop.templates import TemplateSpec


def create_workshop(
    session: Session, spec: TemplateSpec, title: str | None = None, *, demo: bool = False
) -> Workshop:
    """Make a workshop from a template, copying its content so later template edits don't change it.

    Args:
        session: The caller's write session.
        spec: The template to copy.
        title: The workshop's title; the template's when None or blank.
        demo: Whether this is the demo workshop (``workshop demo`` returns to it).

    Returns:
        The new workshop, its items set up by their kinds (a ranking's candidates stored, …).
    """
    workshop, items = insert_workshop(session, spec, title, demo=demo)
    _set_up(session, items)
    return workshop


def create_follow_up(session: Session, baseline_id: int, title: str) -> Workshop:
    """A new workshop re-running ``baseline_id``: the same factors, scales, groups and agenda, no answers.

    Args:
        session: The caller's write session.
        baseline_id: The workshop re-run; the follow-up links to it for comparison.
        title: The follow-up's title; the baseline's when blank.

    Returns:
        The follow-up, its items set up by their kinds.
    """
    if session.get(PurgedPack, baseline_id) is not None:
        # A follow-up measures change against the baseline's ratings, and a purge deleted them.
        raise AgendaError("that workshop's answers were purged, so a follow-up would have nothing to compare")
    follow_up, items = lifecycle.insert_follow_up(session, baseline_id, title)
    _set_up(session, items)
    return follow_up


def delete_workshop(session: Session, workshop_id: int) -> None:
    """Delete a workshop and everything in it, the kinds' own rows included; follow-ups lose only the link.

    Args:
        session: The caller's write session.
        workshop_id: The workshop to delete.
    """
    lifecycle.delete_workshop(session, workshop_id, kind_tables())


def _set_up(session: Session, items: Iterable[AgendaItem]) -> None:
    for item in items:
        get_activity(item.kind).on_create(session, item)
