"""Abbreviations a participant may not know are spelled out where they are first used: in the words of the
shipped templates (each string can be a page of its own, such as a level's descriptor on the phone), in the
phone pages and the terminal's screens. Identifiers (a template's name, ``cyp-integration``) are not words
anyone reads, and are left alone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.helpers.data import join_code, start_kind
from tests.helpers.html_tree import parse
from tests.helpers.web import LiveServer
from workshop import locations
from workshop.templates import load_template

ROOT = Path(__file__).resolve().parents[1]
SPELLED_OUT = {"CYP": "children and young people"}
# Fields that identify, not describe: never shown as words (a factor's name is shown; the template's is not).
IDENTIFIERS = {"key", "kind", "source"}


def _words(value: object, field: str = "") -> Iterator[str]:
    if isinstance(value, str):
        if field not in IDENTIFIERS:
            yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield from _words(inner, str(key))
    elif isinstance(value, list | tuple):
        for inner in value:
            yield from _words(inner, field)


def unexplained(text: str) -> list[str]:
    """The abbreviations in ``text`` whose first use is not "spelled out (ABBR)"."""
    missing = []
    for short, long in SPELLED_OUT.items():
        first = re.search(rf"\b{short}\b", text)
        if first and not text[: first.start()].lower().endswith(f"{long} ("):
            missing.append(short)
    return missing


def test_the_check_itself() -> None:
    assert unexplained("no shared purpose statement for CYP.") == ["CYP"]
    assert unexplained("for children and young people (CYP), then CYP again") == []
    assert unexplained("the cyp-integration template") == []
    assert unexplained("CYP first, then children and young people (CYP)") == ["CYP"]


@pytest.mark.parametrize("path", sorted(locations.shipped_templates_dir().glob("*.toml")), ids=str)
def test_shipped_template_words_spell_out_abbreviations(path: Path) -> None:
    spec = load_template(path)
    shown = spec.model_dump()
    shown.pop("name")
    found = [(text, unexplained(text)) for text in _words(shown)]
    assert [pair for pair in found if pair[1]] == []


@pytest.mark.parametrize(
    "folder", [ROOT / "workshop" / "web" / "templates", ROOT / "screens"], ids=["phone pages", "screens"]
)
def test_pages_and_screens_spell_out_abbreviations(folder: Path) -> None:
    for path in sorted(p for p in folder.rglob("*") if p.suffix in {".html", ".py", ".tcss"}):
        assert unexplained(path.read_text(encoding="utf-8")) == [], path


def test_the_phone_spells_out_cyp_on_the_maturity_page(live_server: LiveServer, workshop_id: int) -> None:
    start_kind(live_server.db, workshop_id, "maturity")
    with httpx.Client(base_url=live_server.url, timeout=10) as phone:
        code = join_code(live_server.db, workshop_id)
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        page = phone.get(f"/w/{code}")
    main = next(parse(page.text).iter("main")).text()
    assert "children and young people (CYP)" in main  # the first factor's first level
    assert unexplained(main) == []
