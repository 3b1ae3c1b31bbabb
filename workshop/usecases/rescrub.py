"""Scrubbing a frozen outcome pack again by today's rules, when ``workshop purge`` runs on a workshop an
earlier version purged and whose pack may still hold free text nobody agreed (docs/data-protection.md).

The answers are gone by then, so the pack cannot be built again: what goes is found in the pack itself.
Each kind says where its results hold participants' words (``Activity.frozen_text``). A text there that the
workshop no longer keeps (no kept entry, no setting has it) was deleted by the purge, so the pack loses it
too: it becomes a stand-in wherever an item repeats it (its blocks and its data, a heading or a ranking's
headline included), and the item says so in a sentence. Numbers, places and rows stay as they were.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Collection, Iterator
from datetime import date
from typing import Any

from workshop.activities import get_activity
from workshop.activities.base import TextPurge
from workshop.blocks import Paragraph, block_dict
from workshop.exports.pack import PURGED_NOTE

# The rules a pack was frozen by. A pack without the number predates it and is scrubbed again; raise it
# when the rules change, so packs frozen before are scrubbed again by the next purge.
RULES = 2
# Values that name a thing rather than say something (a block's type, a question's key, a status): never a
# participant's words, and changing one would make the pack unreadable.
_NAMES = frozenset({"type", "kind", "key", "question", "principle", "stance", "status", "rule", "state"})
_DELETED = " (text deleted)"
# A doomed text is looked for inside the pack's other strings (a sentence that quotes it) only when it has
# at least two words and this many characters; a shorter one goes only where a string is that text whole.
DISTINCTIVE_CHARS = 12


def _at(value: Any, path: list[str]) -> Iterator[str]:
    """The strings at ``path`` (keys, ``[]`` for each element of a list) in ``value``."""
    if not path:
        if isinstance(value, str):
            yield value
        return
    step, rest = path[0], path[1:]
    inner = value.get(step.removesuffix("[]")) if isinstance(value, dict) else None
    if not step.endswith("[]"):
        yield from _at(inner, rest)
    elif isinstance(inner, list):
        for element in inner:
            yield from _at(element, rest)


def _leaves(value: Any, key: str = "") -> Iterator[str]:
    if isinstance(value, str) and key not in _NAMES:
        yield value
    elif isinstance(value, dict):
        for name, inner in value.items():
            yield from _leaves(inner, name)
    elif isinstance(value, list):
        for inner in value:
            yield from _leaves(inner, key)


def _mapped(value: Any, change: Callable[[str], str], key: str = "") -> Any:
    if isinstance(value, str):
        return value if key in _NAMES else change(value)
    if isinstance(value, dict):
        return {name: _mapped(inner, change, name) for name, inner in value.items()}
    if isinstance(value, list):
        return [_mapped(inner, change, key) for inner in value]
    return value


def _distinctive(text: str) -> bool:
    """Whether ``text`` is long enough to be found inside another string as itself: a short answer ("more",
    "Housing") is also an ordinary word of the pack's own headings and sentences."""
    return len(text) >= DISTINCTIVE_CHARS and len(text.split()) >= 2


def _replacer(texts: dict[str, str], words: dict[str, str], kept: Collection[str]) -> Callable[[str], str]:
    """Replace each distinctive one of ``texts`` inside any string (as a whole phrase), and any of ``texts``
    or ``words`` where a string is that text whole; a kept text that contains a doomed one stays whole."""
    whole = {**texts, **words}
    inside = {text: stand_in for text, stand_in in texts.items() if _distinctive(text)}
    guarded = [text for text in kept if any(doomed in text for doomed in inside)]
    phrases = sorted({*inside, *guarded}, key=len, reverse=True)
    # Alternatives longest first, so a kept text wins over a doomed one inside it.
    pattern = re.compile("|".join(rf"(?<!\w){re.escape(p)}(?!\w)" for p in phrases)) if phrases else None

    def change(text: str) -> str:
        if text in whole:
            return whole[text]
        if pattern is None:
            return text
        return pattern.sub(lambda found: inside.get(found.group(0), found.group(0)), text)

    return change


def rescrub(pack: dict[str, Any], kept: Collection[str], purged_on: date) -> tuple[dict[str, Any], int]:
    """The frozen ``pack`` without the participants' texts the workshop no longer keeps (``kept``: see
    :func:`workshop.store.purge.kept_texts`), marked as scrubbed by :data:`RULES`, and how many texts went.

    A pack already scrubbed (stand-ins only) comes back the same but for the mark.
    """
    pack = copy.deepcopy(pack)
    purge = TextPurge(frozenset(), purged_on)
    outcomes = pack["data"]["items"]
    doomed: dict[str, str] = {}
    words: list[dict[str, str]] = []
    numbers: dict[str, int] = {}
    for outcome in outcomes:
        results = outcome.get("results")
        own: dict[str, str] = {}
        for path, noun in get_activity(outcome["kind"]).frozen_text if results else ():
            exact = path.startswith("=")
            for text in _at(results, path.removeprefix("=").split(".")):
                if not text or text in kept or text.endswith(_DELETED) or text in doomed or text in own:
                    continue
                numbers[noun] = numbers.get(noun, 0) + 1
                (own if exact else doomed)[text] = purge.stand_in(noun, numbers[noun])
        words.append(own)
    gone: set[str] = set()
    for index, (item, outcome) in enumerate(zip(pack["items"], outcomes, strict=True)):
        said = {*_leaves(outcome.get("results")), *_leaves(item["blocks"])}
        # A text the item names somewhere whole: its sentences that quote it are scrubbed with it.
        texts = {text: stand_in for text, stand_in in doomed.items() if text in said}
        own = {word: stand_in for word, stand_in in words[index].items() if word in said}
        if not texts and not own:
            continue
        change = _replacer(texts, own, kept)
        outcome["results"] = _mapped(outcome["results"], change)
        item["blocks"] = _mapped(item["blocks"], change)
        note = purge.note(len(texts) + len(own), "text not agreed", "texts not agreed")
        item["blocks"].append(block_dict(Paragraph(note)))
        gone.update(texts, own)
    if pack["data"].get("purged") is None:
        day = f"{purged_on.day} {purged_on:%B %Y}"
        pack["data"]["purged"] = {"on": purged_on.isoformat(), "note": PURGED_NOTE.format(day=day)}
    pack["rules"] = RULES
    return pack, len(gone)
