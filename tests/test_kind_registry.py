"""The kind registry and the places a kind must fill agree: every kind has its live view, and its phone
pages exist where it takes answers or shows results (docs/architecture.md lists the places)."""

from __future__ import annotations

import ast
import typing
from pathlib import Path

import pytest

from screens.views import VIEWS
from screens.views.info import InfoView
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


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_each_view_is_typed_by_its_kinds_summary(kind: str) -> None:
    # The view draws the summary its kind makes: LiveView[S], SUMMARY = S, and summarise() -> S all agree,
    # so mypy checks each view against its kind and the one runtime check (LiveView.show) uses the same S.
    view, activity = VIEWS[kind], KINDS[kind]
    made = typing.get_type_hints(type(activity).summarise)["return"]
    (declared,) = typing.get_args(next(b for b in vars(view)["__orig_bases__"] if typing.get_origin(b)))
    declared = type(None) if declared is None else declared
    assert view.SUMMARY is made, f"{view.__name__}.SUMMARY is {view.SUMMARY}, {kind} makes {made}"
    assert declared is made, f"{view.__name__} is LiveView[{declared}], {kind} makes {made}"


def test_the_screens_name_no_kind() -> None:
    # A kind's own keys come from its live view (LentKey), its summary reaches its own view typed, and the
    # kinds' capabilities answer the rest (answered, waiting, SHOWS_NOTES): no screen branches on a kind.
    kinds = set(KINDS)
    classes = {view.__name__ for view in VIEWS.values()} - {"InfoView"}
    screens = Path(__file__).resolve().parents[1] / "screens"
    parts = ("projector.py", "run_sheet.py", "live_area.py")
    paths = [*screens.glob("agenda*.py"), *(screens / p for p in parts), *screens.glob("widgets/*.py")]
    assert len(paths) >= 8  # the screen, its keys, its parts, the projector and the widgets
    for path in paths:
        nodes = list(ast.walk(ast.parse(path.read_text(encoding="utf-8"))))
        strings = {n.value for n in nodes if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        imports = [n for n in nodes if isinstance(n, ast.ImportFrom)]
        names = {n.id for n in nodes if isinstance(n, ast.Name)} | {a.name for n in imports for a in n.names}
        modules = {n.module for n in imports if n.module}
        assert not strings & kinds, f"{path.name} names a kind: {strings & kinds}"
        assert not {name for name in names if name in classes or name.endswith("Summary")}, path.name
        assert not {m for m in modules if set(m.split(".")) & kinds}, f"{path.name} imports a kind's module"
