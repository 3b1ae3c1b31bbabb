"""The README's examples work as written: its curl line opens the current activity through the API."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.helpers.data import token_for
from tests.helpers.web import LiveServer
from workshop import store
from workshop.models import ItemState, row_id

README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.skipif(shutil.which("curl") is None, reason="needs curl")
def test_readme_curl_opens_the_current_activity(live_server: LiveServer, workshop_id: int) -> None:
    line = next(line for line in README.read_text(encoding="utf-8").splitlines() if line.startswith("curl "))
    url = re.search(r"http://\S+", line)
    assert url is not None
    with live_server.db.writing() as session:
        first = store.next_item(session, workshop_id)
        store.close_item(session, row_id(first))
    token = token_for(live_server.db, workshop_id)
    command = line.replace(url.group(0).split("/api/")[0], live_server.url).replace("$WORKSHOP_TOKEN", token)
    out = subprocess.run(
        [*shlex.split(command), "--silent", "--fail"], capture_output=True, text=True, timeout=30
    )
    assert out.returncode == 0, out.stderr
    with live_server.db.reading() as session:
        assert store.get_item(session, row_id(first)).state == ItemState.OPEN
