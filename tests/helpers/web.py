"""The participant server and the browsers that talk to it: a free port, the live server's handle, Debian's
Chromium and its flags, a phone page, and the facilitator remote's form token."""

from __future__ import annotations

import re
import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from playwright.sync_api import Page, sync_playwright

from workshop.db import Database
from workshop.writer import BatchWriter

# Browser tests drive Debian's Chromium: Playwright cannot download its own browsers here.
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
OpenPage = Callable[..., Page]
TOKEN = re.compile(r'name="csrf" value="([^"]*)"')


def free_port() -> int:
    """A loopback port that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LiveServer:
    """A real participant server on loopback, serving ``db`` (made by the ``live_server`` fixture)."""

    url: str
    db: Database
    writer: BatchWriter
    app: FastAPI


@contextmanager
def phone_page() -> Iterator[Page]:
    """A 320-pixel phone page in its own Playwright run, so no event loop outlives the test."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        context = browser.new_context(viewport={"width": 320, "height": 640}, is_mobile=True, has_touch=True)
        context.set_default_timeout(10_000)
        try:
            yield context.new_page()
        finally:
            browser.close()


def form_token(page: str) -> str:
    """The form token a remote page's forms carry."""
    found = TOKEN.search(page)
    assert found, "the remote page has no form token"
    return found.group(1)


class RemoteClient(httpx.Client):
    """Posts to ``/f/`` with the token read off the remote page, as a browser submitting its forms would."""

    def post(self, url: httpx.URL | str, **kwargs: Any) -> httpx.Response:
        if str(url).startswith("/f/"):
            kwargs["data"] = {"csrf": form_token(self.get("/f/").text), **(kwargs.get("data") or {})}
        return super().post(url, **kwargs)
