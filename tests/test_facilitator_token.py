"""The facilitator token is stored hashed: the database never holds it, a new one replaces the old, and
each place that issues one (``workshop new``, the TUI, ``workshop token``) hands out a token that works."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from screens.dialogs import RemoteScreen
from screens.home import HomeScreen
from tests.helpers.data import issue_token
from tests.helpers.token_scan import columns_holding, file_holds
from tests.helpers.tui import agenda, screen_text, wait_for
from tests.helpers.web import LiveServer
from workshop import store
from workshop.cli import main
from workshop.db import Database
from workshop.exports.files import export_workshop
from workshop.exports.jsonfile import schema_text
from workshop.models import PurgedPack
from workshop.store.workshops import facilitator_token_hash
from workshop.usecases.purge import purge_workshop

NEW_TOKEN = re.compile(r"^Remote and API token .*: (\S+)$", re.MULTILINE)
API_TOKEN = re.compile(r"^API token \(Authorization: Bearer\): (\S+)$", re.MULTILINE)


def _never_stored(db: Database, *tokens: str) -> None:
    for token in tokens:
        assert columns_holding(db, token) == [], token
        assert not file_holds(db, token), token


def _api(live_server: LiveServer, token: str) -> int:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{live_server.url}/api/v1/workshop", headers=headers, timeout=10).status_code


def _remote(live_server: LiveServer, token: str) -> httpx.Response:
    """The remote's run-sheet, reached through the link with ``token`` (as the QR code's link is)."""
    with httpx.Client(base_url=live_server.url, timeout=10, follow_redirects=True) as phone:
        return phone.get(f"/f/{token}")


@pytest.mark.tui
async def test_the_database_never_holds_a_token(
    live_server: LiveServer, capsys: pytest.CaptureFixture[str]
) -> None:
    db = live_server.db
    assert main(["--db", db.url, "new", "--template", "cyp-integration", "--title", "Hashed"]) == 0
    printed = capsys.readouterr().out
    workshop_id = int(printed.strip().splitlines()[-1])
    found = NEW_TOKEN.search(printed)
    assert found is not None, printed
    made = found.group(1)
    assert _api(live_server, made) == 200  # `workshop new` hands out a working token

    app = WorkshopApp(db, workshop_id, serve=False)
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await pilot.press("f")
        await wait_for(pilot, lambda: isinstance(app.screen, RemoteScreen))
        shown = app.facilitator_token
        assert shown in screen_text(app) and shown != made
        await app.action_quit()
    async with httpx.AsyncClient(base_url=live_server.url, timeout=10, follow_redirects=True) as phone:
        page = await phone.get(f"/f/{shown}")  # the TUI's token, as its QR code's link carries it
        assert page.status_code == 200 and "Hashed" in page.text
        refused = await phone.get("/api/v1/workshop", headers={"Authorization": f"Bearer {made}"})
        assert refused.status_code == 401  # the TUI's token replaced the one `workshop new` printed

    assert main(["--db", db.url, "token", str(workshop_id)]) == 0
    issued = API_TOKEN.search(capsys.readouterr().out)
    assert issued is not None
    assert _api(live_server, issued.group(1)) == 200
    _never_stored(db, made, shown, issued.group(1))
    with db.reading() as session:
        stored = store.get_workshop(session, workshop_id).facilitator_token_hash
    assert stored == facilitator_token_hash(issued.group(1))
    assert columns_holding(db, stored) == ["workshop.facilitator_token_hash"]  # the scan sees that table


def test_a_new_token_shuts_out_the_old_one(live_server: LiveServer, workshop_id: int) -> None:
    old = issue_token(live_server.db, workshop_id)
    with httpx.Client(base_url=live_server.url, timeout=10) as paired:
        assert paired.get(f"/f/{old}").status_code == 303  # the link's token becomes the remote's cookie
        assert paired.get("/f/").status_code == 200
        assert _api(live_server, old) == 200
        new = issue_token(live_server.db, workshop_id)
        assert new != old
        assert _api(live_server, old) == 401
        assert _api(live_server, new) == 200
        shut_out = paired.get("/f/")  # the cookie still holds the old token
        assert shut_out.status_code == 401 and "Open the remote from the link or QR code" in shut_out.text
    assert _remote(live_server, old).status_code == 401
    page = _remote(live_server, new)
    assert page.status_code == 200 and "Test workshop" in page.text
    assert _api(live_server, facilitator_token_hash(new)) == 401  # a copy of the database opens nothing


def _agenda_shown(app: WorkshopApp) -> bool:
    return isinstance(app.screen, AgendaScreen) and app.screen.snapshot is not None


@pytest.mark.tui
async def test_opening_again_keeps_the_token_and_a_restart_issues_a_new_one(
    db: Database, workshop_id: int
) -> None:
    app = WorkshopApp(db, workshop_id, serve=False)
    first = app.facilitator_token
    async with app.run_test(size=(100, 30)) as pilot:
        await wait_for(pilot, lambda: agenda(app).snapshot is not None)
        await pilot.press("escape")  # back to the list of workshops
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen))
        await app.open_workshop(workshop_id)  # a remote paired a minute ago keeps working
        await wait_for(pilot, lambda: _agenda_shown(app))
        assert app.facilitator_token == first
        await app.action_quit()
    restarted = WorkshopApp(db, workshop_id, serve=False)
    assert restarted.facilitator_token not in ("", first)
    with db.reading() as session:
        assert store.workshop_by_facilitator_token(session, first) is None
        found = store.workshop_by_facilitator_token(session, restarted.facilitator_token)
        assert found is not None and found.id == workshop_id


def test_token_command_prints_a_working_remote_and_api_token(
    live_server: LiveServer, workshop_id: int, capsys: pytest.CaptureFixture[str]
) -> None:
    url = live_server.db.url
    assert main(["--db", url, "token", str(workshop_id), "--public-url", live_server.url + "/"]) == 0
    out = capsys.readouterr().out
    remote = re.search(r"^Remote: (\S+)$", out, re.MULTILINE)
    token = API_TOKEN.search(out)
    assert remote is not None and token is not None, out
    assert remote.group(1) == f"{live_server.url}/f/{token.group(1)}"
    with httpx.Client(timeout=10, follow_redirects=True) as phone:
        page = phone.get(remote.group(1))
    assert page.status_code == 200 and "Test workshop" in page.text
    assert _api(live_server, token.group(1)) == 200

    assert main(["--db", url, "token", str(workshop_id)]) == 0  # without an address: the path
    again = capsys.readouterr().out
    path = re.search(r"^Remote: (/f/\S+) \(on the server's address\)$", again, re.MULTILINE)
    assert path is not None, again
    assert _api(live_server, token.group(1)) == 401  # replaced
    assert _remote(live_server, path.group(1).removeprefix("/f/")).status_code == 200


def test_token_command_refuses_an_unknown_workshop(db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--db", db.url, "token", "424242"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "workshop: error: no workshop with id 424242 (see 'workshop list')\n"


def test_no_export_or_frozen_pack_holds_the_token_or_its_hash(
    db: Database, workshop_id: int, tmp_path: Path
) -> None:
    token = issue_token(db, workshop_id)
    secrets = (token, facilitator_token_hash(token))
    assert "token" not in schema_text().lower()
    for path in export_workshop(db, workshop_id, tmp_path, ["md", "json", "html"]):
        text = path.read_text(encoding="utf-8")
        assert not [s for s in secrets if s in text], path
    with db.writing() as session:
        purge_workshop(session, workshop_id)
    with db.reading() as session:
        frozen = session.get(PurgedPack, workshop_id)
        assert frozen is not None
        assert not [s for s in secrets if s in str(frozen.pack)]
