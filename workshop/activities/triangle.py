"""The population intervention triangle activity (being built: runs as a facilitated item until then)."""

from __future__ import annotations

from workshop.activities.base import Activity


class TriangleActivity(Activity):
    """Population intervention triangle."""

    kind = "triangle"
    label = "Population intervention triangle"
