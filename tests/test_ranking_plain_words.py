"""Issue 11, "plain words": ranking results say what the count does, and a late option gets no free points.

An option approved after some people had ranked used to get a share of those ballots' leftover points, so it
could outrank options they chose. Now a ballot shares its leftover only among the options it could have
ranked, and wherever a late option's points are shown it is marked, with the rule for its points.

The hand-worked example (four options A–D, each ballot ranks two; L approved after three ballots, so five):
with five options a 1st earns 4 points and a 2nd 3, and the three unranked options share 0 + 1 + 2, 1 each.

=========  =====  =====  =====  =====  =====
ballot     A      B      C      D      L
=========  =====  =====  =====  =====  =====
A, B       4      3      1      1      0 (was 1)
A, C       4      1      3      1      0 (was 1)
B, A       3      4      1      1      0 (was 1)
L, D       1      1      1      3      4
total      12     9      6      6      4 (was 7, above C and D that the first ballots chose or left)
=========  =====  =====  =====  =====  =====
"""

from __future__ import annotations

import httpx
import pytest

from tests.helpers.data import add_item, join_code, new_seat, save
from tests.helpers.ranking import ids, summary
from tests.helpers.tui import screen_lines, screen_text, wait_for
from tests.helpers.web import LiveServer
from workshop import store
from workshop.activities.ranking import Ballot, Proposal
from workshop.activities.ranking.results import PLAIN_METHOD
from workshop.db import Database
from workshop.exports import markdown
from workshop.exports.pack import build_pack
from workshop.models import AgendaItem, EntryStatus, row_id
from workshop.ranking import BordaRule, borda
from workshop.store.entries import set_entry_status

EARLY = (("A", "B"), ("A", "C"), ("B", "A"))
LATE_NOTE = "added after voting began: no points from the 3 rankings sent before it was added"


def test_a_late_option_gets_no_leftover_from_ballots_that_never_saw_it() -> None:
    options = ("A", "B", "C", "D", "L")
    ballots = [*EARLY, ("L", "D")]
    before = borda(options, ballots, BordaRule.SHARED).scores
    assert before == {"A": 12, "B": 9, "C": 6, "D": 6, "L": 7}  # the old count: L above C and D
    after = borda(options, ballots, BordaRule.SHARED, late={"L": 3}).scores
    assert after == {"A": 12, "B": 9, "C": 6, "D": 6, "L": 4}
    # A ballot that ranks the option saw it, whatever ``late`` says: its points are not taken twice.
    assert borda(options, ballots, BordaRule.SHARED, late={"L": 4}).scores == after
    # The rules that give unranked options nothing are unchanged.
    for rule in (BordaRule.ZERO, BordaRule.MODIFIED):
        assert borda(options, ballots, rule, late={"L": 3}).scores == borda(options, ballots, rule).scores


def _the_room(db: Database, workshop_id: int) -> AgendaItem:
    """The example above, through storage: three ballots, L approved, then one ballot that ranks L."""
    item = add_item(
        db, workshop_id, "ranking", "Priorities", {"candidates": ["A", "B", "C", "D"], "top_n": 2}
    )
    known = ids(db, item)
    for ballot in EARLY:
        save(db, item, new_seat(db, workshop_id), Ballot(tuple(known[t] for t in ballot)))
    save(db, item, new_seat(db, workshop_id), Proposal("L"))
    with db.writing() as session:
        set_entry_status(session, ids(db, item)["L"], EntryStatus.APPROVED)
    known = ids(db, item)
    save(db, item, new_seat(db, workshop_id), Ballot((known["L"], known["D"])))
    return item


def test_the_count_cannot_put_a_late_option_above_ones_people_chose(db: Database, workshop_id: int) -> None:
    result = summary(db, _the_room(db, workshop_id))
    rows = [(r.text, r.score, r.missed) for r in result.results]
    assert rows == [("A", 12, 0), ("B", 9, 0), ("C", 6, 0), ("D", 6, 0), ("L", 4, 3)]
    assert result.results[-1].late == LATE_NOTE and result.results[0].late == ""
    assert result.explained.startswith(PLAIN_METHOD) and "gets nothing from that ranking" in result.explained


def test_options_approved_before_anyone_ranked_are_not_marked(db: Database, workshop_id: int) -> None:
    item = add_item(db, workshop_id, "ranking", "Priorities", {"candidates": ["A", "B"], "top_n": 1})
    save(db, item, new_seat(db, workshop_id), Proposal("C"))
    with db.writing() as session:
        set_entry_status(session, ids(db, item)["C"], EntryStatus.APPROVED)
    save(db, item, new_seat(db, workshop_id), Ballot((ids(db, item)["C"],)))
    result = summary(db, item)
    assert [(r.text, r.score, r.missed) for r in result.results] == [
        ("C", 2, 0),
        ("A", 0.5, 0),
        ("B", 0.5, 0),
    ]
    assert result.explained == PLAIN_METHOD


def test_the_phone_results_say_it_in_words(live_server: LiveServer, workshop_id: int) -> None:
    db = live_server.db
    item = _the_room(db, workshop_id)
    with db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    code = join_code(db, workshop_id)
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as client:
        assert client.post(f"/j/{code}", data={}).status_code == 303
        page = client.get(f"/w/{code}").text
    assert "The room's ranking" in page and PLAIN_METHOD in page
    assert (
        LATE_NOTE in page and "An option added after someone ranked gets nothing from that ranking." in page
    )
    assert "Method: Borda count (rule c). Also checked head to head (Schulze method)." in page
    assert page.count("Borda") == 1 and page.count("Schulze") == 1  # only in the details line


def test_the_pack_says_it_in_words(db: Database, workshop_id: int) -> None:
    _the_room(db, workshop_id)
    with db.reading() as session:
        md = markdown.render(build_pack(session, workshop_id))
    rule = "Points by position: with 5 options, 1st gets 4 points, 2nd 3, and so on down"
    assert f"{rule}; options someone left unranked share what is left." in md
    assert "L (added after voting began)" in md and "gets nothing from that ranking" in md
    schulze = [line for line in md.splitlines() if "Schulze" in line]
    assert schulze == ["Also checked head to head (Schulze method)."]
    assert [line for line in md.splitlines() if "Borda" in line] == ["Method: Borda count (rule c)."]


@pytest.mark.tui
async def test_the_live_view_says_it_in_words(db: Database, workshop_id: int) -> None:
    from screens.app import WorkshopApp
    from screens.views.ranking import RankingView

    _the_room(db, workshop_id)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)
    async with app.run_test(size=(120, 50)) as pilot:
        await wait_for(pilot, lambda: bool(app.screen.query(RankingView)))
        await wait_for(pilot, lambda: "4 of 5 joined have ranked" in screen_text(app))
        # The item line can show the count a frame before the view draws its results: wait for those too.
        await wait_for(pilot, lambda: PLAIN_METHOD in " ".join(screen_text(app).split()))
        text = " ".join(screen_text(app).split())
        assert PLAIN_METHOD in text and "Points" in text
        assert "gets nothing from that ranking" in text
        assert LATE_NOTE in " ".join(" ".join(screen_lines(app)).split())
        details = [line for line in screen_lines(app) if "Schulze" in line or "Borda" in line]
        assert [" ".join(line.split()) for line in details] == [
            "Method: Borda count (rule c). Also checked head to head (Schulze method)."
        ]
        await pilot.press("q")
