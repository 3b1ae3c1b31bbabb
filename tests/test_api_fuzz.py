"""The facilitator's JSON API fuzzed from its own OpenAPI schema (schemathesis), against the real app on
loopback: with the token no request gets a server error or a reply the schema does not declare; without it,
or with a wrong one, every operation answers 401 and nothing in the database changes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import APIOperation, Case, GenerationMode
from schemathesis.checks import CheckFunction, not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from sqlalchemy import func
from sqlmodel import SQLModel, col, select

from tests.helpers.api import api_client, fingerprint, seed_values, token_of
from tests.helpers.web import LiveServer
from workshop import store
from workshop.db import Database
from workshop.exports.files import FORMATS
from workshop.models import Entry, row_id
from workshop.usecases.items import addable_kinds
from workshop.web.app import MAX_BODY_BYTES

# Few examples per operation keep the module under two minutes on two cores; derandomize makes a CI failure
# the same failure on a laptop. No shrinking: the first failing request is reported as it was sent.
FUZZ = settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
CHECKS: list[CheckFunction] = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


Operation = APIOperation[Any, Any, Any, Any]
Sent = Case[Operation]


def _operations(live_server: LiveServer) -> list[Operation]:
    """Every operation of the facilitator API, as the running server's schema declares them."""
    schema = schemathesis.openapi.from_url(f"{live_server.url}/openapi.json").include(path_regex="^/api/v1/")
    operations = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            raise result.err()
        operations.append(result.ok())
    assert len(operations) > 10, "the schema lost the facilitator API"
    return operations


@dataclass(frozen=True)
class Room:
    """What the workshop holds, for the fuzz to aim at: item ids by kind, entry ids, the kinds one can add."""

    items: dict[str, list[int]]
    entries: list[int]
    kinds: list[str]

    def items_for(self, path: str) -> list[int]:
        """The items a path can name: a kind's own route (``/values/{item_id}``) gets that kind's."""
        named = [kind for kind in self.items if f"/{kind}/" in path]
        return self.items[named[0]] if named else [i for ids in self.items.values() for i in ids]


def _aims(data: st.DataObject, name: str) -> bool:
    # Three times in four: a merge needs two real ids, one in the path and one in the body.
    return data.draw(st.integers(0, 3), label=f"real {name}") > 0


def _aim(case: Sent, data: st.DataObject, room: Room) -> None:
    """Mostly, point an id (in the path or the body) or a kind at a real one: a random row id almost never
    names a row, and the writes that could fail, or leak, are the ones that find theirs."""
    formats = list(FORMATS)
    real: dict[str, Sequence[int | str]] = {
        "item_id": room.items_for(case.operation.path),
        "entry_id": room.entries,
        "fmt": formats,
    }
    for name, known in real.items():
        if name in case.path_parameters and _aims(data, name):
            case.path_parameters[name] = data.draw(st.sampled_from(known), label=name)
    if case.query and "format" in case.query and _aims(data, "format"):
        case.query["format"] = data.draw(st.sampled_from(formats), label="format")
    if not isinstance(case.body, dict):
        return
    fields: dict[str, st.SearchStrategy[Any]] = {  # a body is JSON of any shape
        "into_id": st.sampled_from(room.entries),
        "value_id": st.sampled_from(room.entries),
        "entry_ids": st.lists(st.sampled_from(room.entries), max_size=4, unique=True),
        "kind": st.sampled_from(room.kinds),
    }
    for name, strategy in fields.items():
        if name in case.body and _aims(data, name):
            case.body[name] = data.draw(strategy, label=name)


def _fuzz(operation: Operation, mode: GenerationMode, room: Room, send: Callable[[Sent], None]) -> str:
    """Runs ``send`` on generated cases of one operation, aimed at ``room``; what failed, or "" if nothing."""

    @FUZZ
    @given(case=operation.as_strategy(generation_mode=mode), data=st.data())
    def run(case: Sent, data: st.DataObject) -> None:
        _aim(case, data, room)
        send(case)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a group of what it found
        return f"{operation.label} ({mode.value}): {type(exc).__name__}: {exc}"
    return ""


def _room(db: Database, workshop_id: int) -> Room:
    """A values item open, with entries; what the fuzz aims at."""
    seed_values(db, workshop_id)
    items: dict[str, list[int]] = {}
    with db.reading() as session:
        for item in store.agenda(session, workshop_id):
            items.setdefault(item.kind, []).append(row_id(item))
        entries = [entry for entry in session.exec(select(Entry.id).order_by(col(Entry.id))).all() if entry]
    return Room(items, entries, [addable.kind for addable in addable_kinds()])


def _counts(db: Database) -> dict[str, int]:
    """How many rows each table holds."""
    with db.reading() as session:
        return {
            table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables
        }


@pytest.mark.slow
def test_every_operation_answers_within_its_schema(live_server: LiveServer, workshop_id: int) -> None:
    auth = {"Authorization": f"Bearer {token_of(live_server.db, workshop_id)}"}

    def send(case: Sent) -> None:
        response = case.call(base_url=live_server.url, headers=auth, timeout=30)
        case.validate_response(response, checks=CHECKS, headers=auth)

    failures: list[str] = []
    for operation in _operations(live_server):
        # The operations before reset items and hide entries: each one starts with fresh entries to act on.
        room = _room(live_server.db, workshop_id)
        modes = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        failures += [failure for mode in modes if (failure := _fuzz(operation, mode, room, send))]
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
@pytest.mark.parametrize("token", [None, "not-the-token"], ids=["no-token", "wrong-token"])
def test_without_the_token_nothing_answers_and_nothing_changes(
    live_server: LiveServer, workshop_id: int, token: str | None
) -> None:
    room = _room(live_server.db, workshop_id)
    before = (_counts(live_server.db), fingerprint(live_server.db))
    auth = {"Authorization": f"Bearer {token}"} if token is not None else None

    def send(case: Sent) -> None:
        case.headers.pop("Authorization", None)
        response = case.call(base_url=live_server.url, headers=auth, timeout=30)
        # A malformed request can be refused before the token is read: a path that cannot name a row misses
        # the route (404, workshop/web/ids.py), the guard refuses a body over its limit (413), and FastAPI
        # reads the body first (400, 422). Either way it is refused; a well-formed one is always a 401.
        malformed = case.meta is not None and case.meta.generation.mode.is_negative
        refused = {400, 401, 404, 413, 422} if malformed else {401}
        assert response.status_code in refused, (case.method, case.formatted_path, response.status_code)

    failures = [
        failure
        for operation in _operations(live_server)
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
        if (failure := _fuzz(operation, mode, room, send))
    ]
    assert not failures, "\n\n".join(failures)
    assert (_counts(live_server.db), fingerprint(live_server.db)) == before


@pytest.mark.parametrize(
    ("body", "status"),
    [(b'{"kind": "\xff"}', 400), (b'{"title": "' + b"a" * (MAX_BODY_BYTES + 1) + b'"}', 413)],
    ids=["not-text", "too-large"],
)
def test_a_body_refused_before_the_handler_is_declared_and_json(
    live_server: LiveServer, workshop_id: int, body: bytes, status: int
) -> None:
    """Found by the fuzz: FastAPI's 400 for bytes that are not text, and the guard's 413 (which was the
    phones' HTML page), were replies the schema did not declare."""
    with api_client(live_server, token_of(live_server.db, workshop_id)) as client:
        schema = client.get("/openapi.json").json()
        reply = client.post("/api/v1/items", content=body, headers={"content-type": "application/json"})
    assert reply.status_code == status
    assert reply.headers["content-type"] == "application/json" and list(reply.json()) == ["detail"]
    with_body = [op for ops in schema["paths"].values() for op in ops.values() if "requestBody" in op]
    assert len(with_body) > 5
    assert all({"400", "413"} <= set(op["responses"]) for op in with_body)
