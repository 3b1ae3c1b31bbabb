"""Live views, one per activity kind: how the TUI shows an item's results as they arrive."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from textual.binding import Binding, BindingType

from screens.views.actions import ActionsView
from screens.views.base import LentKey, LiveView
from screens.views.dots import DotsView
from screens.views.info import InfoView
from screens.views.maturity import MaturityView
from screens.views.question import QuestionView
from screens.views.ranking import RankingView
from screens.views.triangle import TriangleView
from screens.views.values import ValuesView

# A view of any kind: the kind is a runtime string, so the screens hold views whatever their summary type.
AnyView = LiveView[Any]

VIEWS: dict[str, type[AnyView]] = {
    "info": InfoView,
    "maturity": MaturityView,
    "values": ValuesView,
    "dots": DotsView,
    "ranking": RankingView,
    "triangle": TriangleView,
    "question": QuestionView,
    "actions": ActionsView,
}

__all__ = ["VIEWS", "AnyView", "LentKey", "LiveView", "view_for", "with_lent_keys"]


def view_for(kind: str | None) -> type[AnyView]:
    """The live view class for an activity kind; a facilitated-item view for no item or a kind it does not
    know (it shows the item's notes, or asks for an item to be chosen)."""
    return VIEWS.get(kind, InfoView) if kind is not None else InfoView


def with_lent_keys(own: list[BindingType]) -> list[BindingType]:
    """A screen's bindings with every view's lent keys, each after the key it names and each key once.

    A lent key runs ``view('<action>')`` on the screen, which hands ``<action>`` to the live view it shows.
    """
    bindings = list(own)
    lent = dict.fromkeys(key for view in VIEWS.values() for key in view.LENT_KEYS)
    for key in lent:
        place = next(i for i, b in enumerate(bindings) if isinstance(b, Binding) and b.key == key.after)
        bindings.insert(place + 1, replace(key.binding, action=f"view({key.binding.action!r})"))
    return bindings
