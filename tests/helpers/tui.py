"""Driving the facilitator's Textual app under Pilot: wait for a condition, read the screen, catch up."""

from __future__ import annotations

import asyncio
import contextlib
import html
import re
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from textual.app import App
from textual.pilot import Pilot
from textual.worker import Worker

from screens.agenda import AgendaScreen
from screens.app import WorkshopApp
from tests.helpers.data import kinds, states
from workshop.db import Database
from workshop.live import Snapshot
from workshop.models import AgendaItem, ItemState
from workshop.writer import WriterStopped

Summary = TypeVar("Summary")


async def wait_for(pilot: Pilot[Any], condition: Callable[[], object], seconds: float = 10.0) -> None:
    """Let the app run until ``condition`` holds (bounded, so a broken app fails instead of hanging)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while not condition():
        assert loop.time() < deadline, "condition not met in time"
        await pilot.pause(0.05)


def screen_text(app: App[Any]) -> str:
    """The characters on screen, in reading order, as a person would read them."""
    svg = app.export_screenshot()
    return html.unescape("".join(re.findall(r"<text[^>]*>([^<]*)</text>", svg))).replace("\xa0", " ")


def screen_lines(app: App[Any]) -> list[str]:
    """The screen's rows of text, top to bottom."""
    rows: dict[int, str] = {}
    for line, text in re.findall(r'<text[^>]*-line-(\d+)\)"[^>]*>([^<]*)</text>', app.export_screenshot()):
        rows[int(line)] = rows.get(int(line), "") + html.unescape(text).replace("\xa0", " ").strip("\n")
    return [rows[key].rstrip() for key in sorted(rows)]


def agenda(app: App[Any]) -> AgendaScreen:
    """The app's screen, which the test expects to be the agenda (typed as one)."""
    screen = app.screen
    assert isinstance(screen, AgendaScreen), f"the screen is {type(screen).__name__}, not the agenda"
    return screen


def snapshot(app: App[Any]) -> Snapshot:
    """What the agenda screen last read, which the test expects it to have read by now."""
    read = agenda(app).snapshot
    assert read is not None, "the agenda has read nothing yet"
    return read


def current(app: App[Any]) -> AgendaItem:
    """The item the agenda's last read says is running, which the test expects there to be."""
    item = snapshot(app).current
    assert item is not None, "no item is running"
    return item


def focus(app: App[Any]) -> AgendaItem:
    """The item the agenda's last read looked at (the highlighted one), which the test expects there to be."""
    item = snapshot(app).focus
    assert item is not None, "the agenda looks at no item"
    return item


def current_kind(app: App[Any]) -> str | None:
    """The kind of the running item as the agenda last read it (None before a read, or with none running)."""
    read = agenda(app).snapshot
    return None if read is None or read.current is None else read.current.kind


def is_current(app: App[Any], item_id: int) -> bool:
    """Whether the agenda's last read has item ``item_id`` running."""
    read = agenda(app).snapshot
    return read is not None and read.current is not None and read.current.id == item_id


def summary(app: App[Any], kind: type[Summary]) -> Summary:
    """The agenda's summary of the item it shows, which the test expects to be a ``kind``."""
    found = snapshot(app).summary
    assert isinstance(found, kind), f"the summary is a {type(found).__name__}, not a {kind.__name__}"
    return found


async def wait_until(
    pilot: Pilot[Any], app: WorkshopApp, check: Callable[[list[str]], bool], what: str
) -> None:
    """Let the app run until ``check`` holds for the screen's lines (bounded: a broken view fails)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 10
    while not check(screen_lines(app)):
        assert loop.time() < deadline, f"never shown: {what}\n" + "\n".join(screen_lines(app))
        await pilot.pause(0.05)


async def wait_for_text(pilot: Pilot[Any], app: WorkshopApp, *wanted: str) -> None:
    """Wait until every one of ``wanted`` is on screen (the layout may settle a frame after the text)."""
    await wait_until(pilot, app, lambda lines: all(w in "\n".join(lines) for w in wanted), repr(wanted))


async def next_until(pilot: Pilot[Any], db: Database, workshop_id: int, kind: str) -> None:
    """Press "n" (next item) on a fresh workshop until the first item of ``kind`` is open."""
    target = kinds(db, workshop_id).index(kind)
    for presses in range(1, target + 2):
        await pilot.press("n")

        def opened(n: int = presses) -> bool:
            return sum(s != ItemState.PENDING for s in states(db, workshop_id)) >= n

        await wait_for(pilot, opened)
    assert states(db, workshop_id)[target] == ItemState.OPEN


class _Marker(Exception):
    """What :func:`caught_up`'s marker write raises: a refusal, which says nothing about the disk."""


def _refused_marker(_session: object) -> None:
    raise _Marker


async def caught_up(pilot: Pilot[Any], seconds: float = 10.0) -> None:
    """Wait (bounded) until the app has done everything it was asked to before this call: the messages
    already queued for the app and its screen are handled, the workers running now have finished, the
    writes queued so far are committed, and what those sent back is handled too. (The writer counts the
    marker write this queues among its ``writes`` and ``batches``.)

    Use it, never a fixed pause, before checking that something did *not* happen: a pause that is long
    enough on a quiet machine lets the check pass on a busy one before the wrong thing could show."""
    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds

    def left() -> float:
        remaining = deadline - loop.time()
        assert remaining > 0, "the app did not catch up in time"
        return remaining

    async def handled() -> None:
        # A marker queued behind every message already waiting: once it has run, they all have. The last
        # one runs after the next refresh, behind what views scheduled for then (call_after_refresh).
        for node, schedule in (
            (app, "call_later"),
            (app.screen, "call_later"),
            (app.screen, "call_after_refresh"),
        ):
            done = asyncio.Event()
            if app.is_running and getattr(node, schedule)(done.set):
                await asyncio.wait_for(done.wait(), left())

    if not app.is_running:
        return  # nothing more can happen: the check that follows sees the final state
    # Two rounds: a handled message starts a write or a worker, whose result starts one more (a reload).
    for _ in range(2):
        await handled()
        running = [worker for worker in app.workers if not worker.is_finished]
        await wait_for(pilot, partial(all_finished, running), left())
        writer = getattr(app, "writer", None)
        if writer is not None and app.is_running:
            # The writer answers in order: once a marker queued now is answered, every earlier write is
            # too. The marker is refused, as a bad ballot is: a write that succeeded would tell the writer
            # that saving works again, and clear a problem (a full disk) the test is looking at.
            with contextlib.suppress(_Marker, WriterStopped):
                await asyncio.wait_for(writer.submit(_refused_marker), left())
    await handled()
    await pilot.pause()


def all_finished(workers: list[Worker[Any]]) -> bool:
    """Whether every one of ``workers`` has finished (or failed, or been cancelled)."""
    return all(worker.is_finished for worker in workers)


class Calls:
    """How many times a method of one object has been called since :func:`count_calls` wrapped it."""

    def __init__(self) -> None:
        self.count = 0


def count_calls(target: object, name: str) -> Calls:
    """Wrap ``target.name`` (on this instance only) to count its calls; wrap before the app runs, so timers
    and handlers pick up the wrapper."""
    original = getattr(target, name)
    calls = Calls()

    def counted(*args: object, **kwargs: object) -> object:
        calls.count += 1
        return original(*args, **kwargs)

    setattr(target, name, counted)
    return calls
