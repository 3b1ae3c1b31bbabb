"""Results computed once per change, not once per request, and shared by every thread that reads them.

The participant server's worker threads, the TUI's live view and an export all ask for the same item's
results. Each asks with a *mark* read first in its own transaction: the workshop's revision (which every
change bumps) and its join code (so a new workshop that reuses a deleted one's ids never matches). A request
whose mark is the one stored gets the stored result at once. Otherwise it reads the item's inputs and, if
they are the ones stored (the change was elsewhere in the workshop, such as an idea added to another item),
still gets the stored result; only new inputs are computed, one thread at a time per item while the others
wait for it. A few dozen items are kept, least recently used first out.

Reading the mark before the inputs matters: the inputs are then at least as new as the mark, so a result
is never stored under a mark newer than its data.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Generic, TypeVar

V = TypeVar("V")
In = TypeVar("In")  # an item's inputs, as read from the database
Mark = tuple[int, str]  # (workshop revision, join code)


@dataclass(frozen=True)
class _Entry(Generic[V]):
    mark: Mark
    inputs: object  # only compared with the next read's inputs
    value: V


class SummaryCache(Generic[V]):
    """At most ``size`` results, one per slot (a database and an item), safe to share between threads."""

    def __init__(self, size: int = 32, stripes: int = 8) -> None:
        self.size = size
        self._lock = threading.Lock()  # guards the dictionary only, held for a few steps at a time
        self._entries: OrderedDict[Hashable, _Entry[V]] = OrderedDict()
        # Held while a result is computed, so two threads never compute the same slot at once. A fixed
        # set, shared by hashing, rather than one per slot: nothing to clean up, and it cannot grow.
        self._computing = tuple(threading.Lock() for _ in range(stripes))

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, slot: Hashable, mark: Mark, read: Callable[[], In], compute: Callable[[In], V]) -> V:
        """The slot's result: stored if ``mark`` or the inputs ``read()`` gives match, else ``compute``d."""
        with self._lock:
            entry = self._entries.get(slot)
            if entry is not None and entry.mark == mark:
                self._entries.move_to_end(slot)
                return entry.value
        inputs = read()  # a database read: never under a lock
        with self._computing[hash(slot) % len(self._computing)]:
            with self._lock:
                entry = self._entries.get(slot)
            value = entry.value if entry is not None and entry.inputs == inputs else compute(inputs)
            with self._lock:
                current = self._entries.get(slot)
                # A slower request that read an older revision must not push out a newer result.
                if current is None or current.mark[1] != mark[1] or current.mark[0] <= mark[0]:
                    self._entries[slot] = _Entry(mark, inputs, value)
                    self._entries.move_to_end(slot)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every result (tests and benchmarks start cold with it)."""
        with self._lock:
            self._entries.clear()
