"""Live view for the open question activity (being built: shows the item's notes until then)."""

from __future__ import annotations

from screens.views.info import InfoView


class QuestionView(InfoView):
    """Open question."""
