"""Live view for actions: the confirmed actions as a table, and participants' actions to confirm."""

from __future__ import annotations

from functools import partial

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.views.action_dialog import ActionDialog
from screens.views.base import LiveView
from screens.widgets.pending_list import PendingList
from workshop.activities import get_activity
from workshop.activities.actions import Action, ActionsActivity, ActionsSummary, AddAction
from workshop.live import Snapshot
from workshop.models import EntryStatus, row_id
from workshop.store import entries as store_entries

WAITING = "⧗ to confirm"
DONE = {
    EntryStatus.APPROVED: "Action confirmed: it goes in the outcome pack",
    EntryStatus.HIDDEN: "Action hidden: it stays out of the outcome pack",
}
# Drawn on the event loop at every change: the pane shows the newest; the outcome pack lists them all.
SHOWN_ROWS = 20


def _line(action: Action) -> Text:
    """One action in a line of plain text: what, lead, by when, priority (as typed: never markup)."""
    line = Text(action.text)
    line.append(f" · {action.lead} · by {action.by_when}")
    if action.priority:
        line.append(f" · {action.priority}")
    return line


class ActionsView(LiveView[ActionsSummary]):
    """Confirmed actions (What / Lead / By when / Priority), then those waiting for the facilitator.

    Tab reaches the view; ``t`` adds an action (confirmed at once), and in the list of waiting actions the
    arrows move, ``a`` confirms the highlighted one and ``x`` hides it. On the projector (``following``) only
    the confirmed actions: participants' words wait for the facilitator before the room reads them.
    """

    DEFAULT_CSS = """
    ActionsView { height: auto; }
    ActionsView > #actions-pending { height: auto; max-height: 10; }
    """

    BINDINGS = [
        Binding("t", "add_action", "Add action", tooltip="Add an action: what, who leads, by when"),
        Binding("a", "confirm", "Confirm action", tooltip="Confirm the highlighted action for the pack"),
        Binding("x", "hide_action", "Hide action", tooltip="Hide the highlighted action: it is not taken on"),
    ]
    SUMMARY = ActionsSummary
    can_focus = True

    def compose(self) -> ComposeResult:
        # What waits for the facilitator first: on a small terminal the confirmed table scrolls, not this.
        yield Static(id="actions-pending-title")
        yield PendingList(self._decided, shown=self._list_shown, id="actions-pending")
        yield Static(id="actions-results")

    def on_mount(self) -> None:
        self.redraw()

    def draw_nothing(self, snapshot: Snapshot) -> None:
        if self.query("#actions-results"):  # composed, and not being taken off the screen
            self.query_one("#actions-results", Static).update("No actions yet.")
            self._show_pending(())

    def draw(self, snapshot: Snapshot, summary: ActionsSummary) -> None:
        if not self.query("#actions-results"):
            return  # not composed yet (drawn from on_mount), or already taken off the screen
        title = f"\nActions confirmed: {len(summary.confirmed)}"
        if not self.following:
            title += f" · waiting: {len(summary.pending)}"
        table = Table(
            title=Text(title, style="bold"),
            title_justify="left",
            expand=True,
            box=None,
            padding=(0, 1, 0, 0),
            show_edge=False,
        )
        table.add_column("What", ratio=3, overflow="fold")
        table.add_column("Lead", ratio=2, overflow="fold")
        table.add_column("By when", width=14, no_wrap=True)
        table.add_column("Priority", ratio=2, overflow="fold")
        for action in summary.confirmed[-SHOWN_ROWS:]:
            # As typed (a participant may have written it): Text, never markup.
            table.add_row(Text(action.text), Text(action.lead), action.by_when, Text(action.priority or "—"))
        lines: list[Table | Text] = [table]
        if not summary.confirmed:
            keys = "" if self.following else ": t adds one (Tab here first)"
            lines.append(Text(f"None confirmed yet{keys}.", style="italic"))
        hidden = len(summary.confirmed) - SHOWN_ROWS
        if hidden > 0:
            lines.append(
                Text(f"… {hidden} earlier actions, not shown here: the outcome pack lists them all.")
            )
        self.query_one("#actions-results", Static).update(Group(*lines))
        self._show_pending(() if self.following else summary.pending)

    def _show_pending(self, actions: tuple[Action, ...]) -> None:
        title = self.query_one("#actions-pending-title", Static)
        if actions:
            title.update(
                Text.assemble(
                    (f"Actions waiting to be confirmed: {len(actions)}", "bold"),
                    "  (Tab to the list, arrows to move, a confirm, x hide)",
                )
            )
        else:
            title.update(Text("No actions waiting to be confirmed."))
        title.display = not self.following  # the room reads only what the facilitator confirmed
        rows = [(a.id, Text.assemble((WAITING, "bold"), " · ", _line(a))) for a in actions]
        self.query_one(PendingList).show(rows)

    def focus(self, scroll_visible: bool = True) -> ActionsView:
        """Focus the list of waiting actions, or the view itself when none wait (t still adds one)."""
        for pending in self.query(PendingList):
            if pending.display:
                pending.focus(scroll_visible)
                return self
        return super().focus(scroll_visible)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("confirm", "hide_action"):
            return any(p.chosen is not None for p in self.query(PendingList))
        if action == "add_action":
            return self.shown is not None and not self.following
        return True

    def action_add_action(self) -> None:
        """Ask for an action and add it, confirmed: the facilitator's own word needs no confirming."""
        if self.shown is None:
            return
        item, summary = self.shown
        item_id = row_id(item)
        # The registry's instance: it knows where the agreed priorities come from.
        activity = get_activity(item.kind)
        if not isinstance(activity, ActionsActivity):
            return

        async def typed(answers: AddAction | None) -> None:
            if answers is not None:
                change = partial(activity.add_confirmed, item_id=item_id, answers=answers)
                await self.change(change, "Action added and confirmed", failed="Could not add the action")

        self.app.push_screen(ActionDialog(summary.structure), typed)

    async def action_confirm(self) -> None:
        await self.query_one(PendingList).approve()

    async def action_hide_action(self) -> None:
        await self.query_one(PendingList).hide()

    async def _decided(self, entry_id: int, status: EntryStatus) -> bool:
        change = partial(store_entries.set_entry_status, entry_id=entry_id, status=status)
        return await self.change(change, DONE[status], failed="Could not change the action")

    def _list_shown(self, shown: bool, had_focus: bool) -> None:
        # Tab stops on the list while actions wait, else on the view itself, where t still adds one; the
        # last action decided keeps the focus here rather than dropping it. The projector takes no keys.
        self.can_focus = not shown and not self.following
        if had_focus and not shown:
            super().focus()
