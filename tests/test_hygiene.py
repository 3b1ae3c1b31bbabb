"""House rules: the core never loads the UI, nothing is written at import time, files stay small."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = [
    "workshop.cli",
    "workshop.cli_parser",
    "workshop.web",
    "workshop.web.app",
    "workshop.web.pages",
    "workshop.store",
    "workshop.usecases",
    "workshop.live",
    "workshop.activities",
    "workshop.templates",
    "workshop.migrations",
    "workshop.qr",
    "workshop.netinfo",
    "workshop.writer",
    "workshop.analysis",
    "workshop.settings",
    "workshop.locations",
]


def test_core_never_loads_textual_or_screens(tmp_path: Path) -> None:
    code = (
        "import importlib, json, sys\n"
        f"for name in {CORE_MODULES!r}: importlib.import_module(name)\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in ('textual', 'screens'))))\n"
    )
    env = {**os.environ, "WORKSHOP_HOME": str(tmp_path / "home")}
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    )
    assert json.loads(out.stdout) == []
    assert not (tmp_path / "home").exists(), "importing the core created files"


def test_no_core_module_imports_the_ui() -> None:
    offenders = []
    for path in (ROOT / "workshop").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [
                f"{path.relative_to(ROOT)}: {n}" for n in names if n.split(".")[0] in ("textual", "screens")
            ]
    # The CLI may import the UI, lazily inside the commands that show it.
    allowed = {"workshop/cli.py: screens.app"}
    assert set(offenders) <= allowed


def test_listing_workshops_does_not_load_the_ui(tmp_path: Path) -> None:
    code = (
        "import sys\nfrom workshop.cli import main\nrc = main(['list'])\n"
        "assert rc == 0\nassert 'textual' not in sys.modules and 'screens' not in sys.modules, 'UI loaded'\n"
        # The room check's client loads only for `selftest`: its import must not stop every command.
        "assert 'httpx' not in sys.modules and 'workshop.selftest' not in sys.modules, 'selftest loaded'\n"
    )
    env = {**os.environ, "WORKSHOP_HOME": str(tmp_path / "home")}
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True)


def test_source_files_stay_small() -> None:
    sizes = {
        str(p.relative_to(ROOT)): len(p.read_text(encoding="utf-8").splitlines())
        for folder in ("workshop", "screens", "tests", "benchmarks")
        for p in (ROOT / folder).rglob("*.py")
        if "versions" not in p.parts
    }
    assert {name: n for name, n in sizes.items() if n > 400} == {}


@pytest.mark.slow  # a benchmark run
def test_big_workshop_benchmark_runs() -> None:
    """The benchmark is not timed here (timing belongs in its report), only kept from rotting."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.big_workshop", "--seats", "12"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "outcome pack written (md, html, docx, xlsx, csv, json)" in done.stdout
    assert "rendered as Word (docx)" in done.stdout and "live view: maturity" in done.stdout


def _test_modules() -> list[Path]:
    return sorted((ROOT / "tests").rglob("*.py"))


def test_no_test_module_imports_another() -> None:
    """Shared helpers live in tests/helpers; a test module imported by another runs its tests' module code
    twice, and conftest.py is pytest's, not a library."""
    offenders = []
    for path in _test_modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            else:
                continue
            offenders += [
                f"{path.relative_to(ROOT)}: {name}"
                for name in names
                if name.split(".")[0] == "tests"
                and len(name.split(".")) > 1
                and name.split(".")[1].startswith(("test_", "conftest"))
            ]
    assert offenders == []


def _marks(decorators: list[ast.expr]) -> set[str]:
    """The ``pytest.mark.NAME`` marks among ``decorators`` (or a ``pytestmark`` value's items)."""
    found = set()
    for decorator in decorators:
        node = decorator.func if isinstance(decorator, ast.Call) else decorator
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Attribute)
            and node.value.attr == "mark"
        ):
            found.add(node.attr)
    return found


def _needs(function: ast.FunctionDef | ast.AsyncFunctionDef, helpers: Mapping[str, ast.AST]) -> set[str]:
    """The tier marks a test needs: ``tui`` if it (or a module function it calls) runs a Textual app,
    ``browser`` if it takes a Playwright page."""
    needs = set()
    seen: set[str] = set()
    todo: list[ast.AST] = [function]
    while todo:
        for node in ast.walk(todo.pop()):
            if isinstance(node, ast.Attribute) and node.attr == "run_test":
                needs.add("tui")
            elif isinstance(node, ast.Name) and node.id in helpers and node.id not in seen:
                seen.add(node.id)
                todo.append(helpers[node.id])
            elif isinstance(node, ast.Name) and node.id in ("phone_page", "sync_playwright"):
                needs.add("browser")
    parameters = {a.arg for a in function.args.args}
    if "snap_compare" in parameters:
        needs.add("tui")
    if parameters & {"open_page", "browser"}:
        needs.add("browser")
    return needs


def test_tests_that_run_the_app_or_a_browser_carry_their_tier_mark() -> None:
    """The fast tier (``-m "not tui and not browser and not slow and not pack"``) must not start a Textual
    app or Chromium: each such test is marked, by itself or by its module's ``pytestmark``."""
    missing = []
    for path in sorted((ROOT / "tests").glob("test_*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module_marks: set[str] = set()
        for node in tree.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "pytestmark" for t in node.targets
            ):
                value = node.value
                module_marks |= _marks(list(value.elts) if isinstance(value, ast.List) else [value])
        helpers = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)}
        classes = [n for n in tree.body if isinstance(n, ast.ClassDef)]
        tests = [(f, _marks(f.decorator_list)) for f in helpers.values() if f.name.startswith("test_")]
        tests += [
            (f, _marks(f.decorator_list) | _marks(c.decorator_list))
            for c in classes
            for f in c.body
            if isinstance(f, ast.FunctionDef | ast.AsyncFunctionDef) and f.name.startswith("test_")
        ]
        for function, marks in tests:
            lacking = _needs(function, helpers) - marks - module_marks
            missing += [f"{path.name}::{function.name} needs @pytest.mark.{m}" for m in sorted(lacking)]
    assert missing == []
