"""The worklist (SPEC §3.7): who is due, select many, one batch of recall letters.

Reviews overdue and due within 28 days, post-exit check-ups, linkage follow-ups and drift
flags, read from the patient row caches by the service. `space` marks a patient; `b`
first shows what the batch will hold (letters by template, who is skipped and why) and
asks; enter then makes one PDF of recall and invitation letters (one letter per page
range, one print job) in a thread worker with a progress bar. Patients sent a recall in
the last 14 days are skipped unless `i` includes them.
"""

from __future__ import annotations

from typing import ClassVar

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Header, ProgressBar, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.services.letters import BatchPlan, NothingToProduce, Produced, Skipped
from console.services.worklist import LIMIT, WorkItem, Worklist
from screens.host import ConsoleScreen
from screens.widgets.batch_confirm import ConfirmPrint, plan_text, skipped_lines
from screens.widgets.ready_footer import ReadyFooter
from screens.worklist.table import WorkRow, WorkTable

# The Due column already says "overdue"; the Why column names the kinds, short enough
# for 80 columns.
SHORT = {
    "review overdue": "review",
    "review due": "review",
    "check-up due": "check-up",
    "follow-up due": "follow-up",
    "drift guard": "drift",
}


def short(reason: str) -> str:
    """ "milestone: six months" reads "6m milestone"; "two years", "2y milestone"."""
    if reason.startswith("milestone: "):
        words = reason.removeprefix("milestone: ")
        if words == "six months":
            return "6m milestone"
        return f"{MILESTONE_YEARS.get(words.split()[0], words)}y milestone"
    return SHORT.get(reason, reason)


MILESTONE_YEARS = {"one": "1", "two": "2", "five": "5", "ten": "10", "fifteen": "15"}
MILESTONE_YEARS |= {"twenty": "20", "twenty-five": "25", "thirty": "30", "thirty-five": "35"}
MILESTONE_YEARS |= {"forty": "40", "forty-five": "45", "fifty": "50"}


class WorklistScreen(ConsoleScreen[None]):
    CSS_PATH = "worklist.tcss"
    AUTO_FOCUS = "#work"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "home", "Back", id="worklist.back"),
        Binding("space", "toggle", "Select", id="worklist.select"),
        Binding("a", "select_recalls", "Select recalls", id="worklist.select-recalls"),
        Binding("b", "batch", "Batch letters", id="worklist.batch"),
    ]

    class Loaded(Message):
        def __init__(self, worklist: Worklist) -> None:
            super().__init__()
            self.worklist = worklist

    class Progress(Message):
        def __init__(self, done: int, total: int) -> None:
            super().__init__()
            self.done = done
            self.total = total

    class Planned(Message):
        def __init__(self, plan: BatchPlan, ids: list[int], again: frozenset[int]) -> None:
            super().__init__()
            self.plan = plan
            self.ids = ids
            self.again = again

    class Finished(Message):
        def __init__(self, produced: Produced | None, skipped: tuple[Skipped, ...]) -> None:
            super().__init__()
            self.produced = produced
            self.skipped = skipped

    def __init__(self) -> None:
        super().__init__()
        self.items: dict[int, WorkItem] = {}
        self.selected: set[int] = set()
        self.busy = False

    def compose(self) -> ComposeResult:
        self._load()  # the read runs while the screen is built (its SQL frees the GIL)
        yield Header(icon="≡")
        yield Static("Worklist: loading…", id="title")
        yield WorkTable(id="work")
        bar = ProgressBar(id="progress", show_eta=False)
        bar.display = False  # hidden from the first layout, not laid out twice
        yield bar
        yield Static("", id="status")
        yield ReadyFooter()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        self.post_message(self.Loaded(self.services.worklist.items()))

    def on_worklist_screen_loaded(self, message: Loaded) -> None:
        worklist = message.worklist
        self.items = {i.patient_id: i for i in worklist.items}
        self.selected &= set(self.items)
        today = worklist.today

        def describe(item: object) -> tuple[str, str, str, str]:
            assert isinstance(item, WorkItem)
            return (
                fmt.name_text(item.family_name, item.given_name),
                fmt.nhs(item.nhs_number),
                fmt.due_text(item.due, today) if item.due else "",
                ", ".join(short(r) for r in item.reasons),
            )

        rows = [WorkRow(item.patient_id, item) for item in worklist.items]
        self.query_one("#work", WorkTable).show(rows, self.selected, describe)
        cut = f" (first {LIMIT} of each kind)" if worklist.truncated else ""
        self.query_one("#title", Static).update(
            f"Worklist: {len(worklist.items):,} patients due within {worklist.due_within} days{cut}"
        )
        self._show_selection()

    # -- selection ----------------------------------------------------------------------
    def _set_mark(self, patient_id: int, on: bool) -> None:
        (self.selected.add if on else self.selected.discard)(patient_id)
        self.query_one("#work", WorkTable).refresh()

    def action_toggle(self) -> None:
        table = self.query_one("#work", WorkTable)
        row = table.current
        if not self.items or row is None:
            return
        self._set_mark(row.patient_id, row.patient_id not in self.selected)
        table.action_cursor(1)
        self._show_selection()

    def action_select_recalls(self) -> None:
        for pid, item in self.items.items():
            self._set_mark(pid, item.recall)
        self._show_selection()

    def _show_selection(self) -> None:
        count = len(self.selected)
        text = f"{count:,} selected · space select · a all recalls · b batch letters"
        self.query_one("#status", Static).update(text)

    # -- the batch ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "batch":
            return None if self.busy or not self.selected else True
        return True

    def action_batch(self) -> None:
        """First what the batch will hold and who is skipped; then, on enter, make it."""
        if self.busy or not self.selected:
            return
        self.busy = True
        ids = [pid for pid in self.items if pid in self.selected]  # in worklist order
        self.query_one("#status", Static).update(f"Checking {len(ids):,} patients…")
        self.refresh_bindings()
        self._plan(ids, frozenset())

    @work(thread=True, exclusive=True, group="batch", exit_on_error=False)
    def _plan(self, ids: list[int], again: frozenset[int]) -> None:
        self.post_message(
            self.Planned(self.services.letters.plan_batch(ids, again=again), ids, again)
        )

    def on_worklist_screen_planned(self, message: Planned) -> None:
        plan = message.plan
        if not plan.letters and not plan.recent:
            self.busy = False
            lines = ["No letters: every patient chosen was skipped.", plan_text(plan)]
            self.query_one("#status", Static).update("\n".join(lines))
            self.refresh_bindings()
            return
        where = f"print them on {plan.printer}" if plan.printer else "make the PDF"
        go = where if plan.letters else "(nothing to make yet)"

        def chosen(answer: str | None) -> None:
            if answer == "again":
                recent = message.again | {s.patient_id for s in plan.recent}
                self._plan(message.ids, frozenset(recent))
            elif answer == "go" and plan.letters:
                self._start(message.ids, message.again)
            else:
                self.busy = False
                self.query_one("#status", Static).update("Cancelled: no letters were made.")
                self.refresh_bindings()

        self.app.push_screen(ConfirmPrint(plan_text(plan), go, recent=len(plan.recent)), chosen)

    def _start(self, ids: list[int], again: frozenset[int]) -> None:
        bar = self.query_one("#progress", ProgressBar)
        bar.update(total=len(ids), progress=0)
        bar.display = True
        self.query_one("#status", Static).update(f"Making the letters for {len(ids):,} patients…")
        self._batch(ids, again)

    @work(thread=True, exclusive=True, group="batch", exit_on_error=False)
    def _batch(self, ids: list[int], again: frozenset[int]) -> None:
        def progress(done: int, total: int) -> None:
            self.post_message(self.Progress(done, total))

        letters = self.services.letters
        try:
            produced = letters.recall_batch(ids, send=True, progress=progress, again=again)
        except NothingToProduce as exc:
            self.post_message(self.Finished(None, exc.skipped))
            return
        self.post_message(self.Finished(produced, produced.skipped))

    def on_worklist_screen_progress(self, message: Progress) -> None:
        self.query_one("#progress", ProgressBar).update(total=message.total, progress=message.done)

    def on_worklist_screen_finished(self, message: Finished) -> None:
        self.busy = False
        self.query_one("#progress", ProgressBar).display = False
        lines = []
        if message.produced is not None:
            lines.append(f"{message.produced.letters:,} letters. {message.produced.print_message}")
        else:
            lines.append("No letters: every patient chosen was skipped.")
        if message.skipped:
            lines.append(f"Skipped {len(message.skipped):,}:")
            lines += skipped_lines(message.skipped)
        self.query_one("#status", Static).update("\n".join(lines))
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.busy = False
            self.query_one("#progress", ProgressBar).display = False
            self.host.report_error(event.worker.error)
            self.refresh_bindings()
