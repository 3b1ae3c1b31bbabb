"""The participant server's graceful stop closes every connection, even one set up as the stop began.

The event loop accepts a connection, then sets it up a moment later. One accepted just before the listener
closed used to be missed by uvicorn's single round of "close after this reply", and went on serving a
keep-alive phone until the graceful timeout cancelled its request mid-write: the vote saved, the phone never
told. Here such a connection is made by hand, exactly as the loop makes one, once the stop has begun.
"""

from __future__ import annotations

import asyncio
import socket
from typing import TYPE_CHECKING

from uvicorn.protocols.http.h11_impl import H11Protocol

from workshop.web import EmbeddedServer, bind_socket

if TYPE_CHECKING:
    from uvicorn._types import ASGIReceiveCallable, ASGISendCallable, Scope

# Well inside the server's graceful timeout (3 s): a connection left open would hold the stop until then.
CLOSES_WITHIN = 2.0
REQUEST = b"GET / HTTP/1.1\r\nHost: phone\r\n\r\n"


async def hello(scope: Scope, receive: ASGIReceiveCallable, send: ASGISendCallable) -> None:
    await send({"type": "http.response.start", "status": 200, "headers": [(b"content-length", b"2")]})
    await send({"type": "http.response.body", "body": b"ok"})


async def read_to_end(reader: asyncio.StreamReader) -> bytes:
    """Everything the server sends until it closes the connection (a reset counts as closing: the
    connection was closed with the phone's request still unread)."""
    received = b""
    try:
        while chunk := await reader.read(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


async def test_a_connection_set_up_as_the_stop_began_is_closed_too() -> None:
    sock, _ = bind_socket("127.0.0.1", 0)
    server = EmbeddedServer(hello, sock)
    serving = asyncio.create_task(server.serve(sockets=[sock]))
    try:
        while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
            await asyncio.sleep(0.01)
        # The connection below is made as the listener makes them, with the protocol the app runs.
        assert server.config.http_protocol_class is H11Protocol
        server.should_exit = True
        while server.servers[0].is_serving():  # noqa: ASYNC110 - the listener closes as the stop begins
            await asyncio.sleep(0.005)

        # A phone's request already waits on a connection the loop sets up only now, after uvicorn asked
        # the connections it had to close.
        ours, phone = socket.socketpair()
        with phone:  # the server's end, ours, is the server's to close
            phone.sendall(REQUEST)
            await asyncio.get_running_loop().connect_accepted_socket(
                lambda: H11Protocol(config=server.config, server_state=server.server_state, app_state={}),
                sock=ours,
            )
            reader, writer = await asyncio.open_connection(sock=phone)
            # It is closed, at once if still idle or just after its reply; never kept alive.
            received = await asyncio.wait_for(read_to_end(reader), CLOSES_WITHIN)
            writer.close()
        assert received == b"" or (received.startswith(b"HTTP/1.1 200") and received.endswith(b"\r\n\r\nok"))
        assert received.count(b"HTTP/1.1") <= 1, received
        # And the server stopped without waiting out its graceful timeout to cancel anything.
        await asyncio.wait_for(asyncio.shield(serving), CLOSES_WITHIN)
        assert not server.server_state.tasks
    finally:
        server.force_exit = True
        await serving
