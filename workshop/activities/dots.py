"""The dot vote activity (being built: until its phone form lands it runs as a facilitated item)."""

from __future__ import annotations

from workshop.activities.base import Activity


class DotsActivity(Activity):
    """Dot vote."""

    kind = "dots"
    label = "Dot vote"
