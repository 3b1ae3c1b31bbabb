"""A facilitated agenda item with nothing to answer on the phone (welcome, discussion, close)."""

from __future__ import annotations

from workshop.activities.base import Activity


class InfoActivity(Activity):
    """Phones show what is happening and wait for the next activity."""

    kind = "info"
    label = "Facilitated item"
