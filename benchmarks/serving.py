"""The participant server as the app runs it, on loopback, for a benchmark's phones."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any


@asynccontextmanager
async def embedded_server(db: Any) -> AsyncIterator[tuple[Any, Any]]:
    """Start the writer and the embedded server on a free loopback port; stop both afterwards.

    Yields:
        ``(server, writer)``: the server's ``port`` is where phones go; the writer keeps its counts.
    """
    # Imported here so that ``--help`` and the report need neither.
    from workshop.web import EmbeddedServer, bind_socket, create_app
    from workshop.writer import BatchWriter

    writer = BatchWriter(db)
    writer.start()
    sock, _notice = bind_socket("127.0.0.1", 0)
    server = EmbeddedServer(create_app(db, writer), sock)
    server.start()
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.01)
        yield server, writer
    finally:
        await server.stop()
        await asyncio.to_thread(writer.stop)
