"""An HTTP client that uses the facilitator remote as its pages do: every form post carries the form token."""

from __future__ import annotations

import re
from typing import Any

import httpx

TOKEN = re.compile(r'name="csrf" value="([^"]*)"')


def form_token(page: str) -> str:
    """The form token a remote page's forms carry."""
    found = TOKEN.search(page)
    assert found, "the remote page has no form token"
    return found.group(1)


class RemoteClient(httpx.Client):
    """Posts to ``/f/`` with the token read off the remote page, as a browser submitting its forms would."""

    def post(
        self, url: httpx.URL | str, *, data: dict[str, Any] | None = None, **kwargs: Any
    ) -> httpx.Response:  # type: ignore[override]
        if str(url).startswith("/f/"):
            data = {"csrf": form_token(self.get("/f/").text), **(data or {})}
        return super().post(url, data=data, **kwargs)
