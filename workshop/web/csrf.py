"""Refuses forged posts to the facilitator remote: a form token tied to its cookie, and an Origin check.

The remote's cookie is SameSite=Strict, but "site" ignores the port and the subdomain: a page served from
another port of the laptop, or from a sibling subdomain behind ``--public-url``, is the same site, and a
hidden form it submits carries the cookie. Such a page cannot read the remote, so it cannot know the token
each remote form carries; and a browser names the page a form came from in ``Origin``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from urllib.parse import urlsplit

from starlette.requests import Request

FIELD = "csrf"
DEFAULT_PORTS = {"http": 80, "https": 443}
# The remote's own pages send their origin with a form (Chromium sends "Origin: null" from a page whose
# policy is no-referrer, which the participant pages use). Same-origin still tells other sites nothing.
REFERRER_POLICY = "same-origin"

FOREIGN = (
    "That request came from another web page, not from the remote, so nothing was changed. "
    "Use the buttons on the remote itself."
)
STALE = (
    "That form was out of date or did not come from the remote (for example, the facilitator's laptop "
    "restarted since the page was opened), so nothing was changed. Go back to the remote and try again."
)


def form_token(secret: bytes, cookie: str) -> str:
    """The token the remote's forms carry for this cookie; without the server's secret, nobody can make it."""
    return hmac.new(secret, cookie.encode(), hashlib.sha256).hexdigest()


def origin_of(url: str) -> str | None:
    """``scheme://host:port`` of an address, with the default port written out; None if it has none."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme)
    except ValueError:  # a port that is not a number, or out of range
        return None
    if not parts.scheme or not parts.hostname or port is None:
        return None
    return f"{parts.scheme.lower()}://{parts.hostname.lower()}:{port}"


def own_origins(request: Request, public_url: str | None) -> set[str]:
    """The origins the remote is served from: the address this request came to, and the public one."""
    candidates: Iterable[str] = (str(request.url), *([public_url] if public_url else []))
    return {origin for origin in map(origin_of, candidates) if origin is not None}


def refusal(
    request: Request, sent_token: str, secret: bytes, cookie: str, public_url: str | None
) -> str | None:
    """Why a post to the remote must be refused (a message for the facilitator), or None to carry it out."""
    # Origin first, then Referer when a browser sent no Origin; neither present says nothing either way.
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is not None and origin_of(claimed) not in own_origins(request, public_url):
        return FOREIGN  # "null" (a sandboxed or privacy-minded page) is never ours either
    expected = form_token(secret, cookie)
    # Compared as bytes: compare_digest refuses a str with characters outside ASCII.
    if not hmac.compare_digest(sent_token.encode(), expected.encode()):
        return STALE
    return None
