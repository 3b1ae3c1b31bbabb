"""The Big List of Naughty Strings (MIT, see tests/corpora/blns.LICENSE): awkward text for free-text paths."""

from __future__ import annotations

import json
from pathlib import Path

BLNS_PATH = Path(__file__).resolve().parent / "corpora" / "blns.json"
BLNS: list[str] = json.loads(BLNS_PATH.read_text(encoding="utf-8"))
