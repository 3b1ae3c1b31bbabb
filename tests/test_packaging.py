"""A plain (non-editable) install works: the wheel carries templates, web assets, styles and migrations."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow  # builds a wheel with pip and installs it into a folder of its own
def test_wheel_installs_and_finds_its_data(tmp_path: Path) -> None:
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    wheel = next(tmp_path.glob("workshop-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in (
        "workshop/_shipped/templates/cyp-integration.toml",
        "workshop/web/templates/activities/maturity.html",
        "workshop/web/static/style.css",
        "workshop/exports/templates/pack.html.j2",
        "workshop/migrations/versions/0001_initial_schema.py",
        "workshop/migrations/script.py.mako",
        "workshop/exports/outcomes.schema.json",
        "screens/app.tcss",
    ):
        assert needed in names, needed
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
        timeout=120,
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "WORKSHOP_HOME": str(tmp_path / "home")}
    code = (
        "import workshop, screens, sys\n"
        f"assert workshop.__file__.startswith({str(site)!r}), workshop.__file__\n"
        "from workshop.exports.data import SCHEMA_VERSION, shipped_schema\n"
        "assert shipped_schema()['$id'] == SCHEMA_VERSION\n"  # the JSON export's schema ships with it
        "from workshop.cli import main\n"
        "sys.exit(main(['new', '--template', 'cyp-integration', '--title', 'From the wheel']))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "1"
