"""The last step before the terminal: no control sequence in any text a widget draws.

Participant text may carry ESC, C1 controls or bidi overrides. Rich strips only a few control codes (BEL,
backspace, CR…), so ``ESC ] 2 ; … BEL`` or ``ESC [ 2 J`` in a value's name would retitle the window or clear
the projector. :class:`InertText` removes them from every line of every widget just before it is drawn, so
no view, dialog, notice, palette or help can forget to (workshop/untrusted.py has the rule).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter

from workshop.untrusted import TERMINAL_UNSAFE


class InertText(LineFilter):
    """Removes control characters and bidi controls from the text of every segment drawn.

    They measure zero cells wide, so taking them out never shifts a layout. Segments that are themselves
    control codes (Textual's cursor moves) pass untouched: only text is filtered.
    """

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        """Return ``segments`` with unsafe characters removed from their text."""
        table = TERMINAL_UNSAFE
        cleaned: list[Segment] = []
        for segment in segments:
            text = segment.text
            if segment.control is None and not text.isprintable():
                text = text.translate(table)
                if not text:
                    continue
                segment = Segment(text, segment.style, None)
            cleaned.append(segment)
        return cleaned
