"""Cookies are Secure when the page came over HTTPS (a hosted server's TLS proxy says so), and only then:
a seat's cookie and the facilitator's token must never travel in clear text after a TLS page set them."""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.data import issue_token, join_code
from tests.helpers.web import LiveServer
from workshop.db import Database

# The test server believes X-Forwarded-* from loopback, as `serve --trusted-proxy 127.0.0.1` does.
OVER_TLS = {"X-Forwarded-Proto": "https"}


@pytest.mark.parametrize("tls", [True, False])
def test_a_seat_cookie_is_secure_only_over_https(
    live_server: LiveServer, db: Database, workshop_id: int, tls: bool
) -> None:
    code = join_code(db, workshop_id)
    with httpx.Client(base_url=live_server.url, headers=OVER_TLS if tls else {}) as phone:
        joined = phone.post(f"/j/{code}", data={})
    assert joined.status_code == 303
    cookie = joined.headers["set-cookie"]
    assert cookie.startswith(f"seat_{code}=") and "HttpOnly" in cookie
    assert ("Secure" in cookie) is tls


@pytest.mark.parametrize("tls", [True, False])
def test_the_facilitators_cookie_is_secure_only_over_https(
    live_server: LiveServer, db: Database, workshop_id: int, tls: bool
) -> None:
    token = issue_token(db, workshop_id)
    with httpx.Client(base_url=live_server.url, headers=OVER_TLS if tls else {}) as remote:
        signed_in = remote.get(f"/f/{token}")
    assert signed_in.status_code == 303
    cookie = signed_in.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie
    assert ("Secure" in cookie) is tls


def test_cookies_are_secure_when_phones_are_given_an_https_address(
    live_server: LiveServer, db: Database, workshop_id: int
) -> None:
    # A proxy in front that the server was not told to trust: the request looks like plain HTTP, but the
    # address phones were given is https, so the cookies must never travel in clear text.
    live_server.app.state.public_url = "https://workshop.example.org"
    code = join_code(db, workshop_id)
    token = issue_token(db, workshop_id)
    with httpx.Client(base_url=live_server.url) as phone:
        seat_cookie = phone.post(f"/j/{code}", data={}).headers["set-cookie"]
        remote_cookie = phone.get(f"/f/{token}").headers["set-cookie"]
    assert "Secure" in seat_cookie and "Secure" in remote_cookie
