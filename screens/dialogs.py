"""Modal dialogs: each gathers one answer and returns it with ``dismiss``; the caller acts on it."""

from __future__ import annotations

from typing import TypeVar

from pydantic import ValidationError
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, Select, Static, TextArea

from screens.widgets.join_panel import WifiDetails
from screens.widgets.qr import QRCode
from workshop.store.agenda import ItemEdit

T = TypeVar("T")


class ConfirmScreen(ModalScreen[bool]):
    """Ask before something that cannot be undone; Escape or "No" answers no."""

    BINDINGS = [Binding("escape", "answer(False)", "No"), Binding("y", "answer(True)", "Yes", show=False)]

    def __init__(self, question: str, detail: str, yes: str, no: str = "No, keep them") -> None:
        super().__init__()
        self.question, self.detail, self.yes, self.no = question, detail, yes, no

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text(self.question, style="bold"), classes="dialog-title")
            yield Static(Text(self.detail))
            with Horizontal(classes="dialog-buttons"):
                yield Button(self.yes, id="yes", variant="error")
                yield Button(self.no, id="no", variant="primary")

    def on_mount(self) -> None:
        self.query_one("#no", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "yes")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class RemoteScreen(ModalScreen[None]):
    """The facilitator remote's QR code and the token for the JSON API."""

    BINDINGS = [Binding("escape,f", "dismiss", "Close")]

    def __init__(self, url: str, token: str) -> None:
        super().__init__()
        self.url, self.token = url, token

    def compose(self) -> ComposeResult:
        # Side by side: the remote's longer address makes a taller code than the join code.
        with VerticalScroll(classes="dialog dialog-wide"), Horizontal(classes="dialog-row"):
            if self.url:
                yield QRCode(self.url)
            with Vertical(classes="dialog-text"):
                yield Label(Text("Facilitator remote", style="bold"), classes="dialog-title")
                if self.url:
                    yield Static(Text.assemble("Scan on your own phone, or open\n", (self.url, "bold")))
                else:
                    yield Static("The participant server is off, so there is no remote.")
                yield Static(Text.assemble("\nAPI token (keep it private):\n", (self.token, "bold")))
                # The database keeps only the token's hash: each run of the app issues a new one.
                yield Static("\nA new one each time this app starts: pair remotes and scripts again.")
                yield Static(Text("\nEscape closes this.", style="dim"))


class WifiScreen(ModalScreen[WifiDetails | None]):
    """Enter the venue's Wi-Fi so a second QR code can join phones to it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]

    def __init__(self, current: WifiDetails | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        current = self.current
        with VerticalScroll(classes="dialog"):
            yield Label(Text("Venue Wi-Fi", style="bold"), classes="dialog-title")
            # One line each, so that the whole dialog fits an 80x24 terminal without scrolling.
            yield Static("Phones scan this code first to join the network.")
            yield Label("Network name (SSID), or leave it empty to remove the code")
            yield Input(current.ssid if current else "", id="ssid", max_length=32)
            yield Label("Password (empty for an open network)")
            yield Input(current.password if current else "", id="password", password=True, max_length=63)
            yield Label("Is the network name broadcast?")
            # A choice shown in words: a checkbox here showed its state by colour alone.
            yield Select(
                [
                    ("Visible: phones list it (most networks)", False),
                    ("Hidden: phones must be told its name", True),
                ],
                value=current.hidden if current else False,
                allow_blank=False,
                id="hidden",
            )
            # Takes a line only once there is something wrong to say.
            error = Static("", id="wifi-error")
            error.display = False
            yield error
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ssid", Input).focus()

    def on_input_submitted(self) -> None:
        self._save()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self._save()
        else:
            self.dismiss(None)

    def _save(self) -> None:
        ssid = self.query_one("#ssid", Input).value
        password = self.query_one("#password", Input).value
        if not ssid.strip():
            self.dismiss(WifiDetails("", "", False))
            return
        if password and not 8 <= len(password) <= 63:
            error = self.query_one("#wifi-error", Static)
            error.update(Text("✖ A WPA password has 8 to 63 characters.", style="bold"))
            error.display = True
            return
        self.dismiss(WifiDetails(ssid, password, bool(self.query_one("#hidden", Select).value)))


class FormDialog(ModalScreen[T]):
    """A dialog with a Save and a Cancel button: Escape or Cancel answers None, Save calls ``submit``."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Cancel")]
    FOCUS = "#title"

    def on_mount(self) -> None:
        self.query_one(self.FOCUS).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.submit()
        else:
            self.dismiss(None)

    def submit(self) -> None:
        """Validate the fields and ``dismiss`` with the result, or show what is wrong."""
        raise NotImplementedError


class EditItemScreen(FormDialog[ItemEdit | None]):
    """Change an agenda item's title, planned minutes and facilitator notes."""

    def __init__(self, title: str, minutes: int, notes: str) -> None:
        super().__init__()
        self.values = (title, minutes, notes)

    def compose(self) -> ComposeResult:
        title, minutes, notes = self.values
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Edit agenda item", style="bold"), classes="dialog-title")
            yield Label("Title")
            yield Input(title, id="title", max_length=200)
            yield Label("Planned minutes")
            yield Input(str(minutes), id="minutes", max_length=3)
            yield Label("Facilitator notes (only you see these)")
            yield TextArea(notes, id="notes")
            yield Static("", id="edit-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Save", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def submit(self) -> None:
        edit = validated_edit(
            self.query_one("#edit-error", Static),
            title=self.query_one("#title", Input).value,
            minutes=self.query_one("#minutes", Input).value,
            notes=self.query_one("#notes", TextArea).text,
        )
        if edit is not None:
            self.dismiss(edit)


def validated_edit(error: Static, **fields: str) -> ItemEdit | None:
    """The fields as an ItemEdit, or None after showing what is wrong, in words, in ``error``."""
    problems = []
    if "title" in fields and not fields["title"].strip():
        problems.append("Enter a title.")
    if "minutes" in fields and not fields["minutes"].strip().isdigit():
        problems.append("Planned minutes must be a whole number, for example 15.")
    if not problems:
        try:
            return ItemEdit.model_validate(fields)
        except ValidationError as exc:
            problems = [f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors()]
    error.update(Text("✖ " + " ".join(problems), style="bold"))
    return None
