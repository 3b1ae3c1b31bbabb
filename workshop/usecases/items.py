"""Agenda items that need their kind as well as storage: adding one, and resetting its answers."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import chain, count

from pydantic import ValidationError
from sqlmodel import Session

from workshop.activities import KINDS, get_activity
from workshop.activities.base import AskedSetting
from workshop.models import AgendaItem
from workshop.store.agenda import AgendaError, agenda, forget_outcome, get_item, insert_item


@dataclass(frozen=True)
class AddableKind:
    """A kind the facilitator can add mid-workshop: its label and the settings to ask for."""

    kind: str
    label: str
    asks: tuple[AskedSetting, ...]


def _unasked(kind: str) -> list[str]:
    """The kind's settings that have no default and are not asked for: only a template can give them."""
    activity = KINDS[kind]
    asked = {ask.name for ask in activity.asks}
    fields = activity.settings_model.model_fields
    return [name for name, field in fields.items() if field.is_required() and name not in asked]


def addable_kinds() -> tuple[AddableKind, ...]:
    """Every registered kind whose settings either have defaults or are asked for (``Activity.asks``)."""
    return tuple(
        AddableKind(name, activity.label, activity.asks)
        for name, activity in KINDS.items()
        if not _unasked(name)
    )


def refused_kinds() -> dict[str, str]:
    """The registered kinds that cannot be added mid-workshop, each with the reason in words."""
    return {
        name: f"{KINDS[name].label} needs {', '.join(unasked)} from a template"
        for name in KINDS
        if (unasked := _unasked(name))
    }


def entry_sources(items: Iterable[AgendaItem]) -> list[tuple[str, int]]:
    """(title, id) of the items whose kind shares entries: what a ``source`` setting can point at."""
    return [(item.title, item.id) for item in items if item.id and get_activity(item.kind).shares_entries]


def _typed(ask: AskedSetting, text: str) -> object:
    if ask.form == "lines":
        return [line.strip() for line in text.splitlines() if line.strip()]
    return text


def settings_problems(kind: str, entered: Mapping[str, str]) -> list[str]:
    """What is wrong with the settings typed for a new item of ``kind``, in words; empty when none is.

    Checked by the kind's ``settings_model``, as a template's settings are. A ``source`` is an item id here;
    whether it is one of the workshop's items is checked when the item is added.
    """
    if kind not in KINDS or _unasked(kind):
        return [refused_kinds().get(kind, f"There is no kind of item called {kind!r}.")]
    activity = KINDS[kind]
    asks = {ask.name: ask for ask in activity.asks}
    problems = [f"{activity.label} has no setting {name!r}." for name in entered if name not in asks]
    settings: dict[str, object] = {}
    for ask in activity.asks:
        text = entered.get(ask.name, "").strip()
        if not text:
            if ask.missing:
                problems.append(ask.missing)
        elif ask.form == "source":
            # The item's key is settled only in the write; a stand-in lets the model check everything else.
            settings[ask.name] = "source"
        else:
            settings[ask.name] = _typed(ask, text)
    if problems:
        return problems
    try:
        activity.settings_model.model_validate(settings)
    except ValidationError as exc:
        for error in exc.errors():
            loc = error["loc"]
            where = str(loc[0]) if loc else ""
            # Counted among the lines that are not blank, as the list the model checked.
            line = f" (no. {loc[1] + 1})" if len(loc) > 1 and isinstance(loc[1], int) else ""
            label = asks[where].label if where in asks else activity.label
            problems.append(f"{label}{line}: {re.sub(r'^Value error, ', '', error['msg'])}.")
    return problems


def _source_key(session: Session, workshop_id: int, ask: AskedSetting, text: str) -> str:
    """The key of the item whose id is ``text``, given one now if it has none: settings name items by key."""
    source = (
        session.get(AgendaItem, int(text)) if text.isascii() and text.isdigit() and len(text) < 19 else None
    )
    if source is None or source.workshop_id != workshop_id or not get_activity(source.kind).shares_entries:
        raise AgendaError(f"{ask.label}: no item {text!r} in this workshop has entries to use.")
    key = source.config.get("key")
    if isinstance(key, str) and key:
        return key
    taken = {item.config.get("key") for item in agenda(session, workshop_id)}
    names = chain([f"item-{source.id}"], (f"item-{source.id}-{n}" for n in count(2)))
    key = next(name for name in names if name not in taken)
    source.config = {**source.config, "key": key}  # a new dict: the JSON column sees only reassignment
    session.add(source)
    return key


def add_item(
    session: Session,
    workshop_id: int,
    kind: str,
    title: str,
    minutes: int,
    after: int | None,
    settings: Mapping[str, str] | None = None,
) -> AgendaItem:
    """Add an item of ``kind`` after the item ``after`` (at the end when None).

    Args:
        settings: What the facilitator typed for the kind's asked settings (``Activity.asks``), by name; a
            ``source`` is the id of an item whose kind shares entries. The rest keep their defaults.

    Raises:
        AgendaError: The kind cannot be added here, or its settings are wrong (the message says how).
        pydantic.ValidationError: The title or minutes are not valid.
    """
    entered = dict(settings or {})
    problems = settings_problems(kind, entered)
    if problems:
        raise AgendaError(" ".join(problems))
    activity = KINDS[kind]
    values: dict[str, object] = {}
    for ask in activity.asks:
        text = entered.get(ask.name, "").strip()
        if text:
            values[ask.name] = (
                _source_key(session, workshop_id, ask, text) if ask.form == "source" else _typed(ask, text)
            )
    checked = activity.settings_model.model_validate(values).model_dump(mode="json")
    item = insert_item(session, workshop_id, kind, title, minutes, after)
    item.config = {"key": None, "settings": checked}
    session.add(item)
    session.flush()
    activity.on_create(session, item)
    return item


def reset_item(session: Session, item_id: int) -> AgendaItem:
    """Delete every participant answer to an item; entries from the template or facilitator stay.

    Raises:
        AgendaError: There is no such item.
    """
    item = get_item(session, item_id)
    get_activity(item.kind).reset(session, item)
    return forget_outcome(session, item)
