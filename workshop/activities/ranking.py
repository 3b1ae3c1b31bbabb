"""The priority ranking activity (being built: until its phone form lands it runs as a facilitated item)."""

from __future__ import annotations

from workshop.activities.base import Activity


class RankingActivity(Activity):
    """Priority ranking."""

    kind = "ranking"
    label = "Priority ranking"
