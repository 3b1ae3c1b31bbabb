"""The participant server's supervisor on its own: giving up closes the address, and a stop is not kept
waiting by workers still loading."""

from __future__ import annotations

import errno
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from workshop.db import Database
from workshop.participant_server import ParticipantServer


def _refused(port: int) -> bool:
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
    except ConnectionRefusedError:
        return True
    return False


def test_a_worker_that_cannot_be_started_gives_up_and_refuses_phones(
    monkeypatch: pytest.MonkeyPatch, db: Database
) -> None:
    def no_more_processes(*_args: Any, **_kwargs: Any) -> Any:
        raise OSError(errno.EMFILE, "Too many open files")

    monkeypatch.setattr("workshop.participant_server.subprocess.Popen", no_more_processes)
    server = ParticipantServer(db.url, socket.create_server(("127.0.0.1", 0)))
    port = server.port
    try:
        assert not _refused(port)  # listening: the kernel queues a phone's connection
        server.start()
        assert server.failure == "a worker process could not be started ([Errno 24] Too many open files)"
        assert not server.wait_ready(timeout=5)
        assert _refused(port)  # nobody will take them: phones are refused at once, not left waiting
    finally:
        server.stop()


def test_a_stop_does_not_wait_for_workers_still_loading(tmp_path: Path, db: Database) -> None:
    cancel = threading.Event()
    with (tmp_path / "worker.log").open("w") as log:
        server = ParticipantServer(db.url, socket.create_server(("127.0.0.1", 0)), stderr=log)
        try:
            server.start()
            cancel.set()  # a signal arrives while the workers still load (about a second)
            began = time.monotonic()
            assert not server.wait_ready(timeout=30, cancel=cancel)
            assert time.monotonic() - began < 0.5
        finally:
            server.stop()
    assert server.pids == []
