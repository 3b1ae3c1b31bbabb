"""The Textual app: owns the database handle, the writer, the participant server and the live tick."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import threading
from collections.abc import Callable, Iterable
from datetime import datetime
from functools import partial
from typing import IO, Any

from sqlalchemy.exc import DBAPIError
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.driver import Driver
from textual.drivers.linux_driver import LinuxDriver
from textual.screen import Screen

from screens.agenda import AgendaScreen
from screens.changes import Changes
from screens.exporting import ExportFinished, report_export
from screens.frame_probe import install_frame_probe
from screens.help import HelpScreen
from screens.home import HomeScreen
from screens.inert_text import InertText
from screens.messages import RevisionRead, WorkshopChanged
from screens.pacing import LIVE_PACE, NewsPacer
from screens.server_notices import ServerNotices
from screens.terminal import TerminalDriver
from screens.themes import register_themes
from screens.widgets.join_panel import WifiDetails
from workshop import locations, netinfo, store
from workshop.db import Database
from workshop.live import read_revision
from workshop.models import utcnow
from workshop.participant_server import ParticipantServer
from workshop.sockets import PortUnavailable, bind_socket
from workshop.write_problems import write_problem
from workshop.writer import BatchWriter

log = logging.getLogger(__name__)

POLL_SECONDS = 0.25
# After SIGTERM, SIGHUP or a lost terminal the app stops on its own within this many seconds: the server's
# workers get their graceful shutdown (ParticipantServer.stop waits 5 s at most), queued writes finish, and
# whatever still hangs (a terminal that takes no output) is cut short by a watchdog that closes the
# database and exits.
SHUTDOWN_SECONDS = 8.0


# Keys whose Textual name is not what is printed on the key cap. Only these: Textual's format_key would
# also print enter as ⏎ and escape as esc, which the palette's words ("Open (enter)") do not use.
KEY_NAMES = {"plus": "+", "minus": "-"}


class WorkshopApp(App[None]):
    """Runs one workshop. Build it with ``serve=False`` for tests that need no network."""

    CSS_PATH = "app.tcss"
    TITLE = "workshop"
    ENABLE_COMMAND_PALETTE = True
    BINDINGS = [
        Binding("ctrl+q", "quit", "Quit", show=False, priority=True),
        Binding(
            "f1,question_mark",
            "toggle_help",
            "Help",
            show=False,
            tooltip="Show or hide every key and what it does",
        ),
    ]

    def __init__(
        self,
        db: Database,
        workshop_id: int | None = None,
        *,
        serve: bool = True,
        host: str = "0.0.0.0",
        port: int = 8000,
        public_url: str | None = None,
        trusted_proxies: list[str] | None = None,
        poll_seconds: float = POLL_SECONDS,
        live_pace: float = LIVE_PACE,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__()
        self.db = db
        self.workshop_id = workshop_id
        self.serve = serve
        self.host = host
        self.port = port
        self.public_url = public_url
        self.trusted_proxies = trusted_proxies or []
        self.poll_seconds = poll_seconds
        self.clock = clock  # tests freeze it, so countdowns in snapshots do not move
        self.writer = BatchWriter(db)
        self._news = NewsPacer(self._tell_screen, self.set_timer, live_pace)
        # Every change a screen makes goes through this; what it changes is drawn without waiting.
        self.changes = Changes(self, self.writer, applied=self._news.prompt)
        # The outcome pack's formats last chosen, offered again next time (empty: the defaults).
        self.export_formats: list[str] = []
        # Whether the facilitator showed or hid the join panel (j), per workshop: kept across Escape and back.
        self.join_shown: dict[int, bool] = {}
        self.server: ParticipantServer | None = None
        self._worker_log: IO[str] | None = None
        self.join_code = ""
        self.facilitator_token = ""
        self._startup_notice = ""  # said once the app runs
        self._tokens: dict[int, str] = {}  # issued by this run, per workshop: opening one again keeps them
        self.join_url = ""
        self.remote_url = ""
        # Without a server of its own the app may follow another process's (`workshop serve`): given that
        # server's public address, it shows the QR code and the remote for it.
        self._base_url = public_url.rstrip("/") if public_url and not serve else ""
        self.wifi: WifiDetails | None = None  # the venue's, so it stays when another workshop opens
        self._revision: int | None = None
        self._polling = False
        self._shutting_down = False
        self._notices = ServerNotices(self)  # "Not saving" while saving fails; a server that cannot run
        self._main_loop: asyncio.AbstractEventLoop | None = None
        self._previous_handlers: dict[signal.Signals, Any] = {}
        # Last in line, after the colour filters: no participant text reaches the terminal as a command.
        self._filters.append(InertText())
        if workshop_id is not None:
            self._load_workshop(workshop_id)

    @property
    def server_port(self) -> int | None:
        """The port phones connect to, once the server is listening."""
        return self.server.port if self.server is not None else None

    async def on_mount(self) -> None:
        self._main_loop = asyncio.get_running_loop()
        register_themes(self)
        self.writer.start()
        if self.serve:
            self._start_server()
        self._install_signal_handlers()
        if self._startup_notice:
            self.notify(self._startup_notice, severity="warning", timeout=30, markup=False)
        self.set_interval(self.poll_seconds, self._poll)
        install_frame_probe(self)  # off unless WORKSHOP_FRAME_PROBE names a file
        # Home is always underneath, so leaving a workshop (Escape) goes back to the list.
        await self.push_screen(HomeScreen())
        if self.workshop_id is not None:
            await self.push_screen(AgendaScreen(self.workshop_id))

    def _load_workshop(self, workshop_id: int) -> None:
        """Read the join code and issue a new remote token (a write: only before the writer starts)."""
        # The database keeps only the token's hash: the one the remote's QR code shows is issued each run.
        try:
            with self.db.writing() as session:
                codes = store.facilitator_codes(session, workshop_id)
        except DBAPIError as exc:  # a full disk or a locked file: the workshop still runs, without a remote
            if (reason := write_problem(exc)) is None:
                raise
            with self.db.reading() as session:
                codes = store.get_workshop(session, workshop_id).join_code, ""
            self._startup_notice = f"No remote this time: its token could not be saved ({reason})."
        self._use_workshop(workshop_id, *codes)

    def token_replaced(self, stored_hash: str | None) -> None:
        """Stop showing the remote if its token was replaced elsewhere (``workshop token``), and say so."""
        token = self.facilitator_token
        if not token or stored_hash == store.facilitator_token_hash(token):
            return
        self.facilitator_token = ""
        if self.workshop_id is not None:
            self._tokens.pop(self.workshop_id, None)  # opening the workshop again issues a new one here
        self._set_urls()
        self.notify(
            "The remote's token was replaced elsewhere ('workshop token'): the remote shown here no longer "
            "works. Open the workshop again from the list to pair a remote with this screen.",
            severity="warning",
            timeout=30,
            markup=False,
        )

    def _use_workshop(self, workshop_id: int, join_code: str, facilitator_token: str) -> None:
        self.join_code, self.facilitator_token = join_code, facilitator_token
        self._tokens[workshop_id] = facilitator_token
        self.workshop_id = workshop_id
        self._revision = None
        self._set_urls()

    def _set_urls(self) -> None:
        known = bool(self._base_url and self.join_code)  # no server, or no workshop open yet
        self.join_url = f"{self._base_url}/j/{self.join_code}" if known else ""
        paired = known and bool(self.facilitator_token)
        self.remote_url = f"{self._base_url}/f/{self.facilitator_token}" if paired else ""

    async def open_workshop(self, workshop_id: int) -> None:
        """Run another workshop: its agenda opens over the home screen; the server already serves it."""
        # A new remote token unless this run issued one; in the writer's thread, off the event loop.
        issue = partial(store.facilitator_codes, workshop_id=workshop_id, known=self._tokens.get(workshop_id))
        try:
            codes = await self.writer.submit(issue)
        except store.WorkshopNotFound:
            self.notify("That workshop no longer exists.", severity="error")
            return
        except Exception as exc:  # the token was not saved: the "Not saving" notice says why
            if write_problem(exc) is None:
                raise
            self.notify("The workshop did not open: nothing can be saved just now.", severity="error")
            return
        self._use_workshop(workshop_id, *codes)
        await self.push_screen(AgendaScreen(workshop_id))

    def close_workshop(self) -> None:
        """Back to the home screen; phones keep answering whatever is open."""
        # Only the agenda leaves: a second Escape arriving late must not pop the home screen too.
        if isinstance(self.screen, AgendaScreen):
            self.workshop_id = None
            self.pop_screen()

    def _start_server(self) -> None:
        """Bind the phones' address here, so a taken port is a notice, and serve it from worker processes.

        The workers (workshop/participant_server.py) share nothing with this process but the database: a
        burst of phones never competes with the screen for Python's one running thread.
        """
        try:
            sock, notice = bind_socket(self.host, self.port)
        except PortUnavailable as exc:
            self.notify(
                f"{exc}. Phones cannot join until you restart with --port.",
                severity="error",
                timeout=30,
                markup=False,
            )
            return
        # The workers' logs join the app's log file: anything they printed would tear the screen.
        self._worker_log = (locations.log_dir(create=True) / "workshop.log").open("a", encoding="utf-8")
        self.server = ParticipantServer(
            self.db.url,
            sock,
            public_url=self.public_url,
            trusted_proxies=self.trusted_proxies,
            stderr=self._worker_log,
        )
        self.run_worker(self.server.start, thread=True, group="server", exit_on_error=False)
        self._base_url = netinfo.join_base_url(self.host, self.server.port, self.public_url)
        self._set_urls()  # the codes are known already: only the address changed
        if notice:
            self.notify(notice, severity="warning", timeout=15, markup=False)

    def get_driver_class(self) -> type[Driver]:
        """Textual's own driver, except on a real Linux/macOS terminal, where ours survives losing it."""
        driver = super().get_driver_class()
        return TerminalDriver if driver is LinuxDriver else driver

    def _install_signal_handlers(self) -> None:
        # Plain signal handlers rather than loop.add_signal_handler: those run on the event loop, which a
        # blocked terminal write can hold up; these run between any two bytecodes of the main thread.
        # Only for a real terminal: a test's app shares its process with pytest, whose signals stay its own.
        if self.is_headless:
            return
        for sig in (signal.SIGTERM, signal.SIGHUP):
            # Not possible off the main thread or on Windows; Ctrl+Q still quits cleanly there.
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                self._previous_handlers[sig] = signal.signal(sig, self._on_stop_signal)

    def on_unmount(self) -> None:
        # The process may go on after the app (the CLI closes the database): the handlers go with the app.
        for sig, handler in self._previous_handlers.items():
            with contextlib.suppress(RuntimeError, ValueError, TypeError):
                signal.signal(sig, handler)
        self._previous_handlers.clear()

    def _on_stop_signal(self, signum: int, _frame: object) -> None:
        log.warning("received %s: shutting down", signal.Signals(signum).name)
        self.shut_down()

    def terminal_lost(self) -> None:
        """The terminal has gone (closed window, ended ssh or tmux session): stop as on SIGHUP."""
        self.shut_down()

    def shut_down(self) -> None:
        """Stop in an orderly way from any thread or a signal handler, and for sure within seconds."""
        if self._shutting_down:
            return
        self._shutting_down = True
        if not self.is_headless:  # a test's app shares its process with pytest: never cut that short
            threading.Thread(target=self._watchdog, name="shutdown-watchdog", daemon=True).start()
        if self._main_loop is not None:
            with contextlib.suppress(RuntimeError):  # the loop has closed: the app is ending anyway
                self._main_loop.call_soon_threadsafe(lambda: asyncio.ensure_future(self.action_quit()))

    def _watchdog(self, seconds: float = SHUTDOWN_SECONDS) -> None:
        threading.Event().wait(seconds)  # the process normally ends before this returns
        # Still here: something blocks the orderly path. Every acknowledged vote is already committed;
        # finish the writes queued behind them, close the database and leave.
        log.error("shutdown took over %.0f s; finishing writes and exiting", seconds)
        with contextlib.suppress(Exception):
            self.writer.stop(timeout=2)
        with contextlib.suppress(Exception):
            self.db.dispose()
        logging.shutdown()
        os._exit(1)  # not 0: a supervisor can tell that the orderly path did not finish

    def _poll(self) -> None:
        self._notices.update(self.writer.problem, self.server)
        if self.workshop_id is not None and not self._polling:
            self._polling = True
            self.run_worker(self._read_revision, thread=True, group="poll", exit_on_error=False)

    def _read_revision(self) -> None:
        workshop_id = self.workshop_id
        if workshop_id is None:
            self._polling = False
            return
        try:
            revision = read_revision(self.db, workshop_id)
        except store.WorkshopNotFound:
            revision = -1  # deleted elsewhere: the agenda's next read finds out and goes home
        except Exception as exc:  # a busy or unreachable database: try again on the next tick
            log.warning("could not read the workshop revision: %s", exc)
            return
        finally:
            self._polling = False
        if workshop_id == self.workshop_id and revision != self._revision:
            self._revision = revision
            self.post_message(RevisionRead(revision, workshop_id))  # thread-safe; handled on the loop

    def on_export_finished(self, message: ExportFinished) -> None:
        report_export(self, message)

    def on_revision_read(self, message: RevisionRead) -> None:
        self._news.offer(message)  # at once, or within a second while the room's answers stream in

    def _tell_screen(self, message: RevisionRead) -> None:
        # On the event loop: the screen on top is read here, not from the worker thread. While the app
        # closes there may be no screen left to tell.
        if self.screen_stack:
            self.screen.post_message(WorkshopChanged(message.revision, message.workshop_id))

    def action_toggle_help(self) -> None:
        """Every key of the screen and its focused list, with what it does."""
        if isinstance(self.screen, HelpScreen):
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """Every action that makes sense now, in plain words: the focused list's, the screen's, then
        Textual's own."""
        for active in screen.active_bindings.values():
            binding = active.binding
            if binding.tooltip and active.enabled:
                key = binding.key.split(",")[0]
                title = f"{binding.description} ({KEY_NAMES.get(key, key)})"
                command = partial(self.run_action, binding.action, active.node)
                yield SystemCommand(title, binding.tooltip, command)
        yield from super().get_system_commands(screen)

    async def action_quit(self) -> None:
        """Stop the participant server, finish queued writes, then exit."""
        if self.server is not None:
            server, self.server = self.server, None
            await asyncio.to_thread(server.stop)  # each worker commits what it acknowledged first
        if self._worker_log is not None:
            self._worker_log.close()
        await asyncio.get_running_loop().run_in_executor(None, self.writer.stop)
        self.exit()
