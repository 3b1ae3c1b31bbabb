"""Writing the HR text to files: Markdown, plain text to paste, and Word, named like the outcome pack."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from workshop.exports.files import file_stem, write_atomically
from workshop.hr import HrError, HrPack
from workshop.hr_text import to_markdown, to_text


def _docx(pack: HrPack) -> bytes:
    # python-docx takes a while to load, which Markdown and plain text should not pay.
    module = importlib.import_module("workshop.hr_docx")
    return cast("Callable[[HrPack], bytes]", module.render)(pack)


HR_FORMATS: dict[str, tuple[str, str, Callable[[HrPack], str | bytes]]] = {
    "md": ("Markdown", ".md", lambda pack: to_markdown(pack.document())),
    "txt": ("Plain text", ".txt", lambda pack: to_text(pack.document())),
    "docx": ("Word", ".docx", _docx),
}


def parse_hr_formats(text: str) -> list[str]:
    """Formats from a comma-separated list (``all`` for every one), each once, or :class:`HrError`."""
    known = ", ".join(HR_FORMATS)
    chosen: list[str] = []
    for name in (part.strip().lower().lstrip(".") for part in text.split(",")):
        for one in list(HR_FORMATS) if name == "all" else [name] if name else []:
            if one not in HR_FORMATS:
                raise HrError(f"unknown HR text format {one!r} (known: {known}, or all)")
            if one not in chosen:
                chosen.append(one)
    if not chosen:
        raise HrError(f"no HR text format given (known: {known}, or all)")
    return chosen


def write_hr(pack: HrPack, folder: Path, formats: Sequence[str]) -> list[Path]:
    """Write the pack in each format into ``folder`` as ``<stem>-hr.<suffix>``; returns the files."""
    rendered = {name: HR_FORMATS[name][2](pack) for name in formats}
    try:
        folder.mkdir(parents=True, exist_ok=True)
        written = []
        for name, content in rendered.items():
            path = folder / f"{file_stem(pack, 'hr')}{HR_FORMATS[name][1]}"
            write_atomically(path, content)
            written.append(path)
    except OSError as exc:
        raise HrError(f"could not write to {folder}: {exc.strerror or exc}") from exc
    return written
