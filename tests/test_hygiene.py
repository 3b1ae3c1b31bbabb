"""House rules: the core never loads the UI, nothing is written at import time, files stay small."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORE_MODULES = [
    "workshop.cli",
    "workshop.web",
    "workshop.web.app",
    "workshop.web.pages",
    "workshop.store",
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


def test_every_module_imports_on_its_own(tmp_path: Path) -> None:
    """A cycle that only works in one import order breaks whoever imports the other module first."""
    from concurrent.futures import ThreadPoolExecutor

    modules = sorted(
        ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        for folder in ("workshop", "screens")
        for path in (ROOT / folder).rglob("*.py")
        if "migrations" not in path.parts and path.name != "__main__.py"
    )
    env = {**os.environ, "WORKSHOP_HOME": str(tmp_path / "home")}

    def failure(module: str) -> str | None:
        out = subprocess.run(
            [sys.executable, "-c", f"import {module}"], cwd=ROOT, env=env, capture_output=True, text=True
        )
        return f"{module}: {out.stderr.strip().splitlines()[-1]}" if out.returncode else None

    with ThreadPoolExecutor(max_workers=4) as pool:
        failures = [f for f in pool.map(failure, modules) if f]
    assert len(modules) > 30 and failures == []


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
    assert "outcome pack written (Markdown + JSON)" in done.stdout and "live view: maturity" in done.stdout
