"""The outcome pack over the facilitator API, over real HTTP: its data as the JSON export writes it, and its
file in every format the export registry knows, named and typed safely."""

from __future__ import annotations

import asyncio
import io
import re
import zipfile
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from tests.helpers.api import api_client, seed_values, token_of
from tests.helpers.data import get_row, start_kind, vote
from tests.helpers.web import LiveServer
from workshop.db import Database
from workshop.exports import jsonfile
from workshop.exports.data import Outcomes
from workshop.exports.files import FORMATS, file_stem
from workshop.exports.pack import OutcomePack, build_pack
from workshop.models import Workshop, row_id
from workshop.web import api_outcomes

# The outcome pack's document formats: Word, Excel, HTML and charts take seconds; their own tier.
pytestmark = pytest.mark.pack

EXPORTED = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
# What each ending is served as; a format added to the registry with another ending is still served, and
# this test then asks for its type to be named here.
TYPES = {
    ".md": "text/markdown; charset=utf-8",
    ".json": "application/json",
    ".html": "text/html; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".zip": "application/zip",
    ".csv.zip": "application/zip",
}


BOTH = ("md", "xlsx")


@pytest.fixture
def fixed_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    """The pack's clock stands still (the server runs in this process), so a pack read here is the same."""
    monkeypatch.setattr("workshop.exports.pack.utcnow", lambda: EXPORTED)


@pytest.fixture
def api(live_server: LiveServer, workshop_id: int) -> Iterator[httpx.Client]:
    db = live_server.db
    seed_values(db, workshop_id)
    item = start_kind(db, workshop_id, "maturity")
    for level in (2, 3, 3):
        vote(db, workshop_id, row_id(item), level)
    with api_client(live_server, token_of(db, workshop_id)) as client:
        yield client


def pack_of(db: Database, workshop_id: int) -> OutcomePack:
    with db.reading() as session:
        return build_pack(session, workshop_id)


def test_the_outcomes_data_is_the_json_export(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, fixed_clock: None
) -> None:
    reply = api.get("/api/v1/outcomes")
    assert reply.status_code == 200 and reply.headers["content-type"] == "application/json"
    pack = pack_of(live_server.db, workshop_id)
    assert reply.content == jsonfile.render(pack).encode("utf-8")
    data = Outcomes.model_validate(reply.json())
    assert data == pack.data and data.exported_at == EXPORTED
    assert "content-disposition" not in reply.headers  # data, not a download


# Office files are zips that may carry a clock of their own: they are opened with their library, and need
# not be equal to the byte.
OFFICE = (".docx", ".xlsx")


def _opens(suffix: str, content: bytes) -> None:
    """A binary file opens with its library (Word, Excel), or at least as a sound zip."""
    if suffix == ".docx":
        import docx

        assert docx.Document(io.BytesIO(content)).paragraphs
    elif suffix == ".xlsx":
        import openpyxl

        assert openpyxl.load_workbook(io.BytesIO(content)).sheetnames
    elif suffix.endswith(".zip"):
        assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None


@pytest.mark.parametrize("name", list(FORMATS))
def test_every_registered_format_is_served_as_the_export_writes_it(
    api: httpx.Client, live_server: LiveServer, workshop_id: int, fixed_clock: None, name: str
) -> None:
    chosen = FORMATS[name]
    pack = pack_of(live_server.db, workshop_id)
    expected = chosen.renderer()(pack)
    # Both addresses serve the same file; charts make a document take seconds, so two formats try both.
    paths = [f"/api/v1/outcomes.{name}", *([f"/api/v1/outcomes?format={name}"] if name in BOTH else [])]
    for path in paths:
        reply = api.get(path)
        assert reply.status_code == 200, (path, reply.text[:300])
        assert reply.headers["content-type"] == TYPES[chosen.suffix], path
        disposition = reply.headers["content-disposition"]
        assert disposition == f'attachment; filename="{file_stem(pack)}{chosen.suffix}"', path
        if isinstance(expected, str):
            assert reply.content == expected.encode("utf-8"), path
        else:
            _opens(chosen.suffix, reply.content)
            assert reply.content == expected or chosen.suffix in OFFICE, path


def test_an_unknown_format_is_a_400_that_names_the_known_ones(api: httpx.Client) -> None:
    known = ", ".join(FORMATS)
    for path in (
        "/api/v1/outcomes.pdf",
        "/api/v1/outcomes?format=exe",
        "/api/v1/outcomes?format=",
        "/api/v1/outcomes..",
    ):
        reply = api.get(path)
        assert reply.status_code == 400, (path, reply.status_code)
        assert reply.json()["detail"].endswith(f"(known: {known})"), reply.text
    assert api.get("/api/v1/outcomes.MD").status_code == 200  # as the command line takes it, in any case
    long = api.get("/api/v1/outcomes", params={"format": "x" * 5000}).json()["detail"]
    assert len(long) < 200 and "…" in long


def test_the_file_name_is_plain_ascii_whatever_the_title(
    api: httpx.Client, live_server: LiveServer, workshop_id: int
) -> None:
    with live_server.db.writing() as session:
        workshop = get_row(session, Workshop, workshop_id)
        workshop.title = (
            "Ünïcødé ☃ \"x\"; filename*=UTF-8''evil.exe\r\nSet-Cookie: a=b ../../etc/passwd\x1b]2;t\x07"
        )
        session.add(workshop)
    pack = pack_of(live_server.db, workshop_id)
    names = {name: api_outcomes.attachment(pack, f.suffix) for name, f in FORMATS.items()}
    for name in ("md", "json"):  # over HTTP for two; the header is the same function for every format
        reply = api.get(f"/api/v1/outcomes.{name}")
        assert reply.headers["content-disposition"] == names[name]
        assert "set-cookie" not in reply.headers
    for name, disposition in names.items():
        assert disposition.isascii() and "\r" not in disposition and "\n" not in disposition
        ending = re.escape(FORMATS[name].suffix)
        assert re.fullmatch(
            rf'attachment; filename="[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}-[a-z0-9-]+{ending}"', disposition
        )
        assert "-x-filename-utf-8-evil-exe-" in disposition and "/" not in disposition
    assert api_outcomes.attachment(pack, '.x"; y\r\n/') == f'attachment; filename="{file_stem(pack)}.xy"'


def test_the_pack_is_gathered_off_the_event_loop(api: httpx.Client, monkeypatch: pytest.MonkeyPatch) -> None:
    loops: list[bool] = []

    def gathered(*args: Any, **kwargs: Any) -> OutcomePack:
        try:
            asyncio.get_running_loop()
            loops.append(True)
        except RuntimeError:  # a worker thread runs no loop; the server's (the TUI's) thread does
            loops.append(False)
        return build_pack(*args, **kwargs)

    monkeypatch.setattr(api_outcomes, "build_pack", gathered)
    for path in ("/api/v1/outcomes", "/api/v1/outcomes.md", "/api/v1/outcomes?format=json"):
        assert api.get(path).status_code == 200
    assert loops == [False, False, False]


NEW = {
    ("get", "/api/v1/values/{item_id}"),
    ("put", "/api/v1/values/entries/{entry_id}/agreed"),
    ("put", "/api/v1/values/entries/{entry_id}/hidden"),
    ("put", "/api/v1/values/entries/{entry_id}/wording"),
    ("post", "/api/v1/values/entries/{entry_id}/merge"),
    ("post", "/api/v1/values/entries/{entry_id}/move"),
    ("post", "/api/v1/maturity/{item_id}/agreed-levels"),
    ("get", "/api/v1/ranking/{item_id}"),
    ("put", "/api/v1/ranking/{item_id}/agreed"),
    ("get", "/api/v1/outcomes"),
    ("get", "/api/v1/outcomes.{fmt}"),
}


def test_openapi_documents_every_outcome_endpoint(live_server: LiveServer) -> None:
    with api_client(live_server, None) as client:
        schema = client.get("/openapi.json").json()
    found = {(method, path) for path, methods in schema["paths"].items() for method in methods}
    assert found >= NEW, NEW - found
    for method, path in NEW:
        operation = schema["paths"][path][method]
        assert operation["summary"] and operation["description"], (method, path)
        replies = operation["responses"]
        assert {"200", "401", "503"} <= set(replies), (method, path)
        if "_id}" in path:
            assert "404" in replies and "422" in replies, (method, path)
        if method != "get":
            assert "409" in replies and "requestBody" in operation, (method, path)
        else:
            assert replies["200"]["content"], (method, path)
    data = schema["paths"]["/api/v1/outcomes"]["get"]["responses"]
    assert data["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/Outcomes")
    assert {TYPES[f.suffix] for f in FORMATS.values()} <= set(data["200"]["content"])
    assert "400" in data and "lists the ones it does" in data["400"]["description"]


def test_a_second_file_while_one_is_being_written_is_told_to_try_again(api: httpx.Client) -> None:
    # Held as if a Word file were being drawn: the next request is refused at once, not queued on a thread
    # the phones' pages need, and says when to come back. Once it is free the same request works.
    assert api_outcomes._RENDERING.acquire(timeout=5)
    try:
        busy = api.get("/api/v1/outcomes.md")
    finally:
        api_outcomes._RENDERING.release()
    assert busy.status_code == 503 and busy.headers["retry-after"] == str(api_outcomes.RETRY_SECONDS)
    assert "try again in a moment" in busy.text
    assert api.get("/api/v1/outcomes.md").status_code == 200
