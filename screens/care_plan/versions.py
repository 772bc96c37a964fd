"""Version history and the side-by-side comparison of two versions (SPEC §2, §3.3)."""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules import careplan as rules
from console.rules.vocab import GoalStatus
from console.services.careplan_dto import CompareRow, Comparison, PlanView, VersionInfo
from console.services.errors import ServiceError
from screens.host import ConsoleScreen

CHANGE_MARK = {"added": "+ added", "dropped": "- dropped", "changed": "~ changed", "same": "  same"}


def version_label(v: VersionInfo) -> str:
    if v.status == "agreed":
        return f"v{v.version_no} agreed {fmt.date_text(v.agreed_on)}"
    return f"v{v.version_no} draft"


def status_label(status: str) -> str:
    return rules.STATUS_LABEL[GoalStatus(status)] if status else "—"


class VersionsScreen(ConsoleScreen[None]):
    CSS_PATH = "care_plan.tcss"
    AUTO_FOCUS = "#versions"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "mark", "Mark", id="care-plan-versions.mark"),
        Binding("c", "compare", "Compare", id="care-plan-versions.compare"),
        Binding("escape", "app.back", "Back", id="care-plan-versions.back"),
    ]

    def __init__(self, plan: PlanView) -> None:
        super().__init__()
        self.plan = plan
        self.marked: list[int] = []  # version numbers, at most two

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Care plan versions · {self.plan.patient_name}", id="title", markup=False)
        table: DataTable[str] = DataTable(id="versions", cursor_type="row", zebra_stripes=False)
        yield table
        yield Static("", id="detail", markup=False)
        yield Static(
            "space marks two to compare; c compares them (or this one with the one before)",
            id="message",
            markup=False,
        )
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("  Ver", "Status", "Created", "By", "Agreed", "With", "Goals")
        self._fill()
        table.move_cursor(row=len(self.plan.versions) - 1)

    def _fill(self) -> None:
        table = self.query_one(DataTable)
        table.clear()
        for v in self.plan.versions:
            mark = "▶ " if v.version_no in self.marked else "  "
            table.add_row(
                f"{mark}v{v.version_no}",
                v.status,
                v.created_at[:11],
                v.created_by[:12],
                fmt.date_text(v.agreed_on) if v.agreed_on else "—",
                v.agreed_with[:14] or "—",
                str(v.goal_count),
                key=str(v.version_no),
            )

    @property
    def current(self) -> VersionInfo:
        table = self.query_one(DataTable)
        return self.plan.versions[min(table.cursor_row, len(self.plan.versions) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        v = self.current
        text = f"Created {v.created_at} by {v.created_by}"
        if v.status == "agreed":
            text += f"\nAgreed by {v.agreed_by}; patient's comment: {v.patient_comment or '—'}"
        self.query_one("#detail", Static).update(text)

    def action_mark(self) -> None:
        number = self.current.version_no
        if number in self.marked:
            self.marked.remove(number)
        else:
            self.marked = [*self.marked[-1:], number]
        row = self.query_one(DataTable).cursor_row
        self._fill()
        self.query_one(DataTable).move_cursor(row=row)

    def action_compare(self) -> None:
        numbers = sorted(self.marked)
        if len(numbers) != 2:
            here = self.current.version_no
            if len(self.plan.versions) < 2:
                self.query_one("#message", Static).update("Only one version: nothing to compare.")
                return
            numbers = [here - 1, here] if here > 1 else [here, here + 1]
        self.app.push_screen(CompareScreen(self.plan, numbers[0], numbers[1]))


class CompareScreen(ConsoleScreen[None]):
    CSS_PATH = "care_plan.tcss"
    AUTO_FOCUS = "#compare"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "Back", id="care-plan-compare.back"),
    ]

    class Loaded(Message):
        def __init__(self, comparison: Comparison) -> None:
            super().__init__()
            self.comparison = comparison

    def __init__(self, plan: PlanView, version_a: int, version_b: int) -> None:
        super().__init__()
        self.plan = plan
        self.versions = (version_a, version_b)
        self.rows: list[CompareRow | None] = []

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        a, b = self.versions
        yield Static(f"Compare v{a} with v{b} · {self.plan.patient_name}", id="title", markup=False)
        yield DataTable(id="compare", cursor_type="row")
        yield Static("", id="detail", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="compare", exit_on_error=False)
    def _load(self) -> None:
        a, b = self.versions
        self.post_message(self.Loaded(self.services.careplans.compare(self.plan.patient_id, a, b)))

    def on_compare_screen_loaded(self, message: Loaded) -> None:
        cmp = message.comparison
        title = f"A: {version_label(cmp.a)}  ↔  B: {version_label(cmp.b)}"
        if cmp.b.status != "agreed":
            title += " (status now)"
        self.query_one("#title", Static).update(title)
        table = self.query_one(DataTable)
        table.loading = False
        table.add_columns("Change", "Goal in A", "Status A", "Goal in B", "Status B")
        domain = ""
        for row in cmp.rows:
            if row.domain != domain:
                domain = row.domain
                label = f"── {rules.domain_label(domain)}"
                table.add_row("", label if len(label) <= 19 else label[:18] + "…", "", "", "")
                self.rows.append(None)
            table.add_row(
                CHANGE_MARK[row.change],
                row.words_a[:19] or "—",
                status_label(row.status_a),
                row.words_b[:19] or "—",
                status_label(row.status_b),
            )
            self.rows.append(row)
        if cmp.rows:
            table.move_cursor(row=1)

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if not 0 <= event.cursor_row < len(self.rows):
            return
        row = self.rows[event.cursor_row]
        text = ""
        if row is not None:
            text = f"A: {row.words_a or '—'}\nB: {row.words_b or '—'}"
        self.query_one("#detail", Static).update(text)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one(DataTable).loading = False
        error = event.worker.error
        if isinstance(error, ServiceError):
            self.query_one("#detail", Static).update(str(error))
        else:
            self.host.report_error(error)
