"""Writing a workshop's outcome pack to files, one per format.

The pack is gathered once (:mod:`workshop.exports.pack`) and rendered by each format's module; a new
format is one module with a ``render(pack) -> str`` and a line in :data:`FORMATS`.
"""

from __future__ import annotations

import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from workshop.db import Database
from workshop.exports import jsonfile, markdown
from workshop.exports.pack import OutcomePack, Progress, build_pack

FORMATS: dict[str, tuple[str, Callable[[OutcomePack], str]]] = {
    "md": ("Markdown", markdown.render),
    "json": ("JSON", jsonfile.render),
}


class ExportError(Exception):
    """An export that could not be written; the message says where and why."""


def file_stem(pack: OutcomePack) -> str:
    """A safe file name from the title: ASCII letters, digits and dashes only, never empty or hidden."""
    ascii_title = unicodedata.normalize("NFKD", pack.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    # The id keeps "Team A" and "Team-A!" (same slug) from overwriting each other's packs.
    return f"{pack.exported_at:%Y-%m-%d}-{slug or 'workshop'}-{pack.workshop_id}-outcomes"


def _write(path: Path, text: str) -> None:
    # Written beside the target and renamed, so a reader never sees half a file.
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def export_workshop(
    db: Database,
    workshop_id: int,
    folder: Path,
    formats: Sequence[str] = ("md", "json"),
    progress: Progress | None = None,
) -> list[Path]:
    """Write the workshop's outcome pack in each format into ``folder``; returns the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    with db.reading() as session:
        pack = build_pack(session, workshop_id, progress)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name in formats:
            path = folder / f"{file_stem(pack)}.{name}"
            _write(path, FORMATS[name][1](pack))
            written.append(path)
    except OSError as exc:
        raise ExportError(f"could not write to {folder}: {exc.strerror or exc}") from exc
    return written
