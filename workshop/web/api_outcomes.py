"""The outcome pack over the facilitator API: its data as JSON, and its file in any export format.

Formats come from the export registry (:data:`workshop.exports.files.FORMATS`), so a format added there is
served here too. Gathering and rendering the pack reads the whole workshop: it runs in a worker thread,
never on the event loop the TUI shares.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from pathlib import PurePath
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi.responses import Response

from workshop.db import Database
from workshop.exports import jsonfile
from workshop.exports.data import Outcomes
from workshop.exports.files import FORMATS, file_stem
from workshop.exports.pack import OutcomePack, build_pack
from workshop.models import row_id
from workshop.web.api import Facilitator
from workshop.web.api_writes import outcome_router, replies

router = outcome_router()

# By file ending: the registry names a format's ending, not its media type, and Python's own table lacks
# Markdown and the Office formats. An ending in neither is served as plain bytes.
MEDIA_TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".pdf": "application/pdf",
}
FALLBACK = "application/octet-stream"
KNOWN = ", ".join(FORMATS)


def media_type(suffix: str) -> str:
    """The media type a file with this ending is served as (by its last part: ``.csv.zip`` is a zip)."""
    known = MEDIA_TYPES.get(PurePath(f"file{suffix.lower()}").suffix)
    if known is not None:
        return known
    guessed, _ = mimetypes.MimeTypes().guess_type(f"file{suffix}")  # Python's table only, not the system's
    return guessed or FALLBACK


def attachment(pack: OutcomePack, suffix: str) -> str:
    """The Content-Disposition of the pack's file: the export's own name, plain ASCII (RFC 6266)."""
    # file_stem is letters, digits and dashes already; the ending comes from code, and is held to the same.
    ending = re.sub(r"[^a-z0-9.]", "", suffix.lower())
    return f'attachment; filename="{file_stem(pack)}{ending}"'


# One pack file rendered at a time: a Word file with charts is a second of CPU, and the server's threads
# (shared with the phones' pages and, in the app, with the TUI) must not all be spent on a tool asking for
# several at once. A second request is told to try again rather than holding a thread while it waits.
_RENDERING = threading.Lock()
RETRY_SECONDS = 2


def _pack(db: Database, workshop_id: int) -> OutcomePack:
    with db.reading() as session:
        return build_pack(session, workshop_id)


def _file(request: Request, workshop_id: int, name: str) -> Response:
    chosen = FORMATS.get(name.lower())
    if chosen is None:
        shown = name if len(name) <= 40 else f"{name[:40]}…"
        raise HTTPException(400, f"unknown export format {shown!r} (known: {', '.join(FORMATS)})")
    if not _RENDERING.acquire(blocking=False):
        raise HTTPException(
            503,
            "Another outcome file is being written; try again in a moment.",
            headers={"Retry-After": str(RETRY_SECONDS)},
        )
    try:
        pack = _pack(request.app.state.db, workshop_id)
        content = chosen.renderer()(pack)
    finally:
        _RENDERING.release()
    body = content.encode("utf-8") if isinstance(content, str) else content
    return Response(
        body,
        media_type=media_type(chosen.suffix),
        headers={"Content-Disposition": attachment(pack, chosen.suffix)},
    )


def _files(description: str) -> dict[int | str, dict[str, Any]]:
    """The 200 reply of an operation that can answer with the pack's file, in each format's media type."""
    return {
        200: {"description": description, "content": {media_type(f.suffix): {} for f in FORMATS.values()}}
    }


# Plain ``def`` endpoints: FastAPI runs them in its worker threads, off the event loop.
@router.get(
    "/outcomes",
    response_model=Outcomes,
    summary="The outcomes as data, or the outcome pack in a format",
    responses={**replies(400), **_files("The outcomes data; with `format`, the pack's file in that format.")},
)
def outcomes(
    request: Request,
    workshop: Facilitator,
    name: Annotated[
        str | None, Query(alias="format", description=f"An export format ({KNOWN}) for the pack's file.")
    ] = None,
) -> Response:
    """Without `format`: the outcomes data, exactly as the JSON export writes it (its JSON Schema is the
    export's). With `format`: the outcome pack's file, as `/api/v1/outcomes.{format}` serves it."""
    if name is not None:
        return _file(request, row_id(workshop), name)
    pack = _pack(request.app.state.db, row_id(workshop))
    return Response(jsonfile.render(pack), media_type="application/json")


@router.get(
    "/outcomes.{fmt}",
    response_class=Response,
    summary="The outcome pack as a file in an export format",
    description=f"The file the export writes in this format ({KNOWN}), named as the export names it. An "
    "unknown format is a 400 that lists the known ones.",
    responses={**replies(400), **_files("The outcome pack's file, as the export writes it.")},
)
def outcomes_file(request: Request, workshop: Facilitator, fmt: str) -> Response:
    """The pack's file in format ``fmt``."""
    return _file(request, row_id(workshop), fmt)
