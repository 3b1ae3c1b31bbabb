"""The outcome pack as JSON, for other tools: the same blocks as the documents, as plain data."""

from __future__ import annotations

import json

from workshop.exports.blocks import block_dict
from workshop.exports.pack import OutcomePack
from workshop.untrusted import UNSAFE

_ESCAPED = {code: f"\\u{code:04x}" for code in UNSAFE}

SCHEMA = "workshop-outcome-pack/1"


def render(pack: OutcomePack) -> str:
    """The pack as indented JSON (UTF-8 text, nothing escaped that need not be)."""
    data = {
        "schema": SCHEMA,
        "workshop": {
            "id": pack.workshop_id,
            "title": pack.title,
            "template": pack.template,
            "created_at": pack.created_at.isoformat(),
            "baseline_title": pack.baseline_title,
            "seats": pack.seats,
        },
        "exported_at": pack.exported_at.isoformat(),
        "items": [
            {
                "title": item.title,
                "kind": item.kind,
                "state": item.state,
                "planned_minutes": item.planned_minutes,
                "actual_minutes": item.actual_minutes,
                "blocks": [block_dict(block) for block in item.blocks],
            }
            for item in pack.items
        ],
    }
    # JSON escapes C0 controls itself; C1, DEL and the bidi controls would be written raw, and act on a
    # terminal that `cat`s the file. Written as \uXXXX they are the same text to every JSON reader.
    return json.dumps(data, ensure_ascii=False, indent=2).translate(_ESCAPED) + "\n"
