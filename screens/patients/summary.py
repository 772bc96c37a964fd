"""One patient's summary (SPEC §3.2): every section in one scrollable column at 80x24.

Opening the summary is audited by the service, so it happens once, in a thread worker.
The title line (name, NHS number, date of birth) comes from the list row and shows at
once, so the user sees whose record is opening before anything else (hazard log): in
the first frame, with the record when it is in within HOLD_SECONDS (`FrameHold`), alone
when it is later.
The sections are lines of one Line-API widget (`summary_view`), not a widget each: the
screen has a dozen nodes, so it paints within its budget (issue 19).

One instance serves every opening from the list (`for_row`): building, mounting and
styling a new screen cost more than the budget. Before it is pushed again it is cleared
to the new patient's title and "Opening…" (hazard H116: never a frame of the previous
patient), and a late result for an earlier opening is dropped.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import events, work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Header, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules.vocab import PatientStatus
from console.services.dto import DeathChange, EpisodeChange, PatientRecord, PatientRow
from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from console.services.summary_dto import PatientSummary
from screens.host import ConsoleScreen
from screens.patients import summary_layout as layout
from screens.patients.summary_layout import FIELDS, SECTIONS, TRENDS
from screens.patients.summary_view import SummaryView
from screens.widgets.frame_hold import FrameHold
from screens.widgets.ready_footer import ReadyFooter

__all__ = ["FIELDS", "SECTIONS", "TRENDS", "PatientSummaryScreen"]

# Keys that show clinical detail, hidden from reception; and those dimmed without the role.
CLINICAL_KEYS = frozenset(
    {"review", "care_plan", "history", "linkage", "family", "health", "episode", "prescription"}
)
WRITE_KEYS = {
    "prescription": Action.OST_DECISION,
    "episode": Action.MANAGE_EPISODES,
    "review": Action.EDIT_CARE,
}
REUSED = "patient-summary"  # the installed screen every opening from the list reuses
# A record comes in 10-20 ms at 260,000 patients: held for it, the first frame shows it.
HOLD_SECONDS = 0.030


class PatientSummaryScreen(ConsoleScreen[None]):
    CSS_PATH = "summary.tcss"
    AUTO_FOCUS = "#body"

    # The footer holds what fits at 80 columns; the rest are in `?` help and the headings.
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "Back", id="patient-summary.back"),
        Binding("r", "review", "Review", id="patient-summary.review"),
        Binding("c", "care_plan", "Plan", id="patient-summary.care-plan"),
        Binding("l", "letters", "Letter", id="patient-summary.letters"),
        Binding("e", "edit", "Edit", id="patient-summary.edit"),
        Binding("x", "episode", "Episode", show=False, id="patient-summary.episode"),
        Binding("p", "prescription", "Prescribe", id="patient-summary.prescription"),
        Binding("v", "history", "Review history", show=False, id="patient-summary.history"),
        Binding("k", "linkage", "Linkage", show=False, id="patient-summary.linkage"),
        Binding("f", "family", "Family", show=False, id="patient-summary.family"),
        Binding("h", "health", "Health", show=False, id="patient-summary.health"),
        Binding("d", "death", "Record or correct a death", show=False, id="patient-summary.death"),
    ]

    class Opened(Message):
        def __init__(
            self, summary: PatientSummary, loading: int, lines: list[layout.Line | layout.History]
        ) -> None:
            super().__init__()
            self.summary = summary
            self.loading = loading  # which load it answers: a late one is dropped
            self.lines = lines  # laid out in the worker: pure, and off the painting thread

    class Demographics(Message):
        def __init__(self, record: PatientRecord) -> None:
            super().__init__()
            self.record = record

    def __init__(self, row: PatientRow) -> None:
        super().__init__()
        self.row = row  # what the list already showed: enough for the title line
        self.record: PatientRecord | None = None
        self.summary: PatientSummary | None = None
        # A screen that may change the record and closes without a result: reload once it
        # is off the stack (a modal's resume can arrive after it was pushed).
        self._child: Screen[object] | None = None
        self._failed = False  # the opening was refused or failed
        self._loading = 0  # counts loads; only the latest one's result is shown
        self._worker: Worker[None] | None = None
        self._styled_as: tuple[object, ...] | None = None  # see on_screen_resume
        self._hold = FrameHold(HOLD_SECONDS, self.refresh)

    @classmethod
    def for_row(cls, app: App[Any], row: PatientRow) -> PatientSummaryScreen:
        """The screen to push for `row`: the installed one, cleared and loading `row`; a
        new one the first time, or while the installed one is on the stack (the palette
        or an indicator's list opened another patient above it)."""
        if not app.is_screen_installed(REUSED):
            screen = cls(row)
            app.install_screen(screen, REUSED)
            return screen
        screen = app.get_screen(REUSED, cls)
        if screen in app.screen_stack or not screen.is_mounted:
            return cls(row)  # the console has one mode, so this is every stack
        screen.load(row)
        return screen

    def load(self, row: PatientRow) -> None:
        """Another patient: nothing of the last one stays, before the next frame (H116)."""
        self.row = row
        self.record = self.summary = self._child = None
        if self._failed:
            self._failed = False
            self.refresh_bindings()
        self._set_title(row)
        self.view.restart(layout.opening())
        self._open(row.id)

    def compose(self) -> ComposeResult:
        # The audited opening starts now, while the screen is built and first painted.
        self._open(self.row.id)
        yield Header(icon="≡")
        yield Static(self._title(self.row), id="title", markup=False)
        yield SummaryView(layout.opening(), id="body")
        yield ReadyFooter(compact=True)

    @property
    def view(self) -> SummaryView:
        return self.query_one(SummaryView)

    def _title(self, row: PatientRow | PatientRecord) -> str:
        today = self.services.clock.today()
        return " · ".join(
            (
                fmt.name_text(row.family_name, row.given_name),
                fmt.nhs(row.nhs_number),
                fmt.dob_text(row.date_of_birth, today),
            )
        )

    # -- loading ----------------------------------------------------------------------
    def _open(self, patient_id: int) -> None:
        self._loading += 1
        self._hold.hold(self.app)  # the title and the record in one frame, if it is quick
        self._worker = self._fetch(patient_id, self._loading)

    def _painted(self) -> None:
        """The latest load's answer (or failure) is in the screen: paint it now."""
        self._hold.release()

    @work(thread=True, exclusive=True, group="open", exit_on_error=False)
    def _fetch(self, patient_id: int, loading: int) -> None:
        summary = self.services.summary.open(patient_id)
        lines = layout.summary_lines(summary, self.services.clock.today())
        self.post_message(self.Opened(summary, loading, lines))

    def on_patient_summary_screen_opened(self, message: Opened) -> None:
        if message.loading != self._loading:
            return  # an earlier opening, perhaps of another patient: superseded
        self.summary = summary = message.summary
        self.record = record = summary.record
        self._set_title(record)
        self.view.show(message.lines, summary.history)
        if self._failed:  # a reload after a refusal: the keys come back
            self._failed = False
            self.refresh_bindings()
        self._painted()

    def _set_title(self, row: PatientRow | PatientRecord) -> None:
        title = self._title(row)
        widget = self.query_one("#title", Static)
        if str(widget.content) != title:  # the list's row says the same, usually
            widget.update(title, layout=False)  # one line, its height fixed in the CSS

    def on_summary_view_chosen(self, message: SummaryView.Chosen) -> None:
        point = message.point
        # A draft opens to carry on with it, for those who may edit reviews.
        read_only = not point.draft or not allowed(self.services.staff.roles, Action.EDIT_CARE)
        self._track(self.nav.open_review(review_id=point.id, read_only=read_only))

    def _track(self, screen: Screen[Any]) -> None:
        """Reload when this child screen closes (its writes feed the summary)."""
        self._child = screen

    def on_screen_suspend(self) -> None:
        self._hold.release()
        self._styled_as = self._style_inputs()

    def on_unmount(self) -> None:
        self._hold.release()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Pushed again with the App styled as when it left, Textual's restyle of every node
        # would only repeat the same styles, before the first frame (issue 19). This
        # handler runs before Screen's own, which reads the flag.
        if self._styled_as == self._style_inputs():
            event.refresh_styles = False
        child = self._child
        if child is not None and child not in self.app.screen_stack and self.app.screen is self:
            self._child = None
            if self.summary is not None:
                self.reload()

    def _style_inputs(self) -> tuple[object, ...]:
        """What restyles every screen from outside it: the theme, the App's classes (DEMO)
        and pseudo-classes (terminal focus)."""
        app = self.app
        return (app.theme, frozenset(app.classes), app.app_focus)

    def reload(self) -> None:
        self._open(self.row.id)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        error = event.worker.error
        if event.worker.group == "demographics":
            self.host.report_error(error)
            return
        if event.worker is not self._worker:
            return  # a superseded load's failure says nothing of the record shown now
        self._failed = True
        self.refresh_bindings()  # clinical keys dim: there is no record to act on
        if isinstance(error, ServiceError):
            # A refusal names the action and the role; it carries no patient data.
            self.view.show(layout.refused(str(error)))
        else:
            self.host.report_error(error)
            self.view.show(layout.refused("The record could not be opened."))
        self._painted()

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = self.services.staff.roles
        if action == "death":  # whatever the status; refused with the role named
            allowed_here = allowed(roles, Action.RECORD_DEATH)
            return None if allowed_here and self.summary is None else True
        if action in CLINICAL_KEYS and not allowed(roles, Action.VIEW_CLINICAL):
            return False  # reception: no clinical keys at all
        if action in CLINICAL_KEYS and action != "care_plan" and self._failed:
            return None  # refused: nothing to act on
        # While opening, keys stay as they will be (each action waits for the record):
        # the footer is drawn once, not again when the record arrives.
        needs = WRITE_KEYS.get(action)
        if needs is not None:
            return True if allowed(roles, needs) else None  # dimmed: a hint
        return True

    def action_edit(self) -> None:
        if self.record is not None:
            self._edit(self.record)
        else:  # reception: demographics without the clinical summary
            self._demographics(self.row.id)

    @work(thread=True, exclusive=True, group="demographics", exit_on_error=False)
    def _demographics(self, patient_id: int) -> None:
        self.post_message(self.Demographics(self.services.patients.demographics(patient_id)))

    def on_patient_summary_screen_demographics(self, message: Demographics) -> None:
        if message.record.id == self.row.id:  # not a patient this screen showed before
            self._edit(message.record)

    def _edit(self, record: PatientRecord) -> None:
        from screens.patients.form import PatientFormScreen

        def saved(result: PatientRecord | None) -> None:
            if result is None:
                return
            self._set_title(result)
            if self.summary is not None:
                self.reload()

        self.app.push_screen(PatientFormScreen(record), saved)

    def action_episode(self) -> None:
        if not self._may(Action.MANAGE_EPISODES) or self.summary is None:
            return
        from screens.patients.episode_end import EpisodeModal

        self.app.push_screen(
            EpisodeModal(self.summary.record, self.summary.episode), self._episode_changed
        )

    def _episode_changed(self, result: EpisodeChange | None) -> None:
        if result is None:
            return
        self._changed(result)
        if not result.offer_exit_review:
            return
        from screens.patients.episode_end import offer_exit_review

        def answered(yes: bool | None) -> None:
            if yes:
                self._track(self.nav.open_review(patient_id=self.row.id, kind="exit"))

        self.app.push_screen(offer_exit_review(), answered)

    def action_death(self) -> None:
        if not self._may(Action.RECORD_DEATH) or self.summary is None:
            return
        from screens.patients.death import CorrectDeathModal, DeathModal

        record = self.summary.record
        deceased = record.status == PatientStatus.DECEASED
        modal = CorrectDeathModal(record) if deceased else DeathModal(record)
        self.app.push_screen(modal, self._death_changed)

    def _death_changed(self, result: DeathChange | None) -> None:
        if result is None:
            return
        from screens.patients.death import death_words

        self.notify(death_words(result))
        self.reload()

    def action_prescription(self) -> None:
        if not self._may(Action.OST_DECISION) or self.summary is None:
            return
        from screens.patients.prescription import PrescriptionModal

        self.app.push_screen(
            PrescriptionModal(self.summary.record, self.summary.current_dose), self._changed
        )

    def _may(self, action: Action) -> bool:
        if allowed(self.services.staff.roles, action):
            return True
        from console.services.roles import needed

        self.notify(f"Not allowed: to {action.value} needs the role {needed(action)}.")
        return False

    def _changed(self, result: object) -> None:
        if result is None:
            return
        if getattr(result, "prescription_stopped", False):
            self.notify("Treatment completed: the prescription was stopped on the end date.")
        self.reload()

    def action_care_plan(self) -> None:
        self.nav.open_care_plan(self.row.id, self._patient_name())

    def action_review(self) -> None:
        if not self._may(Action.EDIT_CARE) or self.summary is None:
            return
        record = self.summary.record
        in_episode = self.summary.episode is not None
        self.nav.new_review(record.id, record.status, in_episode, opened=self._track)

    def action_history(self) -> None:
        self.view.focus()
        self.view.enter_history()

    def action_letters(self) -> None:
        self._track(self.nav.open_letters(self.row))  # "Letters sent" changes when one is made

    def _patient_name(self) -> str:
        return fmt.name_text(self.row.family_name, self.row.given_name)

    def action_linkage(self) -> None:
        self.nav.open_linkage(self.row.id, self._patient_name(), self._changed)

    def action_family(self) -> None:
        from screens.patients.family import FamilyScreen

        self.app.push_screen(FamilyScreen(self.row.id, self._patient_name()), self._changed)

    def action_health(self) -> None:
        from screens.patients.health import HealthScreen

        self.app.push_screen(HealthScreen(self.row.id, self._patient_name()), self._changed)
