"""Zip files that are the same bytes every time for the same content: what the XLSX and CSV exports write.

A zip records a time and the system it was made on for each member; ``zipfile`` takes the current time and
the running system. Both are fixed here (the pack's export time, Unix), so an export can be compared byte
for byte with an earlier one of the same pack.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from datetime import datetime

_UNIX = 3
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--


def zip_bytes(members: Iterable[tuple[str, bytes]], when: datetime) -> bytes:
    """A deflated zip of ``(name, content)`` members in the order given, each stamped ``when``."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = _UNIX
            info.external_attr = _FILE_MODE
            archive.writestr(info, content)
    return out.getvalue()


def restamp(zipped: bytes, when: datetime) -> bytes:
    """The same members as ``zipped``, in the same order, stamped ``when`` (see :func:`zip_bytes`)."""
    with zipfile.ZipFile(io.BytesIO(zipped)) as archive:
        members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    return zip_bytes(members, when)
