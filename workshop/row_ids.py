"""Row ids typed or posted as text: only the numbers a database row can have count as ids.

SQLite keeps ids as signed 64-bit integers and raises OverflowError when asked about 2**63 or more, and
Python's ``int()`` refuses more than 4,300 digits. An id from a form or an address is therefore checked
here, once, before it goes anywhere: anything else names no row, and callers say so as they would for an
id that is simply not there.
"""

from __future__ import annotations

MAX_ID = 2**63 - 1
MAX_DIGITS = len(str(MAX_ID))


def parse_row_id(raw: str) -> int | None:
    """``raw`` as a row id (1 to ``MAX_ID``, plain ASCII digits, no sign or space), else None."""
    # The length first, so a huge string is never converted.
    if not raw or len(raw) > MAX_DIGITS or not raw.isascii() or not raw.isdigit():
        return None
    value = int(raw)
    return value if 1 <= value <= MAX_ID else None
