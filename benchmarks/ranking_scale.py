"""A ranking of 1,000 options and 1,000 ballots, and a triangle that follows its leader, served to phones.

Run ``python -m benchmarks.ranking_scale [--options 1000] [--ballots 1000] [--phones 300] [--seconds 20]``.

It seeds a workshop from the shipped template whose ranking has ``--options`` approved options and
``--ballots`` ballots (top 3, some options far more popular than others, as in a room), and whose triangle
takes its priority from the ranking's leader. It times one count under each method, then serves the
workshop as the app does (:class:`EmbeddedServer` and :class:`BatchWriter` in this process's event loop,
with the TUI stand-ins of :mod:`benchmarks.probes`) to phones in another process
(:mod:`benchmarks.ranking_phones`) that poll the status and now and then answer, in two phases:

1. the ranking is open with its results revealed, and phones send new rankings, so the results keep
   changing while they are read;
2. the triangle is open, and phones add ideas (changes to the workshop, but not to the ranking).

For each phase it prints p50/p99/max of each kind of request and how many times the ballots were counted.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import Any

from benchmarks.loadgen import receive
from benchmarks.probes import LIVE_EVERY, Probes, pct
from benchmarks.ranking_phones import PhoneConfig, PhoneResult, child_main
from benchmarks.serving import embedded_server

KINDS = {
    "opened": "page, on opening",
    "page": "page, after an answer",
    "answer": "answer",
    "status": "status poll",
    "healthz": "/healthz",
}
# How long each count of a ranking's ballots took (seconds), from the moment count_counts() is called.
COUNTS: list[float] = []


def seed(db: Any, options: int, ballots: int, rng: random.Random) -> dict[str, Any]:
    """The template's workshop with a ranking of ``options`` options and ``ballots`` ballots."""
    from sqlmodel import select

    from workshop import store, usecases
    from workshop.activities.ranking import Ballot
    from workshop.models import Entry, EntryStatus, row_id
    from workshop.templates import get_template

    with db.writing() as session:
        workshop = usecases.create_workshop(session, get_template("cyp-integration"), "Ranking at scale")
        items = {item.kind: item for item in store.agenda(session, row_id(workshop))}
        ranking, triangle = items["ranking"], items["triangle"]
        have = len(session.exec(select(Entry.id).where(Entry.item_id == ranking.id)).all())
        approved = EntryStatus.APPROVED.value
        session.add_all(
            Entry(
                item_id=row_id(ranking),
                text=f"Priority {n}: a place-based offer",
                status=approved,
                position=n,
            )
            for n in range(have, options)
        )
        session.flush()
        ids = list(session.exec(select(Entry.id).where(Entry.item_id == ranking.id)).all())
        seats = [row_id(store.join(session, row_id(workshop))) for _ in range(ballots)]
    # Popularity falls off with the option's number (weight 1/(n+1)): a leader, a long tail, many ties.
    weights = [1 / (n + 1) for n in range(len(ids))]
    with db.writing() as session:
        store.start_item(session, row_id(ranking))
        for seat in seats:
            chosen: list[int] = []
            while len(chosen) < min(3, len(ids)):
                option = rng.choices(ids, weights)[0]
                if option not in chosen:
                    chosen.append(option)
            usecases.save_response(session, row_id(ranking), seat, Ballot(tuple(chosen)))
    return {
        "workshop": workshop.id,
        "code": workshop.join_code,
        "ranking": ranking.id,
        "triangle": triangle.id,
        "ids": tuple(ids),
    }


def _ms(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def time_methods(db: Any, item_id: int) -> list[tuple[str, float]]:
    """One count under each method, in milliseconds, on the ballots as the app reads them."""
    from workshop import ranking
    from workshop.activities import get_activity
    from workshop.models import AgendaItem

    with db.reading() as session:
        item = session.get(AgendaItem, item_id)
        summary = get_activity("ranking").summarise(session, item)
    options, cast = summary.tally.options, [tuple(b) for b in getattr(summary.tally, "cast", ())]
    if not cast:  # a version of the app that did not keep the ballots: read them again
        return [("results for a page (read and count)", _ms(lambda: _summarise(db, item_id)))]
    # Counted from the pairs ranked together where the app can; else from the whole pairwise table.
    counted = getattr(ranking, "preferences", ranking.pairwise)
    table = counted(options, cast)
    schulze = ranking.schulze(options, cast)
    compared = len(getattr(schulze, "compared", options))
    rows = [
        (f"Borda, rule ({rule.value})", _ms(partial(ranking.borda, options, cast, rule)))
        for rule in ranking.BordaRule
    ]
    rows += [
        ("first choices", _ms(lambda: ranking.plurality(options, cast))),
        ("places (1st, 2nd, 3rd counts)", _ms(lambda: ranking.positions(options, cast))),
        ("head-to-head counts", _ms(lambda: counted(options, cast))),
        (f"Schulze (compared {compared} of {len(options)})", _ms(lambda: ranking.schulze(options, cast))),
        ("Copeland", _ms(lambda: ranking.copeland(options, table))),
        ("instant runoff", _ms(lambda: ranking.irv(options, cast))),
        ("every method (tally; runoff when asked)", _ms(lambda: ranking.tally(options, cast, depth=3))),
    ]
    cache = getattr(sys.modules.get("workshop.activities.ranking.results"), "RESULTS", None)
    if cache is not None:
        cache.clear()
    rows.append(("results for a page, first time (read and count)", _ms(lambda: _summarise(db, item_id))))
    rows.append(("results for a page, again (kept)", _ms(lambda: _summarise(db, item_id))))
    return rows


def _summarise(db: Any, item_id: int) -> object:
    from workshop.activities import get_activity
    from workshop.models import AgendaItem

    with db.reading() as session:
        return get_activity("ranking").summarise(session, session.get(AgendaItem, item_id))


def count_counts() -> None:
    """From now on record in COUNTS every count of a ranking's ballots, wherever the app imported it."""
    from workshop import ranking

    original = ranking.tally

    def counting(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            COUNTS.append(time.perf_counter() - started)

    for name, module in list(sys.modules.items()):
        if name.startswith("workshop") and getattr(module, "tally", None) is original:
            vars(module)["tally"] = counting


async def run_phase(
    db: Any, setup: dict[str, Any], kind: str, args: argparse.Namespace, port: int
) -> dict[str, Any]:
    """Open the phase's item, run the phones against it, and measure the server side meanwhile."""
    from workshop import store

    item_id = setup[kind]
    probes = Probes(db, setup["workshop"])
    watchers = [asyncio.create_task(probes.ticks()), asyncio.create_task(probes.live_view())]
    config = PhoneConfig(
        f"http://127.0.0.1:{port}", setup["code"], item_id, kind, setup["ids"], 3, args.phones, args.seconds,
        args.poll, args.answer_every,
    )  # fmt: skip
    context = multiprocessing.get_context("spawn")
    channel, go = context.Queue(), context.Event()
    process = context.Process(
        target=child_main, args=(config, channel, go), name=f"{kind}-phones", daemon=True
    )
    process.start()
    said, payload = await asyncio.to_thread(receive, channel, process, 300.0)
    before = len(COUNTS)
    if said == "ready":  # every phone has joined: the facilitator opens the item now
        with db.writing() as session:
            store.start_item(session, item_id)
            store.set_revealed(session, item_id, kind == "ranking")
        probes.measuring = True
        go.set()
        said, payload = await asyncio.to_thread(receive, channel, process, args.seconds + 120)
        probes.measuring = False
    await asyncio.sleep(2 * LIVE_EVERY)
    process.join(10)
    if process.is_alive():
        process.kill()
    for task in watchers:
        task.cancel()
    await asyncio.gather(*watchers, return_exceptions=True)
    done = said == "result"
    return {"result": payload if done else None, "error": None if done else payload,
            "counts": COUNTS[before:], "probes": probes}  # fmt: skip


async def serve(db: Any, setup: dict[str, Any], args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """Serve as the app does and run both phases."""
    async with embedded_server(db) as (server, _writer):
        return {kind: await run_phase(db, setup, kind, args, server.port) for kind in ("ranking", "triangle")}


def report(
    args: argparse.Namespace, methods: list[tuple[str, float]], phases: dict[str, dict[str, Any]]
) -> list[str]:
    """Print the figures; return what missed the target (empty when all is well)."""
    print(f"Ranking of {args.options} options and {args.ballots} ballots (top 3), {os.cpu_count()} cores\n")
    print(f"{'One count':52} {'ms':>9}")
    for name, took in methods:
        print(f"{name:52} {took:9.1f}")
    problems: list[str] = []
    titles = {
        "ranking": "the ranking open with its results revealed; phones send new rankings",
        "triangle": "the triangle open, following the ranking's leader; phones add ideas",
    }
    for kind, phase in phases.items():
        print(f"\nPhase: {titles[kind]}")
        print(
            f"{args.phones} phones for {args.seconds:g} s, polling every {args.poll:g} s, "
            f"each answering every {args.answer_every:g} s on average"
        )
        result: PhoneResult | None = phase["result"]
        if result is None:
            print(f"PHONES FAILED: {phase['error']}")
            problems.append(f"{kind} phones failed")
            continue
        print(f"{'request':22} {'n':>6} {'p50 ms':>9} {'p99 ms':>9} {'max ms':>9}")
        for key, name in KINDS.items():
            ms = [v * 1000 for v in result.latency.get(key, [])]
            print(f"{name:22} {len(ms):6} {pct(ms, 50):9.1f} {pct(ms, 99):9.1f} {max(ms, default=0):9.1f}")
            if ms and pct(ms, 99) > args.target_ms:
                problems.append(f"{kind} {name} p99 {pct(ms, 99):.0f} ms")
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(result.errors.items())) or "none"
        print(f"errors: {errors}")
        problems += [f"{kind} {k}" for k in result.errors]
        counts = [v * 1000 for v in phase["counts"]]
        answers = len(result.latency.get("answer", []))
        median = statistics.median(counts) if counts else 0.0
        print(f"ballots counted {len(counts)} times (median {median:.1f} ms) for {answers} answers sent")
        probes: Probes = phase["probes"]
        late, reads = [v * 1000 for v in probes.lateness], [v * 1000 for v in probes.reads]
        print(
            f"TUI stand-ins: loop stall worst {max(late, default=0):.0f} ms, p99 {pct(late, 99):.1f} ms;"
            f" live-view read p50 {pct(reads, 50):.0f} ms, max {max(reads, default=0):.0f} ms"
        )
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks.ranking_scale", description=__doc__.splitlines()[0]
    )
    parser.add_argument("--options", type=int, default=1000, help="approved options (default 1000)")
    parser.add_argument("--ballots", type=int, default=1000, help="ballots already cast (default 1000)")
    parser.add_argument("--phones", type=int, default=300, help="phones on the pages (default 300)")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of each phase (default 20)")
    parser.add_argument("--poll", type=float, default=3.0, help="seconds between status polls (default 3)")
    parser.add_argument(
        "--answer-every", type=float, default=20.0, help="mean seconds between a phone's answers (default 20)"
    )
    parser.add_argument(
        "--target-ms", type=float, default=1000.0, help="p99 every request must beat (default 1000)"
    )
    args = parser.parse_args(argv)
    if (
        min(args.options, args.ballots, args.phones) < 3
        or min(args.seconds, args.poll, args.answer_every) <= 0
    ):
        parser.error("--options, --ballots and --phones must be at least 3, the times positive")
    with tempfile.TemporaryDirectory(prefix="workshop-ranking-") as tmp:
        os.environ["WORKSHOP_HOME"] = str(Path(tmp) / "home")  # no user templates or settings leak in
        from workshop.db import open_database

        db = open_database(f"sqlite:///{Path(tmp) / 'ranking.sqlite3'}")
        try:
            started = time.perf_counter()
            setup = seed(db, args.options, args.ballots, random.Random(7))
            print(f"Seeded in {time.perf_counter() - started:.1f} s")
            methods = time_methods(db, setup["ranking"])
            count_counts()
            phases = asyncio.run(serve(db, setup, args))
        finally:
            db.dispose()
    problems = report(args, methods, phases)
    print(f"\nTarget: every kind of request answered within {args.target_ms:g} ms at p99, and no errors.")
    if problems:
        print(f"MISSED: {'; '.join(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
