"""The values and behaviours activity (being built: runs as a facilitated item until then)."""

from __future__ import annotations

from workshop.activities.base import Activity


class ValuesActivity(Activity):
    """Values and behaviours."""

    kind = "values"
    label = "Values and behaviours"
