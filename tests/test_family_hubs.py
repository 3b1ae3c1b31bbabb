"""The Family Hubs lens: triangle ideas and ranking options name Access, Connection or Relationships.

Tagging and its refusals (core and over HTTP), the board naming the principle with no idea yet (phone
results and the TUI), the exports carrying the principle, and BLNS text staying inert beside a principle.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlmodel import select

from screens.app import WorkshopApp
from tests.helpers.data import activity, add_item, get_row, join_code, save
from tests.helpers.data import new_seat as seat
from tests.helpers.tui import wait_for_text
from tests.helpers.web import LiveServer
from tests.naughty import BLNS
from workshop import store
from workshop.activities.base import AnswerRefused
from workshop.activities.principles import CHOOSE, REQUIRED
from workshop.activities.ranking import Proposal, RankingActivity, RankingSettings
from workshop.activities.triangle import AddIdea, TriangleActivity, TriangleSummary
from workshop.blocks import Paragraph, Table
from workshop.db import Database, open_database
from workshop.locations import shipped_templates_dir
from workshop.models import AgendaItem, Entry, row_id
from workshop.templates import TemplateError, load_template

TRIANGLE = activity("triangle", TriangleActivity)
RANKING = activity("ranking", RankingActivity)
OPTIONS = ["Family hub front door", "Shared data", "Parent-infant support"]


def triangle(db: Database, workshop_id: int, **settings: object) -> AgendaItem:
    return add_item(db, workshop_id, "triangle", "Triangle", {"priority": "Early help", **settings})


def ranking(db: Database, workshop_id: int) -> AgendaItem:
    principles = {OPTIONS[0]: "access", OPTIONS[1]: "connection"}
    return add_item(db, workshop_id, "ranking", "Rank", {"candidates": OPTIONS, "principles": principles})


def board(db: Database, item: AgendaItem) -> TriangleSummary:
    with db.reading() as session:
        return TRIANGLE.summarise(session, get_row(session, AgendaItem, row_id(item)))


def stored(db: Database, item: AgendaItem) -> dict[str, str]:
    with db.reading() as session:
        return {e.text: e.principle for e in session.exec(select(Entry).where(Entry.item_id == item.id))}


# Core --------------------------------------------------------------------------------------------


def test_ideas_name_a_principle_and_the_board_says_which_has_none(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    empty = board(db, item)
    assert [p.name for p in empty.missing_principles] == ["Access", "Connection", "Relationships"]
    save(db, item, seat(db, workshop_id), AddIdea("One front door", "service", "b", "access"))
    save(db, item, seat(db, workshop_id), AddIdea("Parent forum", "community", "a", "relationships"))
    save(db, item, seat(db, workshop_id), AddIdea("Licensing", "civic", "c"))  # optional: names none
    summary = board(db, item)
    assert summary.by_principle == {"access": 1, "connection": 0, "relationships": 1}
    assert [p.key for p in summary.missing_principles] == ["connection"]
    assert stored(db, item) == {"One front door": "access", "Parent forum": "relationships", "Licensing": ""}


def test_unknown_or_missing_principle_is_refused_in_words(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id, principle_required=True)
    one = seat(db, workshop_id)
    with pytest.raises(AnswerRefused, match=REQUIRED):
        save(db, item, one, AddIdea("No principle", "civic", "a"))
    with pytest.raises(AnswerRefused, match=CHOOSE):
        save(db, item, one, AddIdea("Odd principle", "civic", "a", "kindness"))
    rank = ranking(db, workshop_id)
    with pytest.raises(AnswerRefused, match=CHOOSE):
        save(db, rank, one, Proposal("A proposal", "ACCESS"))
    assert stored(db, item) == {}


def test_template_options_carry_a_principle_and_bad_ones_are_named(db: Database, workshop_id: int) -> None:
    rank = ranking(db, workshop_id)
    assert stored(db, rank) == {OPTIONS[0]: "access", OPTIONS[1]: "connection", OPTIONS[2]: ""}
    save(db, rank, seat(db, workshop_id), Proposal("Relational practice training", "relationships"))
    assert stored(db, rank)["Relational practice training"] == "relationships"
    with pytest.raises(ValidationError, match="not one of the candidates"):
        RankingSettings.model_validate({"candidates": ["A"], "principles": {"B": "access"}})
    with pytest.raises(ValidationError, match="Choose access, connection or relationships"):
        RankingSettings.model_validate({"candidates": ["A"], "principles": {"A": "kindness"}})


def test_the_shipped_template_tags_the_ranking_and_keeps_the_triangle_optional() -> None:
    spec = load_template(shipped_templates_dir() / "cyp-integration.toml")
    settings = {item.kind: item.settings for item in spec.agenda if item.kind in ("ranking", "triangle")}
    assert settings["ranking"]["principles"]["Family Hubs as the way we join up services"] == "connection"
    assert settings["triangle"]["principle_required"] is False


def test_a_template_with_a_bad_principle_is_refused(tmp_path: Path) -> None:
    text = (shipped_templates_dir() / "cyp-integration.toml").read_text(encoding="utf-8")
    bad = text.replace(
        '"Better sharing and use of data across the system" = "connection"', '"Nope" = "access"'
    )
    path = tmp_path / "cyp-integration.toml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(TemplateError, match="principles names 'Nope', which is not one of the candidates"):
        load_template(path)


def test_exports_carry_the_principle(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    save(db, item, seat(db, workshop_id), AddIdea("One front door", "service", "b", "access"))
    rank = ranking(db, workshop_id)
    with db.reading() as session:
        tri = get_row(session, AgendaItem, row_id(item))
        tri_summary = TRIANGLE.summarise(session, tri)
        data = TRIANGLE.results(session, tri, tri_summary)
        blocks = TRIANGLE.report(session, tri, tri_summary)
        ranked = get_row(session, AgendaItem, row_id(rank))
        rank_summary = RANKING.summarise(session, ranked)
        rank_data = RANKING.results(session, ranked, rank_summary)
        rank_blocks = RANKING.report(session, ranked, rank_summary)
    [service] = [s for s in data.segments if s.segment.key == "service"]
    assert service.ideas[0].principle == "access"
    assert {c.key: c.count for c in data.by_principle} == {"access": 1, "connection": 0, "relationships": 0}
    assert data.missing_principles == ["connection", "relationships"]
    assert Paragraph("No connection ideas yet. No relationships ideas yet.") in blocks
    assert {o.option: o.principle for o in rank_data.borda.options} == {
        OPTIONS[0]: "access",
        OPTIONS[1]: "connection",
        OPTIONS[2]: None,
    }
    [places] = [b for b in rank_blocks if isinstance(b, Table) and b.headers[0] == "Place"]
    column = places.headers.index("Family Hubs principle")
    assert {row[2]: row[column] for row in places.rows}[OPTIONS[1]] == "Connection"
    assert Paragraph("No relationships options yet.") in rank_blocks


# Phone pages over HTTP ---------------------------------------------------------------------------


@pytest.fixture
def phone(live_server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        yield client


def test_phone_tags_an_idea_and_refuses_a_bad_principle(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    item = triangle(live_server.db, workshop_id, principle_required=True)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    phone.post(f"/j/{code}", data={})
    page = phone.get(f"/w/{code}").text
    assert "Which Family Hubs principle does it serve?" in page and 'id="principle-connection"' in page
    assert "None of these" not in page  # required: no way to name none
    missing = phone.post(url, data={"text": "Drop-in", "segment": "service", "question": "b"})
    assert missing.status_code == 422 and REQUIRED in missing.text
    odd = phone.post(url, data={"text": "Drop-in", "segment": "service", "question": "b", "principle": "x"})
    assert odd.status_code == 422 and CHOOSE in odd.text
    good = {"text": "Drop-in", "segment": "service", "question": "b", "principle": "connection"}
    assert phone.post(url, data=good).status_code == 303
    assert "Connection" in phone.get(f"/w/{code}").text
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    results = phone.get(f"/w/{code}").text
    assert "Family Hubs principles: Access 0 · Connection 1 · Relationships 0." in results
    assert "No access ideas yet. No relationships ideas yet." in results


def test_phone_proposes_an_option_with_a_principle(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    rank = ranking(live_server.db, workshop_id)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{rank.id}"
    phone.post(f"/j/{code}", data={})
    page = phone.get(f"/w/{code}").text
    assert 'Family hub front door <span class="hint">(Access)</span>' in page
    odd = phone.post(url, data={"action": "propose", "proposal": "Peer mentors", "principle": "kindness"})
    assert odd.status_code == 422 and CHOOSE in odd.text
    sent = {"action": "propose", "proposal": "Peer mentors", "principle": "relationships"}
    assert phone.post(url, data=sent).status_code in (200, 303)
    assert stored(live_server.db, rank)["Peer mentors"] == "relationships"


def test_naughty_ideas_stay_inert_beside_a_principle(
    live_server: LiveServer, phone: httpx.Client, workshop_id: int
) -> None:
    item = triangle(live_server.db, workshop_id, max_ideas_per_seat=30)
    code = join_code(live_server.db, workshop_id)
    url = f"/w/{code}/items/{item.id}"
    corpus = [text for text in BLNS if text.strip() and len(text) <= 200][:25]
    phone.post(f"/j/{code}", data={})
    for text in corpus:
        form = {"text": text, "segment": "community", "question": "a", "principle": "relationships"}
        reply = phone.post(url, data=form)
        assert reply.status_code in (303, 422), text  # saved, or refused in words (never a crash)
    with live_server.db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    page = phone.get(f"/w/{code}")
    assert page.status_code == 200 and "<script>alert" not in page.text
    assert set(stored(live_server.db, item).values()) <= {"relationships"}


# TUI ---------------------------------------------------------------------------------------------


def add_from_elsewhere(db: Database, workshop_id: int, item: AgendaItem, idea: AddIdea) -> None:
    other = open_database(db.url)  # a second handle stands in for the participant server
    try:
        save(other, item, seat(other, workshop_id), idea)
    finally:
        other.dispose()


@pytest.mark.tui
async def test_board_names_the_principle_with_no_idea(db: Database, workshop_id: int) -> None:
    item = triangle(db, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_for_text(pilot, app, "✖ Family Hubs: No access, connection or relationships ideas yet")
        naughty = AddIdea("[bold]Stay & play[/bold]", "service", "b", "access")
        await asyncio.to_thread(add_from_elsewhere, db, workshop_id, item, naughty)
        await asyncio.to_thread(
            add_from_elsewhere,
            db,
            workshop_id,
            item,
            AddIdea("Parent forum", "community", "a", "relationships"),
        )
        await wait_for_text(
            pilot,
            app,
            "✖ Family Hubs: No connection ideas yet (Access 1 · Relationships 1)",
            "(b) [Access] [bold]Stay & play[/bold]",
        )
        await asyncio.to_thread(
            add_from_elsewhere, db, workshop_id, item, AddIdea("Shared records", "civic", "c", "connection")
        )
        await wait_for_text(
            pilot, app, "✔ Family Hubs: every principle has an idea (Access 1 · Connection 1 ·"
        )
        await app.action_quit()
