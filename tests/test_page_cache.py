"""The form page rendered once for every seat with the same context (web/page_tools.py render_for_seat)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from workshop import locations, store
from workshop.activities.maturity import load_structure
from workshop.db import Database
from workshop.models import AgendaItem, row_id
from workshop.store.agenda import ItemEdit, edit_item
from workshop.web import create_app
from workshop.web.guards import PageCache
from workshop.web.page_tools import SEAT_CODE_SLOT, fingerprint
from workshop.writer import BatchWriter

SEAT_CODE = re.compile(r'Your seat code is <strong class="code">([^<]*)</strong>')


@dataclass
class Worker:
    """One of two apps on one database, each with its own caches: two worker processes, in one."""

    client: TestClient
    cache: PageCache


@pytest.fixture
def workers(db: Database) -> Iterator[tuple[Worker, Worker]]:
    with ExitStack() as stack:
        made = []
        for _ in range(2):
            writer = BatchWriter(db)
            writer.start()
            stack.callback(writer.stop)
            app = create_app(db, writer)
            client = stack.enter_context(TestClient(app, follow_redirects=False))
            made.append(Worker(client, app.state.page_cache))
        yield made[0], made[1]


def join(client: TestClient, code: str) -> str:
    """A new seat's cookie, joined through ``client``; the cookie stays in the client."""
    client.cookies.clear()
    joined = client.post(f"/j/{code}", data={"organisation": "", "role_level": ""})
    assert joined.status_code == 303
    return str(joined.cookies[f"seat_{code}"])


def seat_code(page: str) -> str:
    found = SEAT_CODE.search(page)
    assert found is not None
    return found.group(1)


def form_page(client: TestClient, code: str, cookie: str, step: str = "") -> str:
    client.cookies.clear()
    client.cookies.set(f"seat_{code}", cookie)
    page = client.get(f"/w/{code}" + (f"?step={step}" if step else ""))
    assert page.status_code == 200
    return str(page.text)


def test_each_seat_sees_its_own_code_and_answers_on_a_shared_page(
    db: Database, workshop_id: int, maturity_item: AgendaItem, workers: tuple[Worker, Worker]
) -> None:
    first, cache = workers[0].client, workers[0].cache
    with db.reading() as session:
        code = store.get_workshop(session, workshop_id).join_code
        structure = load_structure(session, workshop_id)
    seats = [join(first, code) for _ in range(3)]
    pages = [form_page(first, code, seat) for seat in seats]
    codes = [seat_code(page) for page in pages]
    with db.reading() as session:
        expected = [store.seat_by_token(session, workshop_id, seat) for seat in seats]
    assert codes == [seat.code for seat in expected if seat is not None]
    # Apart from the code, the same page: rendered once, and never with the slot showing.
    assert len({page.replace(c, "") for page, c in zip(pages, codes, strict=True)}) == 1
    assert all(SEAT_CODE_SLOT not in page for page in pages)
    assert len(cache) == 1

    # A seat that saved factor 1 sees its own answers there; another seat still sees none.
    factor = structure.factors[0]
    answers = {structure.field_name(factor, h): "4" for h in structure.horizons}
    first.cookies.set(f"seat_{code}", seats[0])
    saved = first.post(
        f"/w/{code}/items/{maturity_item.id}",
        data={"step": "1", "go": "next", f"c-{factor.key}": "", **answers},
    )
    assert saved.status_code == 303
    mine = form_page(first, code, seats[0], "1")
    theirs = form_page(first, code, seats[1], "1")
    name = structure.field_name(factor, structure.horizons[0])
    assert f'name="{name}" value="4" checked' in mine
    assert "checked" not in theirs
    assert seat_code(mine) == codes[0] and seat_code(theirs) == codes[1]


def test_a_change_made_by_another_process_shows_at_once(
    db: Database, workshop_id: int, maturity_item: AgendaItem, workers: tuple[Worker, Worker]
) -> None:
    first = workers[0].client
    with db.reading() as session:
        code = store.get_workshop(session, workshop_id).join_code
    seat = join(first, code)
    assert "Rename me <b>" not in form_page(first, code, seat)
    # Not through this app: as the TUI or another worker would, straight in the database.
    with db.writing() as session:
        edit_item(session, row_id(maturity_item), ItemEdit(title="Rename me <b>"))
    page = form_page(first, code, seat)
    assert "Rename me &lt;b&gt;" in page and "Rename me <b>" not in page


def test_fingerprint_tells_contents_apart_and_refuses_what_it_cannot_read() -> None:
    assert fingerprint({"a": [1, "x"]}) == fingerprint({"a": [1, "x"]})
    assert fingerprint({"a": [1, "x"]}) != fingerprint({"a": ["1", "x"]})
    assert fingerprint({"a": 1, "b": 2}) != fingerprint({"b": 2, "a": 1})  # a page shows them in order
    assert fingerprint(True) != fingerprint(1)
    with pytest.raises(Exception, match="object"):
        fingerprint({"a": object()})


def test_templates_read_only_the_seat_code() -> None:
    """A page rendered for any seat carries only its code: a template reading more would show another's."""
    root = Path(locations.web_templates_dir())
    allowed = re.compile(r"\bseat\s*\.\s*code\b|\bif\s+(?:not\s+)?seat\b(?!\s*[.\[|])")
    other_uses = [
        f"{path.name}: {block.strip()}"
        for path in root.rglob("*.html")
        # Only what Jinja reads (expressions and statements), not the page's words ("your seat").
        for block in re.findall(r"\{[{%](.*?)[%}]\}", path.read_text(encoding="utf-8"), re.DOTALL)
        if re.search(r"\bseat\b", allowed.sub("", block))
    ]
    # seat.code and "is there a seat" only: an item, a filter, an alias or any other attribute would read
    # something of one seat into a page that is served to others.
    assert other_uses == []


def test_templates_read_only_the_workshops_code_and_title() -> None:
    """The form page cache keys the workshop by its id, join code and title alone (page_tools.py): a
    template reading any other field would be served stale."""
    root = Path(locations.web_templates_dir())
    fields = {
        field
        for path in root.rglob("*.html")
        for block in re.findall(r"\{[{%](.*?)[%}]\}", path.read_text(encoding="utf-8"), re.DOTALL)
        for field in re.findall(r"\bworkshop\s*(?:\.\s*(\w+)|(\[|\|))", block)
    }
    assert fields <= {("join_code", ""), ("title", "")}, fields
