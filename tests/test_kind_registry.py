"""The kind registry and the places a kind must fill agree: every kind has its live view, and its phone
pages exist where it takes answers or shows results (docs/architecture.md lists the places)."""

from __future__ import annotations

import ast
from pathlib import Path

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


def test_the_agenda_screen_names_no_kind() -> None:
    # A kind's own keys come from its live view (LentKey), so the agenda never branches on a kind. "info" is
    # still named: it is the view shown with no item, and the item whose notes the view itself shows.
    kinds = set(KINDS) - {"info"}
    classes = {view.__name__ for view in VIEWS.values()} - {"InfoView"}
    paths = sorted((Path(__file__).resolve().parents[1] / "screens").glob("agenda*.py"))
    assert len(paths) >= 4  # the screen and its parts
    for path in paths:
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        strings = {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        imports = [n for n in nodes if isinstance(n, ast.ImportFrom)]
        names = {n.id for n in nodes if isinstance(n, ast.Name)} | {a.name for n in imports for a in n.names}
        modules = {n.module for n in imports if n.module}
        assert not strings & kinds, f"{path.name} names a kind: {strings & kinds}"
        assert not {name for name in names if name in classes or name.endswith("Summary")}, path.name
        assert not {m for m in modules if set(m.split(".")) & kinds}, f"{path.name} imports a kind's module"
