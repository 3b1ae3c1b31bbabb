"""Golden files for the outcome pack: a workshop with fixed codes, times and answers for every kind is
exported, and the Markdown and the JSON must equal tests/golden/ byte for byte.

A change to what the pack says shows up in review as a diff of those files. To accept one on purpose,
write them afresh and read the diff before committing it:

    WORKSHOP_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden_exports.py

Nothing is normalised: the export's clock is fixed (``exported_at``, and the minutes of the item still
open), and so is every time the pack shows (created, started, ended). Ids are those of a fresh database.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from workshop.db import Database
from workshop.exports.files import export_workshop

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("WORKSHOP_UPDATE_GOLDEN") == "1"


@pytest.mark.parametrize("fmt", ["md", "json"])
def test_outcome_pack_matches_its_golden_file(
    db: Database, golden_workshop: int, tmp_path: Path, fmt: str
) -> None:
    (written,) = export_workshop(db, golden_workshop, tmp_path, formats=(fmt,))
    golden = GOLDEN / f"outcome-pack.{fmt}"
    actual = written.read_text(encoding="utf-8")
    if UPDATE:
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(actual, encoding="utf-8", newline="\n")
    assert golden.exists(), f"no {golden.name}: run with WORKSHOP_UPDATE_GOLDEN=1 to write it"
    expected = golden.read_text(encoding="utf-8")
    # Compared line by line so pytest shows which lines differ, not two walls of text.
    assert actual.splitlines() == expected.splitlines(), f"{golden.name} differs (see the module docstring)"
    assert actual == expected  # and the same bytes: line endings, the final newline
    assert written.name == f"2026-11-23-test-workshop-{golden_workshop}-outcomes.{fmt}"
