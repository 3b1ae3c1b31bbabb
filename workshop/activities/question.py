"""The open question activity (being built: until its phone form lands it runs as a facilitated item)."""

from __future__ import annotations

from workshop.activities.base import Activity


class QuestionActivity(Activity):
    """Open question."""

    kind = "question"
    label = "Open question"
