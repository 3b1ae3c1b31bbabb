"""The participant server: phone pages, the remote and the API, served by FastAPI in worker processes."""

from workshop.web.app import create_app
from workshop.web.server import EmbeddedServer, bind_socket

__all__ = ["EmbeddedServer", "bind_socket", "create_app"]
