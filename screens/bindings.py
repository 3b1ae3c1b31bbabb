"""Telling the footer that the keys changed, only when they did.

Textual's footer rebuilds every one of its key widgets each time a screen publishes new bindings. The
agenda asked for that after every read of the room's votes, four times a second during a burst: measured
with py-spy, the rebuild was a third of the TUI's work, and the screen froze for its length. The keys on
offer change only when the agenda's state does (an item opens, a result is revealed), so the screen now
publishes only a change.
"""

from __future__ import annotations

from typing import Any
from weakref import WeakKeyDictionary, WeakSet

from textual.screen import Screen
from textual.widget import Widget

# What each screen's footer last showed: its keys, whether each is enabled, and their words.
_published: WeakKeyDictionary[Screen[Any], tuple[tuple[str, bool, str, str], ...]] = WeakKeyDictionary()
_watched: WeakSet[Screen[Any]] = WeakSet()


def _keys(screen: Screen[Any]) -> tuple[tuple[str, bool, str, str], ...]:
    return tuple(
        (key, active.enabled, active.binding.description, active.tooltip)
        for key, active in screen.active_bindings.items()
    )


def _record(screen: Screen[Any]) -> None:
    _published[screen] = _keys(screen)


def refresh_bindings(node: Widget) -> None:
    """Publish ``node``'s screen's bindings if they differ from what its footer last showed.

    Every publication is recorded, Textual's own too (a change of focus publishes), so what is compared is
    always what the footer shows.
    """
    if not node.is_mounted:
        return
    screen = node.screen
    if screen not in _watched and screen.is_running:
        screen.bindings_updated_signal.subscribe(screen, _record, immediate=True)
        _watched.add(screen)
    if _published.get(screen) != _keys(screen):
        screen.refresh_bindings()  # records the new keys through the subscription above
