"""Live view for the open question: a terminal word cloud and the latest answers."""

from __future__ import annotations

import unicodedata

from rich.console import Group
from rich.text import Text

from screens.views.base import LiveView
from screens.wording import plural
from workshop.activities.question import QuestionSummary
from workshop.live import Snapshot

# Lines taken by the heading and the word cloud before the answers list starts.
CHROME = 9


def one_line(text: str) -> str:
    """Participant text for one screen line: control characters and line breaks become single spaces."""
    cleaned = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in text)
    return " ".join(cleaned.split())


class QuestionView(LiveView):
    """Top words sized by weight (style and the count as a number, never colour), then the newest answers."""

    def show(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        summary = snapshot.summary
        if not isinstance(summary, QuestionSummary):
            self.update("No results yet.")
            return
        heading = Text()
        heading.append(one_line(summary.prompt), style="bold")
        heading.append(
            f"\n{plural(len(summary.answers), 'answer')} from {summary.responses} of {snapshot.seats} joined"
        )
        self.update(Group(heading, Text(), self._cloud(summary), Text(), self._latest(summary)))

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

    def _latest(self, summary: QuestionSummary) -> Text:
        text = Text()
        text.append("Latest answers", style="bold")
        if not summary.answers:
            text.append("\nNone yet")
            return text
        pane = self.parent.size.height if self.parent is not None else 0  # type: ignore[attr-defined]
        room = max(3, pane - CHROME - self._cloud_lines(summary)) if pane else len(summary.answers)
        newest = list(reversed(summary.answers))[:room]
        for answer in newest:
            text.append("\n• ")
            text.append(one_line(answer))
        if len(summary.answers) > len(newest):
            text.append(f"\n… and {len(summary.answers) - len(newest)} earlier", style="italic")
        return text

    def _cloud_lines(self, summary: QuestionSummary) -> int:
        width = max(20, self.size.width)
        length = sum(len(w.word) + len(str(w.count)) + 6 for w in summary.words)
        return length // width + 1
