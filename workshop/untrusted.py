"""What participant text may carry into the places people read it: one rule, used by every renderer.

The rule, the same for the terminal, the phone pages and the Markdown pack:

* The database keeps what a participant sent exactly (after the trimming each form does), so moderation can
  show their own words and the JSON export, which is data, holds it exactly: every character below is
  written there as a ``\\uXXXX`` escape, the same text to any JSON reader and inert in a terminal.
  The one exception is U+0000, which PostgreSQL cannot store: ``workshop.db`` drops it on every backend.
* Wherever people *read* it, control characters (C0 other than tab and line breaks, DEL, C1) and the bidi
  controls that embed, override or isolate a direction (and the direction marks) are removed. None of them
  can be typed on a phone or means anything to a reader; in a terminal they are commands (``ESC ] 2 ;``
  retitles the window, ``ESC [ 2 J`` clears it), and a bidi override turns the rest of a line around.
* Tab and line breaks stay whitespace: each renderer folds them where one line is expected (one_line).
* Kept: the line and paragraph separators (U+2028/9) and the deprecated format characters (U+206A–F),
  which no terminal or browser treats as a command; and everything printable, in any script.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_C0 = [c for c in range(0x20) if chr(c) not in "\t\n\r"]
_C1 = list(range(0x80, 0xA0))
_DEL = [0x7F]
# Embeddings and overrides (LRE RLE PDF LRO RLO), isolates (LRI RLI FSI PDI), and the marks (LRM RLM ALM).
BIDI_CONTROLS = [*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C]

# str.translate tables: a code point mapped to None is removed.
UNSAFE: dict[int, None] = dict.fromkeys([*_C0, *_DEL, *_C1, *BIDI_CONTROLS])
# The terminal draws one line at a time: tab and line breaks never belong in a line's text either.
TERMINAL_UNSAFE: dict[int, None] = {**UNSAFE, **dict.fromkeys(map(ord, "\t\n\r"))}


def readable(text: str) -> str:
    """``text`` as people may read it: control and bidi characters removed, everything else as sent."""
    # isprintable() is false for every character removed here, so most text skips the copy.
    return text if text.isprintable() else text.translate(UNSAFE)


def one_line(text: str) -> str:
    """``text`` as people may read it, with every run of whitespace (line breaks too) as one space."""
    return " ".join(readable(text).split())


def finalize(value: object) -> object:
    """Jinja's ``finalize`` hook: every value a phone page prints passes :func:`readable` first.

    Markup (already escaped HTML) stays Markup: removing characters cannot create a tag.
    """
    if isinstance(value, Markup):
        return Markup(readable(str(value)))
    if isinstance(value, str):
        return readable(value)
    return value


# What XML 1.0 cannot hold at all (C0 controls but tab and line breaks, U+FFFE, U+FFFF, lone surrogates):
# Word and Excel files are XML, and one such character makes the library refuse to write the file.
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(text: str) -> str:
    """``text`` without the characters XML cannot hold; everything else exactly as it was."""
    return NOT_XML.sub("", text) if NOT_XML.search(text) else text
