"""Live view for the maturity matrix: counts per level for each factor at one horizon."""

from __future__ import annotations

from functools import partial

from rich.console import Group
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from screens.group_size_dialog import GroupSizeScreen
from screens.views.base import AGREE_KEY, LentKey, LiveView
from screens.views.maturity_agreed import AgreedLevelsScreen, FactorRow
from screens.views.maturity_compare import CompareKey, comparison_view, read_comparison
from screens.views.maturity_table import (
    AGREEMENT_MARKS,
    comments_panel,
    count_width,
    factor_label,
    matrix_table,
    titled_table,
)
from workshop.activities.maturity import MatrixSummary
from workshop.activities.maturity.agreed import AgreedRow, set_agreed_many
from workshop.activities.maturity.breakdown import Breakdown, BreakdownBy, maturity_breakdown, min_group_of
from workshop.activities.maturity.compare import Comparison
from workshop.activities.maturity.focus import step_focus
from workshop.analysis import format_median
from workshop.db import Database
from workshop.live import Snapshot
from workshop.models import AgendaItem, row_id
from workshop.store.workshops import set_min_group
from workshop.wording import compact_count, of_joined

# The terminal height from which the highlighted factor's comments show without the view having the focus.
COMMENTS_HEIGHT = 30
# The breakdown modes in the order ``next_breakdown`` cycles through them; None is the whole room.
BREAKDOWNS: tuple[BreakdownBy | None, ...] = (None, "organisation", "role")
BREAKDOWN_WORDS = {"organisation": "By organisation", "role": "By role level"}
# (item id, database revision, breakdown mode): a breakdown is read again only when one of them changes.
BreakdownKey = tuple[int | None, int, BreakdownBy]


def read_breakdown(db: Database, item: AgendaItem, key: BreakdownKey) -> tuple[BreakdownKey, Breakdown]:
    """Read a breakdown in a worker thread, returning it with the key it was read for."""
    with db.reading() as session:
        return key, maturity_breakdown(session, item, key[2])


class MaturityView(LiveView[MatrixSummary]):
    """A factor × level table for the item's horizon, with the median and an agreement label, and the
    comments on the highlighted factor under it (Tab, then ↑↓ move the highlight)."""

    SUMMARY = MatrixSummary
    can_focus = True
    BINDINGS = [
        Binding("up", "factor(-1)", "Previous factor", show=False),
        Binding("down", "factor(1)", "Next factor", show=False),
    ]
    LENT_KEYS = (
        LentKey(
            Binding(
                "h",
                "horizon",
                "Horizon",
                show=False,
                tooltip="Maturity matrix: now, in one year, in two years",
            ),
            after="plus",
        ),
        AGREE_KEY,
        LentKey(
            Binding(
                "b",
                "breakdown",
                "Breakdown",
                show=False,
                tooltip="Maturity: whole room, by organisation, by role",
            ),
            after="p",
        ),
        LentKey(
            Binding(
                "B",
                "group_size",
                "Group size",
                show=False,
                tooltip="Maturity breakdowns: the smallest group shown (3 or more)",
            ),
            after="b",
        ),
        LentKey(
            Binding(
                "y",
                "compare",
                "Since baseline",
                show=False,
                tooltip="Maturity, in a follow-up: change since the baseline, and the one-year ambitions met",
            ),
            after="B",
        ),
    )

    def __init__(self, db: Database) -> None:
        super().__init__(db)
        # The highlighted factor, whose comments show under the table; the horizon is the database's.
        self.factor_index = 0
        self.breakdown_index = 0
        self._breakdown: tuple[BreakdownKey, Breakdown] | None = None
        self._breakdown_wanted: BreakdownKey | None = None
        self.comparing = False
        self._comparison: tuple[CompareKey, Comparison | None] | None = None
        self._comparison_wanted: CompareKey | None = None

    @property
    def breakdown_mode(self) -> BreakdownBy | None:
        """None for the whole room, else what the ratings are broken down by."""
        return BREAKDOWNS[self.breakdown_index % len(BREAKDOWNS)]

    def next_breakdown(self) -> None:
        """Show the next breakdown (whole room → by organisation → by role level → whole room)."""
        self.breakdown_index += 1
        self.redraw()

    def next_horizon(self) -> None:
        """Move the item to its next horizon (now → one year → two years → now), in the database."""
        self.run_worker(self.action_horizon(), group="horizon")

    def follow(self, leader: MaturityView) -> None:
        # The horizon comes from the database (summary.focus), so every screen agrees on it already. The
        # projector also shows the change since the baseline when the agenda does (y), and the factor the
        # facilitator highlighted (never its comments: participants' words go on the wall only if asked).
        self.comparing = leader.comparing
        self.factor_index = leader.factor_index

    def action_factor(self, step: int) -> None:
        """Highlight the next or previous factor; its comments show under the table."""
        summary = self._summary
        count = len(summary.factors) if summary is not None else 0
        if count:
            self.factor_index = (self.factor_index + step) % count
            self.redraw()
            parent = self.parent
            if isinstance(parent, Widget) and self.has_focus:
                # On a small terminal the comments sit below the fold: bring them into sight.
                self.call_after_refresh(parent.scroll_end, animate=False)

    def on_focus(self) -> None:
        self.redraw()

    def on_blur(self) -> None:
        self.redraw()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare":  # only a follow-up has a baseline to compare with
            return self._snapshot is not None and self._snapshot.workshop.baseline_id is not None
        return True

    def action_compare(self) -> None:
        """Show the change since the baseline instead of the ratings, or the ratings again."""
        self.comparing = not self.comparing
        self.redraw()

    async def action_horizon(self) -> None:
        """h: the item's next horizon, kept in the database so the projector and the remote follow."""
        if self.shown is None:
            return
        item, _summary = self.shown
        await self.change(
            partial(step_focus, item_id=row_id(item), step=1), "", "Could not change the horizon"
        )

    def action_breakdown(self) -> None:
        self.next_breakdown()

    def action_group_size(self) -> None:
        """Change the workshop's smallest group in breakdowns; every breakdown follows, the pack's too."""
        snapshot = self._snapshot
        if snapshot is None:
            return
        workshop_id = row_id(snapshot.workshop)

        async def chosen(size: int | None) -> None:
            if size is not None:
                change = partial(set_min_group, workshop_id=workshop_id, size=size)
                await self.change(
                    change, f"Breakdowns now show groups of {size} or more", "Could not change the group size"
                )

        self.app.push_screen(GroupSizeScreen(min_group_of(snapshot.workshop)), chosen)

    def action_agree(self) -> None:
        """Agree every factor at the item's horizon in one dialog, each starting at the room's median."""
        if self.shown is None:
            return
        item, summary = self.shown
        item_id = row_id(item)
        structure = summary.structure
        if not structure.horizons:
            return
        horizon = structure.horizons[summary.focus_index]
        rows = [
            FactorRow(
                row_id(row.factor),
                row.factor.name,
                row.factor.short,
                row.by_horizon[horizon.key],
                summary.agreed.get((row.factor.key, horizon.key)),
            )
            for row in summary.factors
        ]

        async def chosen(choice: list[AgreedRow] | None) -> None:
            if choice:
                change = partial(set_agreed_many, item_id=item_id, horizon_id=row_id(horizon), rows=choice)
                done = f"Agreed levels recorded for {len(choice)} factor(s) · {horizon.label}"
                await self.change(change, done, "Could not record the agreed levels")

        levels = [(level.value, level.name) for level in structure.levels]
        self.app.push_screen(AgreedLevelsScreen(horizon.label, rows, levels), chosen)

    def draw(self, snapshot: Snapshot, summary: MatrixSummary) -> None:
        if not summary.structure.horizons:
            self.draw_nothing(snapshot)
            return
        if self.comparing and snapshot.workshop.baseline_id is not None:
            self._show_comparison(snapshot)
            return
        horizon = summary.structure.horizons[summary.focus_index]
        mode = self.breakdown_mode
        if mode is not None:
            self._show_breakdown(snapshot, mode, horizon.key)
            return
        # Complete answers are the count; people part-way through the steps are counted beside them.
        answered = of_joined(summary.complete, snapshot.seats, "answered")
        if summary.partial:
            answered += f" · {summary.partial} part-way"
        self.factor_index %= max(1, len(summary.factors))
        # A short terminal has rows for the table alone: the comments come once the facilitator Tabs here.
        # Never on the projector: participants' free text goes on the room's screen only if it is asked for.
        comments = not self.following and (self.has_focus or self.screen.size.height >= COMMENTS_HEIGHT)
        # The projector's view follows the agenda's and takes no keys: no Tab to offer there.
        keys = "h: next horizon" if comments or self.following else "h: next horizon · Tab: comments"
        table = matrix_table(summary, horizon, answered, self.size.width, self.factor_index, keys)
        if comments:
            hint = " · ↑↓ another factor" if self.has_focus else " · Tab, then ↑↓: another factor"
            self.update(Group(table, Text(""), comments_panel(summary, self.factor_index, hint)))
        else:
            self.update(table)

    def _show_breakdown(self, snapshot: Snapshot, mode: BreakdownBy, horizon_key: str) -> None:
        """Draw the breakdown if it is up to date, else read it in a thread and draw it when it comes."""
        focus = snapshot.focus
        assert focus is not None
        key: BreakdownKey = (focus.id, snapshot.revision, mode)
        if self._breakdown is not None and self._breakdown[0] == key:
            self._draw_breakdown(self._breakdown[1], snapshot, horizon_key)
            return
        if self._breakdown_wanted != key:
            self._breakdown_wanted = key
            db = self.db
            self.run_worker(
                lambda: read_breakdown(db, focus, key),
                thread=True,
                exclusive=True,
                group="breakdown",
                exit_on_error=False,
            )
        # Keep the last breakdown of the same item and mode on screen while the fresh one is read.
        last = self._breakdown
        if last is not None and (last[0][0], last[0][2]) == (focus.id, mode):
            self._draw_breakdown(last[1], snapshot, horizon_key)
        else:
            self.update(Text(f"{BREAKDOWN_WORDS[mode]}: reading the answers…"))

    def _show_comparison(self, snapshot: Snapshot) -> None:
        """Draw the comparison if it is up to date, else read it in a thread and draw it when it comes."""
        focus = snapshot.focus
        assert focus is not None
        key: CompareKey = (focus.id, snapshot.revision)
        if self._comparison_wanted != key:
            self._comparison_wanted = key
            db = self.db
            self.run_worker(
                lambda: read_comparison(db, focus, key),
                thread=True,
                exclusive=True,
                group="compare",
                exit_on_error=False,
            )
        # The last comparison of the same item stays on screen while the fresh one is read.
        last = self._comparison
        if last is not None and last[0][0] == focus.id:
            self.update(comparison_view(last[1], self.size.width >= 70))
        else:
            self.update(Text("Change since the baseline: reading both workshops…"))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.group == "compare":
            if event.state == WorkerState.SUCCESS and worker.result is not None:
                key, comparison = worker.result
                if key == self._comparison_wanted:
                    self._comparison = (key, comparison)
                    self.redraw()
            elif event.state == WorkerState.ERROR:
                self._comparison_wanted = None
                self.update("The baseline could not be read; it will be tried again with the next answer.")
            return
        if worker.group != "breakdown":
            return
        if event.state == WorkerState.SUCCESS and worker.result is not None:
            key, breakdown = worker.result
            if key == self._breakdown_wanted:
                self._breakdown = (key, breakdown)
                self.redraw()
        elif event.state == WorkerState.ERROR:
            self._breakdown_wanted = None
            self.update("The breakdown could not be read; it will be tried again with the next answer.")

    def _draw_breakdown(self, breakdown: Breakdown, snapshot: Snapshot, horizon_key: str) -> None:
        structure = breakdown.structure
        horizon = next(h for h in structure.horizons if h.key == horizon_key)
        table = titled_table(
            # The size that decided which groups are missing, beside the groups it let through.
            f"{BREAKDOWN_WORDS[breakdown.by]} · {horizon.label} · groups of {breakdown.min_group} or more",
            of_joined(breakdown.responses, snapshot.seats, "answered"),
            "h: next horizon  b: next breakdown",
        )
        wide = self.size.width >= 70
        table.add_column("Factor", ratio=2, no_wrap=True, overflow="ellipsis")
        table.add_column("Group", ratio=1, no_wrap=True, overflow="ellipsis")
        seats = [compact_count(group.seats) for group in breakdown.groups]
        table.add_column("n", justify="right", width=count_width(seats, 3))
        table.add_column("Mid", justify="right", width=3)
        table.add_column("Agree", no_wrap=True, width=8)
        for factor in structure.factors:
            name = factor_label(factor, wide)
            for index, group in enumerate(breakdown.groups):
                dist = group.distribution(factor.key, horizon.key)
                table.add_row(
                    Text(name if index == 0 else ""),
                    Text(group.name),
                    seats[index],
                    # A hidden cell: too few rated it, or the room minus the others would give it away.
                    format_median(dist.median()) if dist is not None else "·",
                    AGREEMENT_MARKS[dist.agreement()] if dist is not None else "· hidden",
                    end_section=index == len(breakdown.groups) - 1,
                )
        notes: list[Text] = []
        hidden = any(
            g.distribution(f.key, horizon.key) is None for g in breakdown.groups for f in structure.factors
        )
        if hidden:
            notes.append(
                Text(
                    f"· hidden: fewer than {breakdown.min_group} in the group rated it, "
                    "or the whole room's figure would give it away"
                )
            )
        if breakdown.suppressed:
            notes.append(
                Text(
                    f"{', '.join(breakdown.suppressed)}: fewer than {breakdown.min_group} answered, not shown"
                )
            )
        if breakdown.withheld:
            notes.append(
                Text(
                    f"{', '.join(breakdown.withheld)}: not shown either, so the smaller groups cannot be "
                    "worked out from the whole room"
                )
            )
        if breakdown.groups:
            self.update(Group(table, *notes))
        else:
            # Nothing to tabulate: the title, and why there are no rows.
            notes = notes or [Text("No answers yet.")]
            self.update(Group(table.title or "", *notes))
