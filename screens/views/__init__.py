"""Live views, one per activity kind: how the TUI shows an item's results as they arrive."""

from __future__ import annotations

from screens.views.base import LiveView
from screens.views.dots import DotsView
from screens.views.info import InfoView
from screens.views.maturity import MaturityView
from screens.views.question import QuestionView
from screens.views.ranking import RankingView
from screens.views.triangle import TriangleView
from screens.views.values import ValuesView

VIEWS: dict[str, type[LiveView]] = {
    "info": InfoView,
    "maturity": MaturityView,
    "values": ValuesView,
    "dots": DotsView,
    "ranking": RankingView,
    "triangle": TriangleView,
    "question": QuestionView,
}

__all__ = ["VIEWS", "LiveView", "view_for"]


def view_for(kind: str) -> type[LiveView]:
    """The live view class for an activity kind (a facilitated-item view for kinds it does not know)."""
    return VIEWS.get(kind, InfoView)
