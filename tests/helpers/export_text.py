"""What an exported file says, as text: a plain file's own text, a zip's (Word, Excel, CSV) every member's."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from pathlib import Path


def export_text(path: Path) -> str:
    """The file's text; for a zip, every member's text joined (pictures and other binary parts left out)."""
    data = path.read_bytes()
    if not zipfile.is_zipfile(io.BytesIO(data)):
        return data.decode("utf-8")
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return "\n".join(_texts(archive))


def _texts(archive: zipfile.ZipFile) -> Iterator[str]:
    for name in archive.namelist():
        try:
            yield archive.read(name).decode("utf-8-sig")
        except UnicodeDecodeError:  # a chart's PNG
            continue


def numbers(data: object, path: str = "") -> dict[str, object]:
    """Every number, flag and null in JSON data by its path ("items.3.results.voters"), with list lengths:
    two packs with equal numbers say the same, whatever their words."""
    found: dict[str, object] = {}
    if isinstance(data, dict):
        for key, value in data.items():
            found |= numbers(value, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list):
        found[f"{path}#"] = len(data)
        for n, value in enumerate(data):
            found |= numbers(value, f"{path}.{n}")
    elif not isinstance(data, str):
        found[path] = data
    return found
