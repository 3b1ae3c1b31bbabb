"""Live view for the priority ranking: the room's order as ballots arrive, and proposals to approve."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from screens.moderation_dialogs import AgreedPrioritiesScreen
from screens.views.base import AGREE_KEY, LiveView
from screens.widgets.pending_list import PendingList
from workshop.activities.principles import NAMES as PRINCIPLE_NAMES
from workshop.activities.ranking import RankingSummary
from workshop.live import Snapshot
from workshop.models import EntryStatus, row_id
from workshop.store import entries as store_entries
from workshop.store.moderation import set_agreed_order
from workshop.wording import of_joined, ordinal

if TYPE_CHECKING:
    pass

WAITING = "⧗ waiting for approval"
DONE = {
    EntryStatus.APPROVED: "Proposal approved: participants can rank it now",
    EntryStatus.HIDDEN: "Proposal hidden",
}
# The table is drawn on the TUI's event loop: a thousand rows took 0.3 s a redraw (the screen froze on every
# vote), and nobody reads past the top of the pane. The outcome pack lists every option.
SHOWN_ROWS = 30


def _principle(key: str) -> Text:
    """The Family Hubs principle an option serves, after its text, in words; nothing when it names none."""
    return Text(f" [{PRINCIPLE_NAMES[key]}]", style="italic") if key in PRINCIPLE_NAMES else Text()


def _order(tiers: tuple[tuple[str, ...], ...]) -> Text:
    """``A > B = C``: ties shown as ties, never broken silently."""
    text = Text()
    for index, tier in enumerate(tiers):
        if index:
            text.append(" > ", style="bold")
        for position, option in enumerate(tier):
            if position:
                text.append(" = ", style="bold")
            text.append(option)
    return text


class RankingView(LiveView[RankingSummary]):
    """The order by points with first choices, then the proposals waiting for the facilitator.

    The count is said in a plain sentence under the table and the methods named only in the details line
    at the bottom; an option approved after some people had ranked says so, and why its points differ, in
    its own row.

    Tab reaches the list of waiting proposals; the arrows move through it, ``a`` approves the highlighted
    one (participants can rank it from then on) and ``x`` hides it.
    """

    DEFAULT_CSS = """
    RankingView { height: auto; }
    RankingView > #ranking-pending { height: auto; max-height: 10; }
    """

    BINDINGS = [
        Binding("a", "approve", "Approve proposal"),
        Binding("x", "hide_proposal", "Hide proposal"),
    ]
    SUMMARY = RankingSummary
    LENT_KEYS = (AGREE_KEY,)

    def compose(self) -> ComposeResult:
        yield Static(id="ranking-results")
        yield Static(id="ranking-pending-title")
        yield PendingList(self._decided, id="ranking-pending")

    def on_mount(self) -> None:
        self.redraw()

    def draw_nothing(self, snapshot: Snapshot) -> None:
        if self.query("#ranking-results"):  # composed, and not being taken off the screen
            self.query_one("#ranking-results", Static).update("No results yet.")
            self._show_pending(())

    def draw(self, snapshot: Snapshot, summary: RankingSummary) -> None:
        if not self.query("#ranking-results"):
            return  # not composed yet (drawn from on_mount), or already taken off the screen
        results = self.query_one("#ranking-results", Static)
        table = Table(
            title=Text(of_joined(summary.responses, snapshot.seats, "have ranked"), style="bold"),
            title_justify="left",
            expand=True,
            box=None,
            padding=(0, 1, 0, 0),
            show_edge=False,
        )
        table.add_column("#", width=3, no_wrap=True)
        table.add_column("Priority", ratio=1, overflow="fold")
        table.add_column("Points", justify="right", width=6, no_wrap=True)
        table.add_column("1st", justify="right", width=4, no_wrap=True)
        for row in summary.results[:SHOWN_ROWS]:
            table.add_row(
                f"{row.place}{'=' if row.tied else ''}",
                # As typed (a participant may have proposed it); a late option's rule on its own line.
                Text.assemble(
                    row.text, _principle(row.principle), ("\n" + row.late, "italic") if row.missed else ""
                ),
                f"{row.score:g}",
                str(row.first_choices),
            )
        if not summary.results:
            table.add_row("", Text("No options yet: approve a proposal below.", style="italic"), "", "")
        lines: list[Table | Text] = [table]
        hidden = len(summary.results) - SHOWN_ROWS
        if hidden > 0:
            more_rows = f"… {hidden} more options, not shown here: the outcome pack (press o) lists them all."
            lines.append(Text(more_rows, style="italic"))
        if summary.results:  # what the points mean, in words, right under them
            lines.append(Text(summary.explained, style="italic"))
        lines.append(Text(summary.headline, style="bold"))
        if summary.agreed:
            agreed = Text("★ Agreed: ", style="bold")
            for place, (_, text) in enumerate(summary.agreed, start=1):
                agreed.append(f"{' · ' if place > 1 else ''}{place}. ")
                agreed.append(text)  # as typed: a participant may have proposed it
            lines.append(agreed)
        if summary.responses:
            # The head-to-head check names only the top places: a full order of long titles fills the pane.
            top = _order(summary.schulze[:3])
            more = "" if len(summary.schulze) <= 3 else " > …"
            lines.append(
                Text.assemble(("Head to head: ", "dim"), top, more, no_wrap=True, overflow="ellipsis")
            )
            if summary.schulze_note:  # past the limit of options it compares: say so, in words
                lines.append(Text(summary.schulze_note))
        if summary.results:
            lines.append(Text(summary.details, style="dim"))
        results.update(Group(*lines))
        # On the projector (following) only what the facilitator approved: proposals stay off the wall.
        pending = () if self.following else summary.pending
        self._show_pending(tuple((p.entry_id, p.text, p.principle) for p in pending))

    def _show_pending(self, pending: tuple[tuple[int, str, str], ...]) -> None:
        title = self.query_one("#ranking-pending-title", Static)
        if pending:
            title.update(
                Text.assemble(
                    (f"\nProposals waiting for approval: {len(pending)}", "bold"),
                    "  (Tab to the list, arrows to move, a approve, x hide)",
                )
            )
        else:
            title.update(Text("\nNo proposals waiting for approval."))
        rows = [
            (entry_id, Text.assemble((WAITING, "bold"), " · ", Text(text), _principle(key)))
            for entry_id, text, key in pending
        ]
        self.query_one(PendingList).show(rows)

    def focus(self, scroll_visible: bool = True) -> RankingView:
        """Focus the list of waiting proposals (the view itself is no extra stop for Tab)."""
        for pending in self.query(PendingList):
            if pending.display:
                pending.focus(scroll_visible)
        return self

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("approve", "hide_proposal"):
            return any(p.chosen is not None for p in self.query(PendingList))
        return True

    def action_agree(self) -> None:
        """Mark and order the priorities the room agreed, from the options in the room's order."""
        if self.shown is None:
            return
        item, summary = self.shown
        item_id = row_id(item)

        async def chosen(agreed: list[int] | None) -> None:
            if agreed is not None:
                change = partial(set_agreed_order, item_id=item_id, entry_ids=agreed)
                await self.change(change, f"Agreed priorities recorded: {len(agreed)}")

        options = [
            (row.entry_id, row.text, f"{'=' if row.tied else ''}{ordinal(row.place)}")
            for row in summary.results
        ]
        agreed = [entry_id for entry_id, _ in summary.agreed]
        self.app.push_screen(AgreedPrioritiesScreen(options, agreed), chosen)

    async def action_approve(self) -> None:
        await self.query_one(PendingList).approve()

    async def action_hide_proposal(self) -> None:
        await self.query_one(PendingList).hide()

    async def _decided(self, entry_id: int, status: EntryStatus) -> bool:
        change = partial(store_entries.set_entry_status, entry_id=entry_id, status=status)
        return await self.change(change, DONE[status], failed="Could not change the proposal")
