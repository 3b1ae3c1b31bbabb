"""Dialogs of the home screen: a new workshop from a template, and a follow-up of an earlier one."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import Button, Input, Label, Select, Static

from screens.dialogs import FormDialog

TITLE_LIMIT = 200
T = TypeVar("T")


def _title_problem(title: str) -> str | None:
    if not title.strip():
        return "✖ Enter a title, for example “Children and families partnership, March”."
    if len(title.strip()) > TITLE_LIMIT:
        return f"✖ The title must be {TITLE_LIMIT} characters or fewer (it has {len(title.strip())})."
    return None


class _TitledDialog(FormDialog[T]):
    """A dialog whose Enter or Save checks the title, then dismisses with ``result(title)``."""

    def on_input_submitted(self) -> None:
        self.submit()

    def submit(self) -> None:
        title = self.query_one("#title", Input).value
        problem = _title_problem(title)
        if problem:
            self.query_one("#edit-error", Static).update(Text(problem, style="bold"))
            self.query_one("#title", Input).focus()
            return
        self.dismiss(self.result(title.strip()))

    def result(self, title: str) -> T:
        """What the dialog answers with, given a valid title."""
        raise NotImplementedError


@dataclass(frozen=True)
class NewWorkshop:
    """A template's name and the new workshop's title."""

    template: str
    title: str


class NewWorkshopScreen(_TitledDialog[NewWorkshop | None]):
    """Choose a template and give the workshop a title."""

    FOCUS = "#template"

    def __init__(self, templates: list[tuple[str, str]]) -> None:
        super().__init__()
        self.templates = templates  # (title, name)

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("New workshop", style="bold"), classes="dialog-title")
            yield Label("Template")
            yield Select(self.templates, value=self.templates[0][1], allow_blank=False, id="template")
            yield Label("Title (participants see it on their phones)")
            yield Input("", id="title", max_length=TITLE_LIMIT + 1)
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Make it", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def result(self, title: str) -> NewWorkshop | None:
        return NewWorkshop(str(self.query_one("#template", Select).value), title)


class FollowUpScreen(_TitledDialog[str | None]):
    """Title a follow-up: the same matrix and agenda a year on, linked to the baseline to compare."""

    def __init__(self, baseline_title: str) -> None:
        super().__init__()
        self.baseline_title = baseline_title

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Follow-up workshop", style="bold"), classes="dialog-title")
            yield Static(
                Text.assemble(
                    "A new workshop with the same factors, levels, groups and agenda as ",
                    (self.baseline_title, "bold"),
                    ", and none of its answers. It stays linked to it, so the two can be compared.",
                )
            )
            yield Label("Title")
            default = f"Follow-up: {self.baseline_title}"[:TITLE_LIMIT]
            yield Input(default, id="title", max_length=TITLE_LIMIT + 1)
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Make it", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def result(self, title: str) -> str | None:
        return title
