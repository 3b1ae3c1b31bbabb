"""Writing a workshop's outcome pack to files, one per format.

The pack is gathered once (:mod:`workshop.exports.pack`) and rendered by each format's module; a new
format is one module with a ``render(pack) -> str | bytes`` and a line in :data:`FORMATS`.
"""

from __future__ import annotations

import importlib
import os
import re
import tempfile
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Protocol, cast

from workshop.db import Database
from workshop.exports.pack import OutcomePack, Progress, build_pack


@dataclass(frozen=True)
class Format:
    """One export format: what people call it, its file ending, and the module that renders it."""

    label: str
    suffix: str
    # Loaded when first used: Word, Excel and the charts take a second to import, which starting the app
    # or writing only Markdown should not pay.
    module: str

    def renderer(self) -> Callable[[OutcomePack], str | bytes]:
        """The format's ``render(pack)``."""
        return cast("Callable[[OutcomePack], str | bytes]", importlib.import_module(self.module).render)


FORMATS: dict[str, Format] = {
    "md": Format("Markdown", ".md", "workshop.exports.markdown"),
    "html": Format("HTML", ".html", "workshop.exports.html"),
    "docx": Format("Word", ".docx", "workshop.exports.word"),
    "xlsx": Format("Excel", ".xlsx", "workshop.exports.excel"),
    "csv": Format("CSV tables (zip)", ".csv.zip", "workshop.exports.csvzip"),
    "json": Format("JSON data", ".json", "workshop.exports.jsonfile"),
}
DEFAULT_FORMATS = ("md", "json")


class ExportError(Exception):
    """An export that could not be written; the message says where and why."""


def choose_formats(text: str, known: Sequence[str], what: str) -> list[str]:
    """Formats from a comma-separated list (``all`` for every one of ``known``), in the order given, each
    once; ``what`` names them in the message ("export", "HR text").

    Raises:
        ValueError: an unknown or empty list, naming the formats there are.
    """
    listed = ", ".join(known)
    chosen: list[str] = []
    for name in (part.strip().lower().lstrip(".") for part in text.split(",")):
        for one in list(known) if name == "all" else [name] if name else []:
            if one not in known:
                raise ValueError(f"unknown {what} format {one!r} (known: {listed}, or all)")
            if one not in chosen:
                chosen.append(one)
    if not chosen:
        raise ValueError(f"no {what} format given (known: {listed}, or all)")
    return chosen


def parse_formats(text: str) -> list[str]:
    """The outcome pack's formats from a comma-separated list (see :func:`choose_formats`).

    Raises:
        ExportError: an unknown or empty list, naming the formats there are.
    """
    try:
        return choose_formats(text, list(FORMATS), "export")
    except ValueError as exc:
        raise ExportError(str(exc)) from exc


class Named(Protocol):
    """What a file name is made from: the outcome pack, or another file made from a workshop (HR text)."""

    @property
    def title(self) -> str: ...
    @property
    def workshop_id(self) -> int: ...
    @property
    def exported_at(self) -> datetime: ...


def file_stem(pack: Named, what: str = "outcomes") -> str:
    """A safe file name from the title: ASCII letters, digits and dashes only, never empty or hidden;
    ``what`` ends it (``outcomes``, ``hr``)."""
    ascii_title = unicodedata.normalize("NFKD", pack.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].strip("-")
    # The id keeps "Team A" and "Team-A!" (same slug) from overwriting each other's packs.
    return f"{pack.exported_at:%Y-%m-%d}-{slug or 'workshop'}-{pack.workshop_id}-{what}"


def write_atomically(path: Path, content: str | bytes) -> None:
    """Write beside the target and rename, so a reader never sees half a file."""
    data = content.encode("utf-8") if isinstance(content, str) else content
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def render_formats(pack: OutcomePack, formats: Sequence[str]) -> dict[str, str | bytes]:
    """Each format's file content, by format name."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    return {name: FORMATS[name].renderer()(pack) for name in formats}


def export_workshop(
    db: Database,
    workshop_id: int,
    folder: Path,
    formats: Sequence[str] = DEFAULT_FORMATS,
    progress: Progress | None = None,
) -> list[Path]:
    """Write the workshop's outcome pack in each format into ``folder``; returns the files written."""
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise ExportError(f"unknown export format {unknown[0]!r} (known: {', '.join(FORMATS)})")
    with db.reading() as session:
        pack = build_pack(session, workshop_id, progress)
    rendered = render_formats(pack, formats)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in rendered.items():
            path = folder / f"{file_stem(pack)}{FORMATS[name].suffix}"
            write_atomically(path, content)
            written.append(path)
    except OSError as exc:
        raise ExportError(f"could not write to {folder}: {exc.strerror or exc}") from exc
    return written
