"""Writing the outcome pack from the TUI: in a worker thread, with progress, failures as notices."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import ProgressBar, Static

from workshop import locations
from workshop.db import Database
from workshop.exports.files import ExportError, export_workshop
from workshop.write_problems import write_problem


class ExportProgress(ModalScreen[None]):
    """How far the export has got; Escape hides it and the export carries on."""

    BINDINGS = [Binding("escape", "dismiss(None)", "Hide")]

    def compose(self) -> ComposeResult:
        with VerticalScroll(classes="dialog"):
            yield Static(Text("Writing the outcome pack", style="bold"), classes="dialog-title")
            yield Static("Reading the workshop…", id="export-step")
            yield ProgressBar(total=None, show_eta=False, id="export-bar")
            yield Static(Text("Escape hides this; the export carries on.", style="dim"))

    def advance(self, done: int, total: int, title: str) -> None:
        """Show that ``done`` of ``total`` items are read, and which one is next."""
        if not self.is_attached:
            return
        self.query_one("#export-bar", ProgressBar).update(total=max(total, 1), progress=done)
        step = Text(f"Item {min(done + 1, total)} of {total}: ") if title else Text("Writing the files…")
        step.append(title)  # a title may hold anything a facilitator typed
        self.query_one("#export-step", Static).update(step)


def export_in_background(app: App[Any], db: Database, workshop_id: int, folder: Path | None = None) -> None:
    """Write the workshop's pack (Markdown and JSON) to ``folder`` (the exports folder by default)."""
    target = folder or locations.exports_dir()
    progress = ExportProgress()
    app.push_screen(progress)

    def finish(paths: list[Path] | None, problem: str | None) -> None:
        if progress.is_attached and app.screen is progress:
            progress.dismiss(None)
        if problem is not None:
            app.notify(f"The export failed: {problem}", severity="error", timeout=20, markup=False)
            return
        assert paths
        names = " and ".join(path.name for path in paths)
        app.notify(f"Outcome pack written to {paths[0].parent}: {names}", timeout=20, markup=False)

    def work() -> None:
        try:
            paths = export_workshop(
                db,
                workshop_id,
                target,
                progress=lambda done, total, title: app.call_from_thread(
                    progress.advance, done, total, title
                ),
            )
        except ExportError as exc:
            app.call_from_thread(finish, None, str(exc))
        except Exception as exc:  # a locked database or a bug in one kind's report: a notice, not a crash
            reason = write_problem(exc)  # a database that cannot be read is said in plain words too
            app.call_from_thread(finish, None, reason or f"{type(exc).__name__}: {exc}")
        else:
            app.call_from_thread(finish, paths, None)

    app.run_worker(work, thread=True, group="export", exit_on_error=False)
