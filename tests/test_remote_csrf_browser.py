"""Chromium signed in to the remote visits a page on another port of the same host that forges its forms."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, Response, expect
from sqlmodel import select

from tests.helpers.data import get_row, token_for
from tests.helpers.web import CHROMIUM, LiveServer, OpenPage
from workshop.models import AgendaItem, ItemState, Seat, row_id

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian Chromium at /usr/bin/chromium"),
]

# Each form goes to its own frame, so all three are sent; the remote's replies will not show in a frame
# (X-Frame-Options), but by then the server has done, or refused, what they asked.
ATTACK = """<!doctype html><meta charset="utf-8">{policy}<title>Free biscuits</title>
<iframe name="a"></iframe><iframe name="b"></iframe><iframe name="c"></iframe>
<form target="a" method="post" action="{remote}/f/items/{item}">
  <input type="hidden" name="action" value="close"></form>
<form target="b" method="post" action="{remote}/f/items/{item}">
  <input type="hidden" name="action" value="reveal"></form>
<form target="c" method="post" action="{remote}/f/proxy"></form>
<script>for (const form of document.forms) form.submit();</script>
"""


@pytest.fixture
def attacker() -> Iterator[tuple[dict[str, bytes], str]]:
    """A second web server on another loopback port (127.0.0.1 too, so the same site); pages set per test."""
    pages: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = pages.get(self.path, b"not found")
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield pages, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _state(live_server: LiveServer, item_id: int) -> tuple[str, bool, int]:
    with live_server.db.reading() as session:
        item = get_row(session, AgendaItem, item_id)
        proxies = len(session.exec(select(Seat).where(Seat.is_proxy)).all())
        return item.state, item.revealed, proxies


def _forge(page: Page, live_server: LiveServer, attack_url: str) -> None:
    """Open the attacker's page and wait until the remote has answered each of its three posts."""
    answered: list[int] = []

    def on_response(response: Response) -> None:
        # The frame then refuses to show it (X-Frame-Options): the request "fails" only after the reply.
        if response.request.method == "POST" and response.url.startswith(live_server.url):
            answered.append(response.status)

    page.on("response", on_response)
    page.goto(attack_url)
    deadline = 100
    while len(answered) < 3:
        page.wait_for_timeout(100)  # polling for the three replies, never a wait before a check
        deadline -= 1
        assert deadline, f"the forged posts were never answered: {answered}"
    assert answered == [403, 403, 403], answered


@pytest.mark.parametrize("policy", ["", '<meta name="referrer" content="no-referrer">'])
def test_a_same_site_page_cannot_drive_the_remote(
    live_server: LiveServer,
    workshop_id: int,
    maturity_item: AgendaItem,
    open_page: OpenPage,
    attacker: tuple[dict[str, bytes], str],
    policy: str,
) -> None:
    token = token_for(live_server.db, workshop_id)
    page = open_page()
    page.goto(f"{live_server.url}/f/{token}")  # the link in the QR code: swapped for the cookie
    expect(page.get_by_role("heading", name="Facilitator remote")).to_be_visible()
    before = _state(live_server, row_id(maturity_item))
    assert before == (ItemState.OPEN, False, 0)

    pages, origin = attacker
    html = ATTACK.format(policy=policy, remote=live_server.url, item=maturity_item.id)
    pages["/biscuits.html"] = html.encode()
    _forge(page, live_server, f"{origin}/biscuits.html")
    assert _state(live_server, row_id(maturity_item)) == before

    # The facilitator's own remote, in the same browser, still does all three.
    page.goto(f"{live_server.url}/f/")
    now = page.locator("#now")
    now.get_by_role("button", name="Reveal results").click()
    expect(page.locator("#now").get_by_role("button", name="Hide results")).to_be_visible()
    page.locator("#now").get_by_role("button", name="Close", exact=True).click()
    expect(page.locator("#now")).to_contain_text("✓ done")
    page.get_by_role("button", name="Answer for someone without a phone").click()
    page.wait_for_url(f"{live_server.url}/w/*")
    assert _state(live_server, row_id(maturity_item)) == (ItemState.CLOSED, True, 1)
