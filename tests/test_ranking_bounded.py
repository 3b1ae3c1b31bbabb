"""A ranking's count stays small however many options a room adds, and runs once per change, not per request.

Issue 8: counting 314 options took 15 s (Schulze's paths over every option), and the triangle that follows
the ranking's leader recounted on every phone request, so the server's threads filled and nothing answered.
Work is measured here by counting operations (hashes of the options), never by the clock.
"""

from __future__ import annotations

import html
import random
import re
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.helpers.data import activity, add_item, get_row, join_code
from tests.helpers.web import LiveServer
from workshop import ranking, store, usecases
from workshop.activities.ranking import Ballot, RankingActivity, RankingSummary
from workshop.db import Database
from workshop.models import AgendaItem, EntryStatus, row_id

ROOT = Path(__file__).resolve().parents[1]
RANKING = activity("ranking", RankingActivity)


class Key(int):
    """An option id that counts how often it is hashed: every dictionary or set step of a count."""

    hashed = 0

    def __hash__(self) -> int:
        Key.hashed += 1
        return int.__hash__(self)


def work(options: Sequence[int], ballots: Sequence[Sequence[int]]) -> int:
    """Dictionary and set steps one full count takes."""
    Key.hashed = 0
    ranking.tally(options, ballots, depth=3)
    return Key.hashed


def book_schulze(options: Sequence[int], ballots: Sequence[Sequence[int]]) -> tuple[tuple[int, ...], ...]:
    """Schulze by the book over ``options``: every pair counted from the ballots, paths over all."""

    def prefers(ballot: Sequence[int], x: int, y: int) -> bool:
        return x in ballot and (y not in ballot or ballot.index(x) < ballot.index(y))

    d = {x: {y: sum(prefers(b, x, y) for b in ballots) for y in options if y != x} for x in options}
    p = {x: {y: d[x][y] if d[x][y] > d[y][x] else 0 for y in options if y != x} for x in options}
    for i in options:
        for j in options:
            for k in options:
                if len({i, j, k}) == 3:
                    p[j][k] = max(p[j][k], min(p[j][i], p[i][k]))
    tiers, remaining = [], list(options)
    while remaining:
        tier = tuple(x for x in remaining if not any(p[y][x] > p[x][y] for y in remaining if y != x))
        tiers.append(tier)
        remaining = [x for x in remaining if x not in tier]
    return tuple(tiers)


def test_schulze_compares_the_most_ranked_options_and_says_so() -> None:
    """Past the limit Schulze orders the options ranked most, exactly, and the rest share last place."""
    rng = random.Random(8)
    options = tuple(range(90))
    ballots = [tuple(rng.sample(options, 3)) for _ in range(150)]
    result = ranking.tally(options, ballots, depth=3).schulze
    compared, left_out = result.compared, result.left_out
    assert len(compared) == ranking.SCHULZE_LIMIT == 60 and result.limited
    times = {x: sum(x in b for b in ballots) for x in options}
    assert min(times[x] for x in compared) >= max(times[x] for x in left_out)
    assert result.standing.tiers[:-1] == book_schulze(compared, ballots)
    assert result.standing.tiers[-1] == tuple(x for x in options if x not in compared)
    # Under the limit nothing is left out, and options nobody ranked (which lose to every ranked one) share
    # last place: exactly Schulze's order over every option.
    few = [tuple(rng.sample(options[:10], 3)) for _ in range(30)]
    small = ranking.schulze(options[:12], few)
    assert not small.limited and small.standing.tiers[-1] == (10, 11)
    assert small.standing.tiers == book_schulze(options[:12], few)


def test_the_count_grows_with_the_ballots_not_with_the_options() -> None:
    """Twice the options (the ballots the same) costs at most about twice the work, never eight times."""
    rng = random.Random(3)
    keys = [Key(n) for n in range(160)]
    ballots = [tuple(rng.sample(keys[:40], 3)) for _ in range(200)]
    smaller, larger = work(keys[:80], ballots), work(keys, ballots)
    assert larger < 2.5 * smaller, (smaller, larger)


def test_instant_runoff_gives_up_within_its_budget() -> None:
    """600 options tied on one vote each: too many ways round to try; the count says so, quickly."""
    options = [Key(n) for n in range(600)]
    Key.hashed = 0
    result = ranking.irv(options, [(option,) for option in options])
    assert not result.complete and result.winners == tuple(options)
    # Two budgets (the search, the rounds shown), each a handful of dictionary and set steps a unit.
    assert Key.hashed < 10 * ranking.IRV_WORK_LIMIT


@pytest.fixture
def counts(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """One entry for every count of a ranking's ballots, wherever the counting function was imported."""
    calls: list[int] = []
    original = ranking.tally

    def counting(*args: Any, **kwargs: Any) -> Any:
        calls.append(1)
        return original(*args, **kwargs)

    for name, module in list(sys.modules.items()):
        if name.startswith("workshop") and getattr(module, "tally", None) is original:
            monkeypatch.setattr(module, "tally", counting)
    return calls


def ranking_with_ballots(db: Database, workshop_id: int, options: int, ballots: int) -> AgendaItem:
    """A started ranking (key ``rank``) of ``options`` options and ``ballots`` ballots, option 0 leading."""
    candidates = {"candidates": [f"Option {n}" for n in range(options)]}
    item = add_item(db, workshop_id, "ranking", "Rank", candidates, key="rank")
    rng = random.Random(5)
    with db.writing() as session:
        ids = [row_id(e) for e in store.entries.entries(session, row_id(item))]
        for _ in range(ballots):
            seat = store.join(session, workshop_id)
            usecases.save_response(
                session, row_id(item), row_id(seat), Ballot((ids[0], *rng.sample(ids[1:], 2)))
            )
    return item


def summarise(db: Database, item_id: int) -> RankingSummary:
    with db.reading() as session:
        return RANKING.summarise(session, get_row(session, AgendaItem, item_id))


def test_the_triangle_page_counts_the_ranking_once_per_change(
    live_server: LiveServer, workshop_id: int, counts: list[int]
) -> None:
    """Phones on the triangle reuse one count; ideas change the workshop, not the ranking; a ballot does."""
    db = live_server.db
    rank = ranking_with_ballots(db, workshop_id, 8, 6)
    triangle = add_item(db, workshop_id, "triangle", "Ideas", {"priority": "Ours", "priority_from": "rank"})
    code = join_code(db, workshop_id)
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        for _ in range(5):
            assert "Option 0" in phone.get(f"/w/{code}").text
            assert phone.get(f"/w/{code}/status").status_code == 200
        assert len(counts) == 1
        idea = {"text": "Youth panel", "segment": "community", "question": "b"}
        assert phone.post(f"/w/{code}/items/{triangle.id}", data=idea).status_code == 303
        assert "Youth panel" in phone.get(f"/w/{code}").text
        assert len(counts) == 1  # the workshop changed, the ranking did not
        with db.writing() as session:  # the facilitator hides the leader: the ranking changes
            leader = store.entries.entries(session, row_id(rank))[0]
            store.entries.set_entry_status(session, row_id(leader), EntryStatus.HIDDEN)
        for _ in range(3):
            page = phone.get(f"/w/{code}").text
            assert "Option 0" not in page and re.search(r"Option [1-7]\b", page)
        assert len(counts) == 2


def test_revealed_results_list_the_top_places_on_phones(live_server: LiveServer, workshop_id: int) -> None:
    """A phone lists the top 20 places and says how many more there are: every option made pages huge."""
    db = live_server.db
    item = ranking_with_ballots(db, workshop_id, 25, 10)
    with db.writing() as session:
        store.set_revealed(session, row_id(item), True)
    code = join_code(db, workshop_id)
    with httpx.Client(base_url=live_server.url, follow_redirects=False, timeout=10) as phone:
        assert phone.post(f"/j/{code}", data={}).status_code == 303
        page = phone.get(f"/w/{code}").text
    shown = re.search(r'<section class="results".*?</section>', page, re.S)
    assert shown is not None and shown[0].count('<li class="ranking-item">') == 20
    assert "5 more options are not listed here: the facilitator has the full results." in shown[0]


def test_one_count_serves_every_reader_at_once(db: Database, workshop_id: int, counts: list[int]) -> None:
    """Server threads, the TUI's live view and the export reading together share one count."""
    from workshop.exports.pack import build_pack
    from workshop.live import load_snapshot

    item = ranking_with_ballots(db, workshop_id, 70, 150)
    start = threading.Barrier(8)
    seen: list[object] = []

    def reader() -> None:
        start.wait()
        seen.append(summarise(db, row_id(item)))

    threads = [threading.Thread(target=reader) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(counts) == 1 and all(summary is seen[0] for summary in seen)
    assert load_snapshot(db, workshop_id, item.id).summary is seen[0]
    with db.reading() as session:
        pack = build_pack(session, workshop_id)
    assert len(counts) == 1
    report = next(part for part in pack.items if part.title == "Rank")
    texts = [getattr(block, "text", "") for block in report.blocks]
    note = "The head-to-head check compared the 60 options people ranked most; the other 10 share last place."
    assert note in texts and any(text.startswith("Head to head: Option 0 > ") for text in texts)


def test_every_change_is_counted_once_and_seen_at_once(
    db: Database, workshop_id: int, counts: list[int]
) -> None:
    """A ballot, an approval, a hidden option and a reset each give new results, counted once each."""
    from workshop.activities.ranking import Proposal

    item = ranking_with_ballots(db, workshop_id, 4, 3)
    assert summarise(db, row_id(item)).responses == 3 and len(counts) == 1
    with db.writing() as session:
        seat = row_id(store.join(session, workshop_id))
        usecases.save_response(session, row_id(item), seat, Proposal("Family hubs"))
    assert [p.text for p in summarise(db, row_id(item)).pending] == ["Family hubs"]
    pending = summarise(db, row_id(item)).pending[0].entry_id
    with db.writing() as session:
        store.entries.set_entry_status(session, pending, EntryStatus.APPROVED)
    assert "Family hubs" in [r.text for r in summarise(db, row_id(item)).results]
    with db.writing() as session:
        store.entries.set_entry_status(session, pending, EntryStatus.HIDDEN)
    assert "Family hubs" not in [r.text for r in summarise(db, row_id(item)).results]
    with db.writing() as session:
        usecases.reset_item(session, row_id(item))
    assert summarise(db, row_id(item)).responses == 0
    assert len(counts) == 5  # the first count, then one for each of the four changes
    from workshop.activities.ranking.results import RESULTS

    for n in range(RESULTS.size + 5):  # many rankings: the kept results stay within their bound
        summarise(db, row_id(add_item(db, workshop_id, "ranking", f"R{n}", {"candidates": ["A", "B"]})))
    assert len(RESULTS) <= RESULTS.size


@pytest.mark.tui
async def test_the_live_view_says_when_schulze_compared_only_some(db: Database, workshop_id: int) -> None:
    """The TUI names the limit in words and draws the top rows only (a thousand rows froze the screen)."""
    from screens.app import WorkshopApp
    from tests.helpers.tui import wait_for

    ranking_with_ballots(db, workshop_id, 70, 150)
    app = WorkshopApp(db, workshop_id, serve=False, poll_seconds=0.05)

    def screen_text() -> str:
        texts = re.findall(r"<text[^>]*>([^<]*)</text>", app.export_screenshot())
        return " ".join(html.unescape("".join(texts)).split())

    async with app.run_test(size=(120, 80)) as pilot:
        note = (
            "The head-to-head check compared the 60 options people ranked most; "
            "the other 10 share last place."
        )
        await wait_for(pilot, lambda: note in screen_text())
        assert "40 more options, not shown here: the outcome pack (press o) lists them all." in screen_text()
        await pilot.press("q")


@pytest.mark.slow  # a benchmark run: phones polling for seconds
def test_ranking_scale_benchmark_runs() -> None:
    """The benchmark is not timed here (timing belongs in its report), only kept from rotting."""
    done = subprocess.run(
        [sys.executable, "-m", "benchmarks.ranking_scale", "--options", "70", "--ballots", "20",
         "--phones", "4", "--seconds", "2", "--poll", "0.3", "--answer-every", "0.5", "--target-ms", "60000"],
        cwd=ROOT, capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert re.search(r"Schulze \(compared \d+ of 70\)", done.stdout), done.stdout
    for line in ("status poll", "/healthz", "ballots counted", "instant runoff"):
        assert line in done.stdout, done.stdout
