"""Plain ASGI middleware for every response: a body size limit and protective headers.

Written against ASGI directly: Starlette's ``@app.middleware("http")`` wraps each request in extra tasks and
streams, which measured as a fifth of the event loop's time in a burst of votes (benchmarks/README.md).
"""

from __future__ import annotations

import logging
from typing import Any

log = logging.getLogger(__name__)

Scope = dict[str, Any]
Message = dict[str, Any]

SECURITY_HEADERS = [
    # Pages carry a participant's answers and seat: never cache them, never frame them.
    (b"cache-control", b"no-store"),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]
_SECURITY_NAMES = frozenset(name for name, _ in SECURITY_HEADERS)
TOO_LARGE = (
    b"<!doctype html><title>Too much data</title><h1>Too much data</h1>"
    b"<p>That form was larger than this server accepts.</p>"
)
CRASHED_PAGE = (
    b"<!doctype html><title>Something went wrong</title><h1>Something went wrong</h1>"
    b"<p>The server could not finish that. Go back and try again.</p>"
)
CRASHED_JSON = b'{"detail":"internal server error"}'


class GuardMiddleware:
    """Refuses request bodies over ``max_body`` bytes (declared or streamed) and adds the headers above.

    It also answers for a handler that crashed. Starlette's own 500 comes from its outermost layer, outside
    this one, so it would go out without the headers; here the crash is logged and a 500 sent through them.
    """

    def __init__(self, app: Any, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_body):
            await self._refuse(scope, send)
            return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message: Message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:  # a chunked body that never said how long it was
                    raise BodyTooLarge
            return message

        async def with_headers(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
                headers = list(message.get("headers", ()))
                # Almost no response sets any of these four: then all go on at once, with no set built.
                if _SECURITY_NAMES.isdisjoint(name.lower() for name, _ in headers):
                    headers += SECURITY_HEADERS
                else:
                    names = {name.lower() for name, _ in headers}
                    headers += [(name, value) for name, value in SECURITY_HEADERS if name not in names]
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, limited_receive, with_headers)
        except BodyTooLarge:
            await self._refuse(scope, send)
        except Exception:
            if started:  # part of a reply has gone: nothing sensible can follow it
                raise
            log.exception("%s %s failed", scope.get("method"), scope.get("path"))
            await self._crashed(scope, send)

    async def _refuse(self, scope: Scope, send: Any) -> None:
        # API clients read every refusal as JSON with a `detail` (the schema says so); phones get a page.
        api = str(scope.get("path", "")).startswith("/api/")
        kind = b"application/json" if api else b"text/html; charset=utf-8"
        body = b'{"detail":"the body is larger than this server accepts: at most %d bytes"}' % self.max_body
        headers = [(b"content-type", kind), *SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": body if api else TOO_LARGE})

    @staticmethod
    async def _crashed(scope: Scope, send: Any) -> None:
        api = str(scope.get("path", "")).startswith("/api/")
        kind = b"application/json" if api else b"text/html; charset=utf-8"
        headers = [(b"content-type", kind), *SECURITY_HEADERS]
        await send({"type": "http.response.start", "status": 500, "headers": headers})
        await send({"type": "http.response.body", "body": CRASHED_JSON if api else CRASHED_PAGE})


class BodyTooLarge(Exception):
    """Raised inside the app when a streamed body passes the limit."""
