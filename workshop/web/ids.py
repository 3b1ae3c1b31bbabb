"""Row ids in URL paths: ``{item_id:rowid}`` matches only ids a database row can have, so others are a 404.

SQLite raises OverflowError when asked about 2**63 or more and PostgreSQL's INTEGER ids stop at 2**31 - 1
(``workshop.row_ids.MAX_ID``); FastAPI's ``int`` takes any size. Range checks in the handlers would each have
to be remembered, and ``Path(le=...)`` answers 422, which says "your request is malformed" about an address
that simply names nothing. A path convertor whose pattern only matches 1 to ``MAX_ID`` (no sign, no leading
zero) makes every other value miss the route, so the router answers 404 exactly as for any unknown page.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from starlette.convertors import Convertor, register_url_convertor

# The bound forms use too (workshop/row_ids.py): an address and a form agree on what an id can be.
from workshop.row_ids import MAX_ID


def numbers_up_to(limit: int) -> str:
    """A regular expression for the decimal numbers 1 to ``limit``, written without a sign or leading zero."""
    digits = str(limit)
    # Fewer digits than the limit: any such number is smaller.
    shorter = [f"[1-9][0-9]{{0,{len(digits) - 2}}}"] if len(digits) > 1 else []
    # As many digits: the same first i digits as the limit, then a smaller digit, then anything.
    same_length = []
    for i, digit in enumerate(digits):
        lowest = 1 if i == 0 else 0
        if int(digit) > lowest:
            rest = len(digits) - i - 1
            same_length.append(f"{digits[:i]}[{lowest}-{int(digit) - 1}][0-9]{{{rest}}}")
    return "|".join([*shorter, *same_length, digits])


class RowIdConvertor(Convertor[int]):
    """Matches a possible row id and gives it as an ``int``."""

    regex = f"(?:{numbers_up_to(MAX_ID)})"

    def convert(self, value: str) -> int:
        return int(value)

    def to_string(self, value: int) -> str:
        return str(int(value))


register_url_convertor("rowid", RowIdConvertor())

# The handler's side of ``{name:rowid}``: the bounds are already enforced by the route; they are stated here
# so the OpenAPI schema documents them. Importing this also registers the convertor before routes use it.
RowId = Annotated[int, Path(ge=1, le=MAX_ID, description="A row id; any other number is a 404.")]
