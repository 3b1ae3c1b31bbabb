"""Word frequencies for a word cloud: case-folded, Unicode-aware, English stop words left out, bounded."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# Letters and digits (any script) joined by inner apostrophes or hyphens: "don't", "joined-up", "سلام".
# Scripts written without spaces (Chinese, Japanese) come out as one token per run: no dictionary here.
_WORD = re.compile(r"[^\W_]+(?:['\-][^\W_]+)*")
_UNIFY = str.maketrans(
    # Curly and modifier apostrophes, the Unicode hyphen, and the zero-width space (a word break).
    {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\uff07": "'", "\u2010": "-", "\u200b": " "}
)

# Longer "words" are pasted links or keyboard mashing, not words anyone wants in a cloud.
MAX_WORD_LENGTH = 40
# Only the start of a long text is read, so one pasted essay costs no more than a sentence.
MAX_WORDS_PER_TEXT = 100
MAX_TOP = 100

# Kept as one string so the list reads as prose; split once at import.
_STOP_TEXT = """
a about above after again against all also am an and any are aren't as at be because been before
being below between both but by can can't cannot could couldn't did didn't do does doesn't doing
don't down during each etc few for from further get gets got had hadn't has hasn't have haven't
having he he'd he'll he's her here here's hers herself him himself his how how's i i'd i'll i'm i've
if in into is isn't it it's its itself just let's like lot lots make many may me might more most
much must mustn't my myself need needs no nor not now of off on once one only or other ought our
ours ourselves out over own really same shan't she she'd she'll she's should shouldn't so some such
than that that's the their theirs them themselves then there there's these they they'd they'll
they're they've thing things this those through to too under until up upon us very via want was
wasn't we we'd we'll we're we've well were weren't what what's when when's where where's which while
who who's whom why why's will with won't would wouldn't yes yet you you'd you'll you're you've your
yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_TEXT.split())


@dataclass(frozen=True)
class WordCount:
    """A word as people most often wrote it, and how many texts used it."""

    word: str
    count: int


def _clean(text: str) -> str:
    # NFKC folds full-width letters and ligatures into plain ones and composes accents, so "ｃａｆｅ́" and
    # "café" meet; other invisible format characters (soft hyphens, joiners, direction marks) go.
    text = unicodedata.normalize("NFKC", text).translate(_UNIFY)
    return "".join(ch for ch in text if unicodedata.category(ch) != "Cf")


def tokens(text: str) -> list[str]:
    """The words of ``text`` as written (not folded), stop words included, in order, at most a hundred.

    Args:
        text: Any text, however malformed.

    Returns:
        The words, with leading and trailing apostrophes or hyphens dropped.
    """
    found: list[str] = []
    for match in _WORD.finditer(_clean(text)):
        found.append(match.group())
        if len(found) >= MAX_WORDS_PER_TEXT:
            break
    return found


def _keep(key: str) -> bool:
    if key in STOP_WORDS or len(key) > MAX_WORD_LENGTH:
        return False
    # One Latin letter or digit is noise ("a", "x", "2"); one Chinese character can be a whole word.
    return not (len(key) == 1 and key.isascii())


def word_frequencies(texts: Iterable[str], limit: int = 30) -> list[WordCount]:
    """The most used words across ``texts``, most used first (ties in alphabetical order).

    Each text counts a word once: one person repeating a word should not make it loom over the room's
    answers. Words are compared case-folded ("NHS", "nhs" and "Nhs" are one word) and shown in the form
    written most often.

    Args:
        texts: The answers.
        limit: How many words to return, at most (capped at 100).

    Returns:
        Up to ``limit`` words with the number of texts that used each.
    """
    limit = max(0, min(limit, MAX_TOP))
    counts: Counter[str] = Counter()
    forms: dict[str, Counter[str]] = {}
    for text in texts:
        seen: set[str] = set()
        for word in tokens(text):
            key = word.casefold()
            if not _keep(key):
                continue
            forms.setdefault(key, Counter())[word] += 1
            if key not in seen:
                seen.add(key)
                counts[key] += 1
    ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))[:limit]
    # most_common keeps first-seen order on ties, so the earliest spelling wins a draw.
    return [WordCount(forms[key].most_common(1)[0][0], count) for key, count in ranked]
