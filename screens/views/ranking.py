"""Live view for the priority ranking activity (being built: shows the item's notes until then)."""

from __future__ import annotations

from screens.views.info import InfoView


class RankingView(InfoView):
    """Priority ranking."""
