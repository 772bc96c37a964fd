"""A list of one patient's records (family, health checks): loaded in a worker, each change
one service call in a worker followed by a reload, and True on escape if anything changed
so the summary that opened it reloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from textual import work
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker, WorkerState

from console.services.errors import Invalid, ServiceError
from screens.host import ConsoleScreen

V = TypeVar("V")


class PatientRecordsScreen(ConsoleScreen[bool | None], Generic[V]):
    """Subclasses name their table (`TABLE`), fetch their view and show it."""

    TABLE = ""

    class Loaded(Message):
        def __init__(self, view: object, note: str, changed: bool = False) -> None:
            super().__init__()
            self.view = view
            self.note = note
            self.changed = changed

    def __init__(self, patient_id: int, patient_name: str) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = patient_name
        self.view: V | None = None
        self.changed = False

    def fetch(self) -> V:
        raise NotImplementedError

    def show_view(self, view: V) -> None:
        raise NotImplementedError

    def on_mount(self) -> None:
        self.query_one(self.TABLE).loading = True
        self._load()

    @work(thread=True, exclusive=True, group="records", exit_on_error=False)
    def _load(self, note: str = "", changed: bool = False) -> None:
        self.post_message(self.Loaded(self.fetch(), note, changed))

    @work(thread=True, exclusive=True, group="records", exit_on_error=False)
    def _write(self, call: Callable[[], object], note: str) -> None:
        call()
        self.post_message(self.Loaded(self.fetch(), note, changed=True))

    def _done(self, note: str) -> Callable[[object], None]:
        """A form's callback: reload after a save, nothing after a cancel."""

        def reload(result: object) -> None:
            if result is not None:
                self._load(note, changed=True)

        return reload

    def on_patient_records_screen_loaded(self, message: Loaded) -> None:
        self.query_one(self.TABLE).loading = False
        self.changed = self.changed or message.changed
        self.view = message.view  # type: ignore[assignment]
        self.show_view(message.view)  # type: ignore[arg-type]
        self._say(message.note)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one(self.TABLE).loading = False
        error = event.worker.error
        if isinstance(error, Invalid):
            self._say("; ".join(error.errors.values()), error=True)
        elif isinstance(error, ServiceError):
            self._say(str(error), error=True)
        else:
            self.host.report_error(error)

    def _say(self, text: str, *, error: bool = False) -> None:
        line = self.query_one("#message", Static)
        line.update(f"! {text}" if error and text else text)
        line.set_class(error, "-error")

    def action_back(self) -> None:
        self.dismiss(True if self.changed else None)
