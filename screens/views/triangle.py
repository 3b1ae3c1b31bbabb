"""Live view for the population intervention triangle (being built: shows the notes until then)."""

from __future__ import annotations

from screens.views.info import InfoView


class TriangleView(InfoView):
    """Population intervention triangle."""
