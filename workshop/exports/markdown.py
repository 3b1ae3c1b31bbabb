"""The outcome pack as Markdown: readable as plain text, and safe to paste into any Markdown renderer."""

from __future__ import annotations

import re

from workshop.blocks import Block, Bullets, Chart, Heading, Paragraph, cell_text
from workshop.exports.pack import OutcomePack
from workshop.untrusted import one_line

# Characters that mean something anywhere in a line (< > & become entities: renderers pass HTML through).
_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# What starts a heading, list, quote or rule when it opens a line: "1." or "1)" only before a space (or at
# the end), so a number such as 83.5 opening a line is not escaped into "83\.5".
_LINE_START = re.compile(r"^(\s*|\s*\d+)((?<=\d)[.)](?=\s|$)|(?<!\d)[#+=-])")
_HTML = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_STATES = {"pending": "not run", "open": "still open", "closed": "done"}


def escape(text: str) -> str:
    """Participant text as literal Markdown: one line, every markup character escaped."""
    text = one_line(text)  # newlines would end a table row or start a heading
    text = _SPECIAL.sub(r"\\\1", text)
    text = "".join(_HTML.get(ch, ch) for ch in text)
    return _LINE_START.sub(r"\1\\\2", text)


def _block(block: Block) -> list[str]:
    if isinstance(block, Heading):
        return [f"{'#' * max(3, min(block.level, 6))} {escape(block.text)}", ""]
    if isinstance(block, Paragraph):
        text = escape(block.text)
        return [f"**{text}**" if block.strong and text else text, ""]
    if isinstance(block, Bullets):
        marks = (
            (f"{n}." for n in range(1, len(block.items) + 1)) if block.numbered else iter(lambda: "-", None)
        )
        return [f"{mark} {escape(item)}" for mark, item in zip(marks, block.items, strict=False)] + [""]
    if isinstance(block, Chart):
        # Markdown has no pictures of its own: the chart's text alternative stands in for it.
        return [f"*{escape(f'Chart: {block.title}. {block.description}')}*", ""]
    lines = [f"*{escape(block.caption)}*", ""] if block.caption else []
    lines.append("| " + " | ".join(escape(h) for h in block.headers) + " |")
    lines.append("|" + "|".join(" --- " for _ in block.headers) + "|")
    lines.extend("| " + " | ".join(escape(cell_text(cell)) for cell in row) + " |" for row in block.rows)
    return [*lines, ""]


def render(pack: OutcomePack) -> str:
    """The whole pack as one Markdown document."""
    lines = [f"# {escape(pack.title)}", ""]
    lines.append(
        escape(
            f"Outcome pack · made from the {pack.template} template on {pack.created_at:%d %B %Y} · "
            f"{pack.seats} seats joined · exported {pack.exported_at:%d %B %Y %H:%M} UTC"
        )
    )
    lines.append("")
    if pack.baseline_title:
        lines += [f"A follow-up of {escape(pack.baseline_title)}.", ""]
    for item in pack.items:
        lines += [f"## {escape(item.title)}", ""]
        timing = f"{_STATES.get(item.state, item.state)} · planned {item.planned_minutes} min"
        if item.actual_minutes is not None:
            timing += f" · took {item.actual_minutes} min"
        lines += [f"*{escape(timing)}*", ""]
        for block in item.blocks:
            lines += _block(block)
    return "\n".join(lines).rstrip() + "\n"
