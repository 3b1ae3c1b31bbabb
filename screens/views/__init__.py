"""Live views, one per activity kind: how the TUI shows an item's results as they arrive."""

from __future__ import annotations

from screens.views.base import LiveView
from screens.views.info import InfoView
from screens.views.maturity import MaturityView

VIEWS: dict[str, type[LiveView]] = {"info": InfoView, "maturity": MaturityView}

__all__ = ["VIEWS", "LiveView", "view_for"]


def view_for(kind: str) -> type[LiveView]:
    """The live view class for an activity kind (a facilitated-item view for kinds it does not know)."""
    return VIEWS.get(kind, InfoView)
