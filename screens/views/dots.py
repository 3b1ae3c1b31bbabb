"""Live view for the dot vote activity (being built: shows the item's notes until then)."""

from __future__ import annotations

from screens.views.info import InfoView


class DotsView(InfoView):
    """Dot vote."""
