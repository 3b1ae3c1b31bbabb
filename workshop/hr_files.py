"""Writing the HR text to files: Markdown, plain text to paste, and Word, named like the outcome pack."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import cast

from workshop.exports.files import choose_formats, file_stem, write_atomically
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
    try:
        return choose_formats(text, list(HR_FORMATS), "HR text")
    except ValueError as exc:
        raise HrError(str(exc)) from exc


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
