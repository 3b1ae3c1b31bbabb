"""The participant server's ASGI app: FastAPI, with the phones' pages served on a short path of their own.

A phone's request (``/j/...``, ``/w/...``) crossed seven layers before its route: FastAPI's error,
telemetry, body-limit and exit-stack middleware, the guard, the exception handlers and two routers. Each
is a few microseconds, and a phone makes nine requests: about a tenth of a worker's CPU in a burst
(benchmarks/README.md, fifth round). Those requests now go through the guard, the same exception
handlers and a router of the phone routes only; everything else (the remote, the API and its schema, the
start page, static files) goes through FastAPI as before.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI
from starlette.middleware.exceptions import ExceptionMiddleware
from starlette.routing import BaseRoute, Router
from starlette.types import ASGIApp, Receive, Scope, Send

# Every path under these is a phone route: no route of FastAPI's routers starts with them (a test checks).
PHONE_PREFIXES = ("/j/", "/w/")


class ParticipantApp(FastAPI):
    """FastAPI, except that requests under :data:`PHONE_PREFIXES` go straight to the phone routes.

    The phone routes stay in FastAPI's router as well, so ``routes`` lists every route the app answers,
    and answer there when the app has a ``root_path`` (behind a proxy's prefix: the slow path, still right).
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._phone_routes: list[BaseRoute] = []
        self._phones: ASGIApp | None = None

    def serve_phones(self, routes: Sequence[BaseRoute]) -> None:
        """Answer ``routes`` first: on the short path for their prefixes, and in FastAPI's router too."""
        self._phone_routes = list(routes)
        self.router.routes[:0] = self._phone_routes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.root_path and scope["path"].startswith(PHONE_PREFIXES):
            if self._phones is None:
                self._phones = self._phone_stack()
            scope["app"] = self  # request.app is this app: its state, templates and handlers
            scope["router"] = self.router  # and url_for knows every route, not only the phones'
            await self._phones(scope, receive, send)
            return
        await super().__call__(scope, receive, send)

    def _phone_stack(self) -> ASGIApp:
        """The user middleware (the guard, which also answers for crashes) around the same exception
        handlers as FastAPI's, around a router of the phone routes; built at the first phone request, when
        every handler and middleware has been added."""
        handlers = {key: on for key, on in self.exception_handlers.items() if key not in (500, Exception)}
        app: ASGIApp = ExceptionMiddleware(Router(routes=self._phone_routes), handlers=handlers)
        for cls, args, kwargs in reversed(self.user_middleware):
            app = cls(app, *args, **kwargs)
        return app
