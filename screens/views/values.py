"""Live view for the values and behaviours activity (being built: shows the item's notes until then)."""

from __future__ import annotations

from screens.views.info import InfoView


class ValuesView(InfoView):
    """Values and behaviours."""
