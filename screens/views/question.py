"""Live view for the open question: a terminal word cloud and the latest answers."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text
from textual.widget import Widget

from screens.views.base import LiveView
from workshop.activities.question import QuestionSummary
from workshop.live import Snapshot
from workshop.untrusted import one_line
from workshop.wording import NOBODY_JOINED, of_joined, plural

# However small the pane, the newest answer shows (the pane scrolls for it if need be).
FEWEST = 1


def height(widget: Widget, renderable: RenderableType) -> int:
    """Lines ``renderable`` takes when drawn at ``widget``'s width, wrapping included."""
    console = widget.app.console
    options = console.options.update(width=widget.size.width, height=None)
    return len(console.render_lines(renderable, options, pad=False))


class QuestionView(LiveView[QuestionSummary]):
    """Top words sized by weight (style and the count as a number, never colour), then the newest answers."""

    SUMMARY = QuestionSummary

    def draw(self, snapshot: Snapshot, summary: QuestionSummary) -> None:
        heading = Text()
        heading.append(one_line(summary.prompt), style="bold")
        answers = (
            f"{plural(len(summary.answers), 'answer')} from {of_joined(summary.responses, snapshot.seats)}"
        )
        heading.append(f"\n{answers if snapshot.seats else NOBODY_JOINED}")
        top = Group(heading, Text(), self._cloud(summary), Text(), Text("Latest answers", style="bold"))
        self.update(Group(top, self._latest(summary, self._room(top))))

    def _room(self, top: RenderableType) -> int | None:
        """Lines left for the answers under ``top``, or None before the pane has a size."""
        pane = self.parent.size.height if isinstance(self.parent, Widget) else 0
        if not pane or not self.size.width:
            return None
        # Measured rather than counted: a long prompt or a big cloud wraps onto more lines.
        return pane - height(self, top)

    @staticmethod
    def _cloud(summary: QuestionSummary) -> Text:
        if not summary.words:
            return Text("Word cloud: no words yet")
        top = summary.words[0].count
        cloud = Text(justify="center")
        cloud.append("Words used most · number of answers using each\n", style="italic")
        for index, word in enumerate(summary.words):
            # Three tiers stand in for font sizes: capitals in reverse video, bold, plain.
            weight = word.count / top
            if weight > 2 / 3:
                label, style = f" {word.word.upper()} ", "bold reverse"
            elif weight > 1 / 3:
                label, style = word.word, "bold"
            else:
                label, style = word.word, ""
            if index:
                cloud.append("   ")
            cloud.append(one_line(label), style=style)
            cloud.append(f" {word.count}")
        return cloud

    def _latest(self, summary: QuestionSummary, room: int | None) -> Text:
        if not summary.answers:
            return Text("None yet")
        newest = [f"• {one_line(answer)}" for answer in reversed(summary.answers)]
        shown = len(newest)
        if room is not None:
            used = 0
            for index, line in enumerate(newest):
                lines = height(self, Text(line))
                # Unless this is the oldest answer, a line must stay free for "… and N earlier" below it.
                if index >= FEWEST and used + lines + (index < len(newest) - 1) > room:
                    shown = index
                    break
                used += lines
        text = Text("\n".join(newest[:shown]))
        if shown < len(newest):
            text.append(f"\n… and {len(newest) - shown} earlier", style="italic")
        return text
