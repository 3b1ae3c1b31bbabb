"""Every phone's browser asks the participant server for ``/favicon.ico``: it gets a small real icon, kept
for a day, rather than a 404 page (and a line in the log) on every phone's first visit."""

from __future__ import annotations

import io

import httpx
from PIL import Image

from tests.helpers.data import join_code
from tests.helpers.html_tree import parse
from tests.helpers.web import LiveServer
from workshop import locations


def test_favicon_is_a_cached_icon_over_http(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        reply = phone.get("/favicon.ico")
        head = phone.head("/favicon.ico")
    assert reply.status_code == 200 and head.status_code == 200
    assert reply.headers["content-type"] == "image/x-icon"
    assert reply.content == (locations.web_static_dir() / "favicon.ico").read_bytes()
    assert len(reply.content) < 4096  # tiny: sent to every phone in the room
    # Kept, unlike the pages (which carry seats and answers and are never stored).
    cache = reply.headers["cache-control"]
    assert "no-store" not in cache and "public" in cache and "max-age=86400" in cache
    assert reply.headers["x-content-type-options"] == "nosniff"  # the other protective headers stay
    icon = Image.open(io.BytesIO(reply.content))
    assert icon.format == "ICO" and {(16, 16), (32, 32)} <= set(icon.info["sizes"])


def test_pages_name_the_icon(live_server: LiveServer, workshop_id: int) -> None:
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        for path in ("/", f"/j/{join_code(live_server.db, workshop_id)}", "/no-such-page"):
            page = phone.get(path)
            links = [link.attrs for link in parse(page.text).iter("link") if link.attrs.get("rel") == "icon"]
            assert [link["href"] for link in links] == ["/favicon.ico"], path
            assert phone.get(links[0]["href"]).status_code == 200
