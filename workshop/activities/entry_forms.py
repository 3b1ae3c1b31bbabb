"""Form pieces shared by the kinds where participants add short entries and may remove their own."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlmodel import Session, func, select

from workshop.activities.base import FormError, ParsedForm
from workshop.models import AgendaItem, Response
from workshop.row_ids import parse_row_id
from workshop.store.entries import NOT_YOURS


@dataclass(frozen=True)
class Remove:
    """Remove one of the seat's own entries."""

    entry_id: int


def parse_remove(form: Mapping[str, str]) -> Remove | FormError | None:
    """A "remove:ID" action from a submitted form; None when the form asks for something else."""
    action = form.get("action") or "add"
    if not action.startswith("remove:"):
        return None
    entry_id = parse_row_id(action.removeprefix("remove:"))
    if entry_id is None:  # no row has this id: refused in the words used for someone else's entry
        return FormError("action", "main", NOT_YOURS)
    return Remove(entry_id)


def check_text(text: str, limit: int, what: str) -> str | None:
    """Why ``text`` cannot be saved (empty or over ``limit`` characters), or None when it can."""
    if not text.strip():
        return f"Enter your {what}"
    if len(text) > limit:
        return f"Your {what} must be {limit} characters or fewer (it has {len(text)})"
    return None


def responses(session: Session, item: AgendaItem) -> int:
    """How many seats have answered the item."""
    return session.exec(select(func.count()).select_from(Response).where(Response.item_id == item.id)).one()


def removal_or_refusal(form: Mapping[str, str], use_instead: str) -> ParsedForm[Remove] | None:
    """A finished ParsedForm for a "remove:ID" action or an action this form lacks; None for "add".

    ``use_instead`` completes the refusal "Use the …", e.g. "Send button to send an answer"."""
    removal = parse_remove(form)
    if isinstance(removal, FormError):
        return ParsedForm(answers=None, errors=[removal])
    if removal is not None:
        return ParsedForm(answers=removal, notice="removed")
    if form.get("action", "add") != "add":
        return ParsedForm(answers=None, errors=[FormError("action", "main", f"Use the {use_instead}")])
    return None
