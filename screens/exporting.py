"""Writing the outcome pack from the TUI: in a worker thread, with progress, failures as notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, ProgressBar, SelectionList, Static
from textual.widgets.selection_list import Selection

from workshop import locations
from workshop.db import Database
from workshop.exports.files import DEFAULT_FORMATS, FORMATS, ExportError, export_workshop
from workshop.write_problems import write_problem


class ExportFormatsScreen(ModalScreen[list[str] | None]):
    """Choose the outcome pack's formats: space ticks one, Enter writes them, Escape cancels."""

    BINDINGS = [
        Binding("escape", "dismiss(None)", "Cancel"),
        Binding("enter", "write", "Write", priority=True),
    ]

    def __init__(self, chosen: list[str]) -> None:
        super().__init__()
        self.chosen = chosen

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Write the outcome pack", style="bold"), classes="dialog-title")
            yield Static("Tick the formats with space; Enter writes them.")
            yield SelectionList[str](
                *(
                    Selection(f"{fmt.label} ({fmt.suffix})", name, name in self.chosen)
                    for name, fmt in FORMATS.items()
                ),
                id="formats",
            )
            # The list shows ticks by colour only: this line says in words what Enter will write.
            yield Static("", id="formats-chosen")
            yield Static("", id="formats-error")
            with Horizontal(classes="dialog-buttons"):
                yield Button("Write", id="save", variant="primary")
                yield Button("Cancel", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#formats").focus()
        self._say_chosen()

    def on_selection_list_selected_changed(self, _event: SelectionList.SelectedChanged[str]) -> None:
        self._say_chosen()

    def _say_chosen(self) -> None:
        selected = self.query_one("#formats", SelectionList).selected
        labels = [fmt.label for name, fmt in FORMATS.items() if name in selected]
        said = f"Will write: {', '.join(labels)}" if labels else "Nothing ticked yet"
        self.query_one("#formats-chosen", Static).update(Text(said))

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "save":
            self.action_write()
        else:
            self.dismiss(None)

    def action_write(self) -> None:
        selected = self.query_one("#formats", SelectionList).selected
        # In the registry's order, whatever order they were ticked in.
        chosen = [name for name in FORMATS if name in selected]
        if not chosen:
            self.query_one("#formats-error", Static).update(Text("✖ Tick at least one format.", style="bold"))
            return
        self.dismiss(chosen)


def choose_and_export(app: App[Any], db: Database, workshop_id: int, last: list[str]) -> None:
    """Ask which formats (starting from ``last``, which is updated in place), then write them."""

    def chosen(formats: list[str] | None) -> None:
        if formats:
            last[:] = formats
            export_in_background(app, db, workshop_id, formats=formats)

    app.push_screen(ExportFormatsScreen(last or list(DEFAULT_FORMATS)), chosen)


class ExportProgress(ModalScreen[None]):
    """How far the export has got; Escape hides it and the export carries on."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Hide")]

    class Advanced(Message):
        """The worker has read ``done`` of ``total`` items; ``title`` is the next one ("" when writing)."""

        def __init__(self, done: int, total: int, title: str) -> None:
            super().__init__()
            self.done, self.total, self.title = done, total, title

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Writing the outcome pack", style="bold"), classes="dialog-title")
            yield Static("Reading the workshop…", id="export-step")
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
            yield Static(Text("Escape hides this; the export carries on.", style="dim"))

    def on_export_progress_advanced(self, message: Advanced) -> None:
        if not self.is_attached:
            return
        done, total, title = message.done, message.total, message.title
        self.query_one("#export-bar", ProgressBar).update(total=max(total, 1), progress=done)
        step = Text(f"Item {min(done + 1, total)} of {total}: ") if title else Text("Writing the files…")
        step.append(title)  # a title may hold anything a facilitator typed
        self.query_one("#export-step", Static).update(step)


class ExportFinished(Message):
    """The export worker is done: the files written, or the problem in plain words."""

    def __init__(self, progress: ExportProgress, paths: list[Path] | None, problem: str | None) -> None:
        super().__init__()
        self.progress, self.paths, self.problem = progress, paths, problem


def report_export(app: App[Any], message: ExportFinished) -> None:
    """On the event loop: close the progress dialog if it is still up and say how the export went."""
    progress = message.progress
    if progress.is_attached and app.screen is progress:
        progress.dismiss(None)
    if message.problem is not None:
        app.notify(f"The export failed: {message.problem}", severity="error", timeout=20, markup=False)
        return
    paths = message.paths or []
    names = ", ".join(path.name for path in paths)
    where = paths[0].parent if paths else ""
    app.notify(f"Outcome pack written to {where}: {names}", timeout=20, markup=False)


def export_in_background(
    app: App[Any],
    db: Database,
    workshop_id: int,
    folder: Path | None = None,
    formats: list[str] | None = None,
) -> None:
    """Write the workshop's pack in ``formats`` (Markdown and JSON by default) to ``folder`` (the exports
    folder by default).

    The worker reports by message (``post_message`` is thread-safe): progress to the dialog, the end to the
    app, whose ``on_export_finished`` calls :func:`report_export`, so the dialog may be hidden meanwhile.
    """
    target = folder or locations.exports_dir()
    progress = ExportProgress()
    app.push_screen(progress)

    def advanced(done: int, total: int, title: str) -> None:
        progress.post_message(ExportProgress.Advanced(done, total, title))

    def work() -> None:
        try:
            paths = export_workshop(db, workshop_id, target, formats or DEFAULT_FORMATS, progress=advanced)
        except ExportError as exc:
            app.post_message(ExportFinished(progress, None, str(exc)))
        except Exception as exc:  # a locked database or a bug in one kind's report: a notice, not a crash
            reason = write_problem(exc)  # a database that cannot be read is said in plain words too
            app.post_message(ExportFinished(progress, None, reason or f"{type(exc).__name__}: {exc}"))
        else:
            app.post_message(ExportFinished(progress, paths, None))

    app.run_worker(work, thread=True, group="export", exit_on_error=False)
