"""What phone pages would otherwise read on every request, kept in a serve worker on PostgreSQL.

A room's phones each read their seat and the activity on every page and vote: on PostgreSQL a round trip,
a pooled connection and a hand-off to a thread each time, for rows that change only when a facilitator
acts. A seat row never changes once made (it is only deleted), and an agenda item only when the
facilitator opens, closes or edits it. So each worker keeps them, and PostgreSQL tells it when to forget:
migration 0011 has every statement that changes an item, the current item, or deletes a seat, send a
notice on :data:`CHANNEL` at commit, and :class:`ChangeListener` empties the cache on each one.

The rules that keep it safe:

- The cache is used only while the listener is known to hear: its own probe notice came back (through
  a pooler in transaction mode it never does), and comes back again every half minute, which empties the
  cache too. The moment it does not, or the connection drops, the cache is emptied and every page reads.
- Only an *open* item is served from it. A page that finds the activity closed, not started or another,
  reads afresh; so can a notice in flight show at most a page whose vote the writer then refuses (it
  checks the item and seat again in its own transaction) and the page read afresh after that.
- An entry read before a notice is never kept after it (``generation``).

SQLite has no notices, and its pages' reads cost a tenth of a millisecond: the embedded server keeps no
such cache.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import make_url

from workshop.models import AgendaItem, ItemState, Seat

log = logging.getLogger(__name__)

# Migration 0011's channel (a test checks they agree).
CHANNEL = "workshop_phones"
# Entries kept at most before the cache starts again empty: a room's seats, many times over.
SEATS_KEPT = 20_000
ITEMS_KEPT = 512


@dataclass(frozen=True)
class KeptItem:
    """An open agenda item, and its kind's structure when that type says it never changes."""

    item: AgendaItem
    structure: Any = None


class PhoneCache:
    """Seats by (workshop, cookie token) and open items by (workshop, item id or None for the current one).

    Thread-safe: pages read in threads on PostgreSQL, and the listener forgets from its own.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._live = False
        self._generation = 0
        self._seats: dict[tuple[int, str], Seat] = {}
        self._items: dict[tuple[int, int | None], KeptItem] = {}

    @property
    def live(self) -> bool:
        """Whether the cache is in use: a listener hears every change."""
        return self._live

    @property
    def generation(self) -> int:
        """A number that moves whenever everything is forgotten: take it before reading what to keep."""
        return self._generation

    def seat(self, workshop_id: int, token: str | None) -> Seat | None:
        """The kept seat for this cookie token, or None (not kept, or the cache not in use)."""
        if not self._live or not token:
            return None
        return self._seats.get((workshop_id, token))

    def open_item(self, workshop_id: int, item_id: int | None) -> KeptItem | None:
        """The kept item (``item_id`` None: the current one) if it is open, or None."""
        if not self._live:
            return None
        kept = self._items.get((workshop_id, item_id))
        return kept if kept is not None and kept.item.state == ItemState.OPEN else None

    def keep(
        self,
        generation: int,
        workshop_id: int,
        token: str | None,
        seat: Seat | None,
        item_id: int | None,
        item: AgendaItem | None,
        structure: Any = None,
    ) -> None:
        """Keep what a page read, unless everything was forgotten since ``generation`` was taken.

        Only a seat and an open item of this workshop are kept; ``structure`` only if its type says its
        content never changes (``fixed_content``).
        """
        if not getattr(type(structure), "fixed_content", False):
            structure = None
        with self._lock:
            if not self._live or generation != self._generation:
                return
            if seat is not None and token and seat.workshop_id == workshop_id:
                if len(self._seats) >= SEATS_KEPT:
                    self._seats.clear()
                self._seats[(workshop_id, token)] = seat
            if item is not None and item.workshop_id == workshop_id and item.state == ItemState.OPEN:
                if len(self._items) >= ITEMS_KEPT:
                    self._items.clear()
                kept = KeptItem(item, structure)
                self._items[(workshop_id, item_id)] = kept
                # The current item is also the item by its id: the vote that follows its page names it.
                self._items[(workshop_id, item.id)] = kept

    def forget_all(self) -> None:
        """Forget everything: something changed (or might have, unheard)."""
        with self._lock:
            self._forget()

    def set_live(self, live: bool) -> None:
        """Start or stop using the cache; it starts empty either way."""
        with self._lock:
            self._live = live
            self._forget()

    def _forget(self) -> None:
        # Under the lock: a page that read before this keeps nothing (its generation is now old).
        self._generation += 1
        self._seats.clear()
        self._items.clear()


class ChangeListener:
    """A thread that LISTENs on :data:`CHANNEL` and empties ``cache`` on each notice.

    The cache is live only while the listener is known to hear: once connected and listening, it sends a
    probe notice from another connection and switches the cache on (empty) when the probe arrives. It
    probes again every ``probe_seconds``; each probe empties the cache too, so nothing is kept longer than
    that even if a change went unheard. A probe not back within ``PROBE_WAIT_SECONDS``, or any failure,
    switches the cache off, and the listener connects again after ``retry_seconds``. A connection through
    a pooler in transaction mode gets exactly that (its LISTEN and the NOTIFY land on different sessions):
    no cache, never a stale one. TCP keepalives find a connection gone silent within about ten seconds.
    """

    PROBE_WAIT_SECONDS = 5.0

    def __init__(
        self, url: str, cache: PhoneCache, retry_seconds: float = 1.0, probe_seconds: float = 30.0
    ) -> None:
        parsed = make_url(url).set(drivername="postgresql")
        self._conninfo = parsed.render_as_string(hide_password=False)
        self._cache = cache
        self._retry = retry_seconds
        self._probe_every = probe_seconds
        self._probes = 0
        self._said_lost = False
        self.last_notice: str | None = None  # the payload of the last notice heard (tests wait on it)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="phone cache listener", daemon=True)

    def start(self) -> None:
        """Start listening in the background."""
        self._thread.start()

    def stop(self) -> None:
        """Stop listening (within about a second) and switch the cache off."""
        self._stop.set()
        self._thread.join(5)
        self._cache.set_live(False)

    def _run(self) -> None:
        import psycopg  # the postgres extra; only a server on PostgreSQL gets here

        while not self._stop.is_set():
            try:
                with psycopg.connect(
                    self._conninfo,
                    autocommit=True,
                    application_name="workshop participant server (changes)",
                    connect_timeout=5,
                    keepalives=1,
                    keepalives_idle=5,
                    keepalives_interval=2,
                    keepalives_count=2,
                ) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._listen(connection)
                if not self._stop.is_set():
                    self._lost("PostgreSQL did not send back the listener's probe")
            except Exception as exc:  # any failure: pages read afresh until connected again
                self._lost(f"the change listener lost PostgreSQL ({exc})")
            finally:
                self._cache.set_live(False)
            self._stop.wait(self._retry)

    def _send(self, probe: str) -> None:
        """Send ``probe`` from a connection of its own, as a facilitator's commit would: the listening one
        runs nothing but LISTEN, so no notice can arrive while it is busy with something else."""
        import psycopg

        with psycopg.connect(self._conninfo, autocommit=True, connect_timeout=5) as sender:
            sender.execute("SELECT pg_notify(%s, %s)", (CHANNEL, probe))

    def _heard(self, payload: str) -> None:
        self._cache.forget_all()
        self.last_notice = payload

    def _lost(self, why: str) -> None:
        # One line an outage, not one a retry.
        if not self._said_lost:
            log.warning("phone cache off: %s", why)
            self._said_lost = True

    def _listen(self, connection: Any) -> None:
        """Probe, and empty the cache on every notice, until stopped or a probe goes unanswered."""
        while not self._stop.is_set():
            self._probes += 1
            probe = f"probe {self._probes}"
            self._send(probe)
            heard = False
            deadline = time.monotonic() + self.PROBE_WAIT_SECONDS
            while not heard and time.monotonic() < deadline and not self._stop.is_set():
                for notice in connection.notifies(timeout=0.5):
                    self._heard(notice.payload)
                    heard = heard or notice.payload == probe
            if not heard:
                return
            if not self._cache.live:
                self._cache.set_live(True)
                if self._said_lost:
                    log.info("phone cache on again: listening for changes")
                self._said_lost = False
            next_probe = time.monotonic() + self._probe_every
            while not self._stop.is_set() and time.monotonic() < next_probe:
                for notice in connection.notifies(timeout=1.0):
                    self._heard(notice.payload)
