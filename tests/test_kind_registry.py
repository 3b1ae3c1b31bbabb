"""The kind registry and the places a kind must fill agree: every kind has its live view, and its phone
pages exist where it takes answers or shows results (docs/architecture.md lists the places)."""

from __future__ import annotations

import pytest

from screens.views import VIEWS, InfoView
from workshop import locations
from workshop.activities import KINDS


def test_the_views_and_the_kinds_name_the_same_kinds() -> None:
    assert set(VIEWS) == set(KINDS)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_has_its_view_and_its_pages(kind: str) -> None:
    activity = KINDS[kind]
    assert VIEWS[kind] is not InfoView or kind == "info", f"{kind} falls back to the info view"
    pages = locations.web_templates_dir()
    for template in (activity.phone_template, activity.results_template):
        if template is not None:
            assert (pages / template).is_file(), f"{kind}: {template} is missing"
    assert activity.accepts_responses == (activity.phone_template is not None)
