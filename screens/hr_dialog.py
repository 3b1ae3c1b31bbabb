"""A preview of the HR text for one value: what ``workshop hr`` writes for it, as plain text to read.

The text is read and rendered in a worker thread (templates can be slow, the database is a read), and the
result comes back by message. Participant text reaches the screen only as Rich ``Text``, never as markup.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Static

from workshop.db import Database
from workshop.hr import HrError, configured_templates_dir, preview_value, render_hr
from workshop.hr_text import to_text
from workshop.wording import plural


@dataclass(frozen=True)
class Preview:
    """What the dialog shows: the text, and a note on what keeps the value (or some of it) out of the pack."""

    text: str
    note: str = ""


def read_preview(db: Database, workshop_id: int, entry_id: int, templates: Path | None) -> Preview:
    """The HR text for the value ``entry_id`` is (or sits under); runs in a worker thread."""
    with db.reading() as session:
        source = preview_value(session, workshop_id, entry_id)
    if source is None:
        return Preview("", "That value is no longer there: a participant may have removed it.")
    value = source.values[0]
    notes = []
    if not value.agreed:
        notes.append("This value is not marked as agreed, so it is not in the HR pack yet (a agrees it).")
    if value.not_agreed:
        one = value.not_agreed == 1
        notes.append(
            f"{plural(value.not_agreed, 'behaviour')} under it {'is' if one else 'are'} not marked as "
            f"agreed, so the text leaves {'it' if one else 'them'} out."
        )
    pack = render_hr(source, templates)
    return Preview(to_text(pack.value_document(0)), " ".join(notes))


class HrPreviewScreen(ModalScreen[None]):
    """The HR text for the highlighted value, scrollable; Escape closes it."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Close")]

    @dataclass
    class Read(Message):
        """The worker's preview, or the problem that stopped it, in plain words."""

        preview: Preview | None
        problem: str | None

    def __init__(self, db: Database, workshop_id: int, entry_id: int) -> None:
        super().__init__()
        self.db, self.workshop_id, self.entry_id = db, workshop_id, entry_id

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog dialog-wide", id="hr-preview"):
            yield Static(Text("HR text for this value", style="bold"), classes="dialog-title")
            yield Static(Text("Reading…", style="dim"), id="hr-note")
            yield Static(Text(""), id="hr-text")
            yield Static(
                Text(
                    f"↑ ↓ scroll · Escape closes this. 'workshop hr {self.workshop_id}' writes every agreed "
                    "value as Markdown, plain text and Word.",
                    style="dim",
                )
            )

    def on_mount(self) -> None:
        self.query_one("#hr-preview", VerticalScroll).focus()
        self.run_worker(self._read, thread=True, group="hr-preview", exit_on_error=False)

    def _read(self) -> None:
        # In a thread: post_message is thread-safe, and the handler draws on the event loop.
        try:
            preview = read_preview(self.db, self.workshop_id, self.entry_id, configured_templates_dir())
        except HrError as exc:
            self.post_message(self.Read(None, str(exc)))
        except Exception as exc:  # a preview must never take the app down; say what went wrong instead
            self.post_message(self.Read(None, f"Could not make the HR text: {type(exc).__name__}: {exc}"))
        else:
            self.post_message(self.Read(preview, None))

    def on_hr_preview_screen_read(self, message: Read) -> None:
        note = self.query_one("#hr-note", Static)
        if message.preview is None:
            note.update(Text(f"✖ {message.problem}", style="bold"))
            return
        # Text, never markup: a value called "[red]Care[/red]" is shown as typed.
        note.update(Text(message.preview.note, style="italic") if message.preview.note else Text(""))
        self.query_one("#hr-text", Static).update(Text(message.preview.text))
