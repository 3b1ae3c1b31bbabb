"""Live view for the maturity matrix: counts per level for each factor at one horizon."""

from __future__ import annotations

from functools import partial

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.worker import Worker, WorkerState

from screens.dialogs import AgreedChoice, AgreedScreen
from screens.group_size_dialog import GroupSizeScreen
from screens.views.base import AGREE_KEY, LentKey, LiveView
from screens.views.maturity_compare import CompareKey, comparison_view, read_comparison
from workshop.activities.maturity import MatrixSummary
from workshop.activities.maturity.agreed import set_agreed
from workshop.activities.maturity.breakdown import Breakdown, BreakdownBy, maturity_breakdown, min_group_of
from workshop.activities.maturity.compare import Comparison
from workshop.analysis import Agreement, format_median
from workshop.db import Database
from workshop.live import Snapshot
from workshop.models import AgendaItem, row_id
from workshop.store.workshops import set_min_group
from workshop.wording import compact_count

# Words and symbols, never colour alone, say how far the room agrees.
AGREEMENT_MARKS = {
    Agreement.STRONG: "✔ strong",
    Agreement.SOME: "≈ some",
    Agreement.SPLIT: "✖ split",
    Agreement.TOO_FEW: "· few",
}

# The breakdown modes in the order ``next_breakdown`` cycles through them; None is the whole room.
BREAKDOWNS: tuple[BreakdownBy | None, ...] = (None, "organisation", "role")
BREAKDOWN_WORDS = {"organisation": "By organisation", "role": "By role level"}
# (item id, database revision, breakdown mode): a breakdown is read again only when one of them changes.
BreakdownKey = tuple[int | None, int, BreakdownBy]


def read_breakdown(db: Database, item: AgendaItem, key: BreakdownKey) -> tuple[BreakdownKey, Breakdown]:
    """Read a breakdown in a worker thread, returning it with the key it was read for."""
    with db.reading() as session:
        return key, maturity_breakdown(session, item, key[2])


def _table(heading: str, answered: str, keys: str) -> Table:
    """A borderless table titled with what it shows, how many answered, and the keys that change it."""
    return Table(
        title=Text.assemble(
            (heading, "bold reverse"), f" · {answered} joined answered", (f"  {keys}", "dim")
        ),
        title_justify="left",
        expand=True,
        box=None,
        padding=(0, 1, 0, 0),
        show_edge=False,
    )


def count_cell(count: int) -> str:
    """A count as the tables show it: ``·`` for none, else at most four characters (see compact_count)."""
    return compact_count(count) if count else "·"


def count_width(cells: list[str], least: int) -> int:
    """A count column's width: its widest cell, so a big room's counts are never cut to ``1…``."""
    return max([least, *map(len, cells)])


def _agreed_cell(value: tuple[int | None, str] | None) -> Text:
    if value is None:
        return Text("")
    level, _rationale = value
    return Text(f"→ {level}", style="bold") if level is not None else Text("✖ none")


class MaturityView(LiveView[MatrixSummary]):
    """A factor × level table for the chosen horizon, with the median and an agreement label."""

    SUMMARY = MatrixSummary
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
        self.horizon_index = 0
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
        """Show the next horizon (now → one year → two years → now)."""
        self.horizon_index += 1
        self.redraw()

    def follow(self, leader: MaturityView) -> None:
        # The projector shows the horizon the facilitator chose on the agenda (h), and the change since the
        # baseline when it is shown there (y), so both screens agree.
        self.horizon_index = leader.horizon_index
        self.comparing = leader.comparing

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "compare":  # only a follow-up has a baseline to compare with
            return self._snapshot is not None and self._snapshot.workshop.baseline_id is not None
        return True

    def action_compare(self) -> None:
        """Show the change since the baseline instead of the ratings, or the ratings again."""
        self.comparing = not self.comparing
        self.redraw()

    def action_horizon(self) -> None:
        self.next_horizon()

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
        """Record the level the room agreed for a factor and horizon, starting at the horizon shown."""
        if self.shown is None:
            return
        item, summary = self.shown
        item_id = row_id(item)
        structure = summary.structure
        factor_ids = {f.key: row_id(f) for f in structure.factors}
        horizon_ids = {h.key: row_id(h) for h in structure.horizons}
        current = {(factor_ids[f], horizon_ids[h]): value for (f, h), value in summary.agreed.items()}
        horizon_id = row_id(structure.horizons[self.horizon_index % len(structure.horizons)])

        async def chosen(choice: AgreedChoice | None) -> None:
            if choice is not None:
                change = partial(
                    set_agreed,
                    item_id=item_id,
                    factor_id=choice.factor_id,
                    horizon_id=choice.horizon_id,
                    level=choice.level,
                    rationale=choice.rationale,
                )
                await self.change(change, "Agreed level recorded")

        self.app.push_screen(
            AgreedScreen(
                [(f.name, row_id(f)) for f in structure.factors],
                [(h.label, row_id(h)) for h in structure.horizons],
                [(f"{lv.value} {lv.name}", lv.value) for lv in structure.levels],
                current,
                horizon_id,
            ),
            chosen,
        )

    def draw(self, snapshot: Snapshot, summary: MatrixSummary) -> None:
        if not summary.structure.horizons:
            self.draw_nothing(snapshot)
            return
        if self.comparing and snapshot.workshop.baseline_id is not None:
            self._show_comparison(snapshot)
            return
        horizons = summary.structure.horizons
        horizon = horizons[self.horizon_index % len(horizons)]
        mode = self.breakdown_mode
        if mode is not None:
            self._show_breakdown(snapshot, mode, horizon.key)
            return
        levels = summary.structure.levels
        table = _table(horizon.label, f"{summary.responses} of {snapshot.seats}", "h: next horizon")
        wide = self.size.width >= 70
        dists = [row.by_horizon[horizon.key] for row in summary.factors]
        # One list of cells per column (each level, then don't know), so each column is as wide as its
        # widest cell: two cells in a small room, up to four once a level has 1,000 ratings.
        columns = [[count_cell(dist.counts[index]) for dist in dists] for index in range(len(levels))]
        columns.append([count_cell(dist.dont_know) for dist in dists])
        table.add_column("Factor", ratio=1, no_wrap=True, overflow="ellipsis")
        for header, cells in zip([*(str(level.value) for level in levels), "?"], columns, strict=True):
            table.add_column(header, justify="right", width=count_width(cells, 2))
        table.add_column("Mid", justify="right", width=3)
        table.add_column("Agree", no_wrap=True, width=8)
        # Beside the spread, never instead of it: the column appears once the room agrees something here.
        agreed = {factor: value for (factor, key), value in summary.agreed.items() if key == horizon.key}
        if agreed:
            table.add_column("Agreed", no_wrap=True, width=6)
        for index, (row, dist) in enumerate(zip(summary.factors, dists, strict=True)):
            extra = [_agreed_cell(agreed.get(row.factor.key))] if agreed else []
            table.add_row(
                Text(row.factor.name if wide or not row.factor.short else row.factor.short),
                *(cells[index] for cells in columns),
                format_median(dist.median()),
                AGREEMENT_MARKS[dist.agreement()],
                *extra,
            )
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
        table = _table(
            # The size that decided which groups are missing, beside the groups it let through.
            f"{BREAKDOWN_WORDS[breakdown.by]} · {horizon.label} · groups of {breakdown.min_group} or more",
            f"{breakdown.responses} of {snapshot.seats}",
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
            name = factor.name if wide or not factor.short else factor.short
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
