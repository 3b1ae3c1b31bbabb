"""The room's count reads as English for nobody and for one person: "Nobody has joined yet", not "0 of 0
joined answered"; "1 of 4 joined has voted", not "have voted". On every live view, and the remote."""

from __future__ import annotations

import pytest

from screens.app import WorkshopApp
from tests.helpers.data import start_kind, token_for
from tests.helpers.tui import screen_text, wait_for
from tests.helpers.web import LiveServer, RemoteClient
from workshop.db import Database
from workshop.wording import NOBODY_JOINED, of_joined


@pytest.mark.parametrize(
    ("done", "seats", "did", "said"),
    [
        (0, 0, "have voted", "Nobody has joined yet"),
        (0, 0, "", "Nobody has joined yet"),
        (0, 1, "have voted", "0 of 1 joined have voted"),
        (1, 1, "have answered", "1 of 1 joined has answered"),
        (1, 4, "have ranked", "1 of 4 joined has ranked"),
        (2, 4, "have ranked", "2 of 4 joined have ranked"),
        (1, 3, "answered", "1 of 3 joined answered"),
        (3, 12, "", "3 of 12 joined"),
    ],
)
def test_of_joined(done: int, seats: int, did: str, said: str) -> None:
    assert of_joined(done, seats, did) == said


def test_nobody_inside_a_line_is_lower_case() -> None:
    assert of_joined(0, 0, "contributed", first=False) == "nobody has joined yet"
    assert of_joined(2, 3, "contributed", first=False) == "2 of 3 joined contributed"
    assert of_joined(0, 0) == NOBODY_JOINED


# Every kind whose live view counts the room, and what it says once someone has joined.
KINDS = ["question", "values", "maturity", "ranking", "triangle", "dots"]


@pytest.mark.tui
@pytest.mark.parametrize("kind", KINDS)
async def test_live_views_say_nobody_has_joined(db: Database, workshop_id: int, kind: str) -> None:
    start_kind(db, workshop_id, kind)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for(pilot, lambda: "obody has joined yet" in screen_text(app))
        text = screen_text(app)
        assert "of 0 joined" not in text, text


def test_remote_says_nobody_has_joined(live_server: LiveServer, workshop_id: int) -> None:
    start_kind(live_server.db, workshop_id, "maturity")
    with RemoteClient(base_url=live_server.url, timeout=10) as remote:
        remote.get(f"/f/{token_for(live_server.db, workshop_id)}")
        page = remote.get("/f/").text
    assert "open · nobody has joined yet" in page and "of 0 joined" not in page
