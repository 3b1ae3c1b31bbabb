"""The outcome pack as JSON, for other tools: the outcomes data model (:mod:`workshop.exports.data`)."""

from __future__ import annotations

import json

from workshop.exports.data import outcomes_schema
from workshop.exports.pack import OutcomePack
from workshop.untrusted import UNSAFE

_ESCAPED = {code: f"\\u{code:04x}" for code in UNSAFE}


def render(pack: OutcomePack) -> str:
    """The pack's data as indented JSON (UTF-8 text, nothing escaped that need not be)."""
    data = pack.data.model_dump(mode="json", by_alias=True)
    # JSON escapes C0 controls itself; C1, DEL and the bidi controls would be written raw, and act on a
    # terminal that `cat`s the file. Written as \uXXXX they are the same text to every JSON reader.
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_ESCAPED) + "\n"


def schema_text() -> str:
    """The JSON Schema as the file shipped beside the data model holds it."""
    return json.dumps(outcomes_schema(), ensure_ascii=False, indent=2) + "\n"
