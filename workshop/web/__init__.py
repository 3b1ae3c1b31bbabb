"""The participant server: phone pages served by FastAPI from the same process as the TUI."""

from workshop.web.app import create_app
from workshop.web.server import EmbeddedServer, bind_socket

__all__ = ["EmbeddedServer", "bind_socket", "create_app"]
