"""`x` on the summary: start an episode, or end it. Ending says first what the exit does
to the prescription, in the service's words (`episodes.end_outcome`), and asks (`y`);
afterwards the episode just closed is offered its exit review when it has none (H43)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pendulum
from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Input, Select, Static

from console import format as fmt
from console.rules import validate
from console.rules.vocab import EXIT_REASONS
from console.services.dto import EndOutcome, EpisodeChange, PatientRecord, PrescriptionOutcome
from console.services.summary_dto import Episode
from screens import validators as v
from screens.patients.episode import ChangeModal, checked_date
from screens.widgets.ask import AskModal
from screens.widgets.form import ServiceForm
from screens.widgets.masked import date_input

CHOOSE_REASON = "Choose the exit reason to see what it does to the prescription."


class OutcomeSaid(Message):
    """What the chosen exit would do to the prescription; `ask` is the call to make once
    the user says yes (None: only show it)."""

    def __init__(
        self, outcome: EndOutcome, reason: str, ask: Callable[[], EpisodeChange] | None
    ) -> None:
        super().__init__()
        self.outcome = outcome
        self.reason = reason
        self.ask = ask


class EpisodeModal(ChangeModal):
    """`x`: start an episode when none is open, else end it with an NDTMS exit reason."""

    def __init__(self, record: PatientRecord, episode: Episode | None) -> None:
        super().__init__(record)
        self.episode = episode
        self.AUTO_FOCUS = "#start_date" if episode is None else "#exit_reason"
        self.FIELDS = (
            ("start_date", "referral_source", "problem_substances")
            if episode is None
            else ("end_date", "exit_reason")
        )

    def compose(self) -> ComposeResult:
        today = self.services.clock.today().format("DD/MM/YYYY")
        with Vertical(classes="modal"):
            if self.episode is None:
                yield from self.heading("Start a treatment episode")
                yield from self.field(
                    "Start date",
                    date_input(
                        today, id="start_date", compact=True, validators=[v.date(self._today)]
                    ),
                )
                yield from self.field(
                    "Referred by",
                    Input(placeholder="e.g. GP, self", id="referral_source", compact=True),
                )
                yield from self.field(
                    "Substances",
                    Input(placeholder="e.g. heroin, crack", id="problem_substances", compact=True),
                )
            else:
                yield from self.heading(
                    f"End the episode started {fmt.date_text(self.episode.start)}"
                )
                yield from self.field(
                    "End date",
                    date_input(
                        today, id="end_date", compact=True, validators=[v.date(self._today)]
                    ),
                )
                choices = [
                    (f"{code} {reason} ({group.value})", code)
                    for code, (reason, group) in EXIT_REASONS.items()
                ]
                yield from self.field(
                    "Exit reason",
                    Select(choices, prompt="choose an NDTMS reason", id="exit_reason"),
                )
                # What the exit will do to the prescription, in the service's words.
                yield Static(CHOOSE_REASON, id="outcome", markup=False)
            yield from self.form_footer()

    def _today(self) -> pendulum.Date:
        return self.services.clock.today()

    def call(self, errors: dict[str, str]) -> Callable[[], EpisodeChange]:
        episodes = self.services.episodes
        pid = self.record.id
        if self.episode is None:
            start = checked_date(self, "start_date")
            source = self.query_one("#referral_source", Input).value
            substances = self.query_one("#problem_substances", Input).value
            return lambda: episodes.start(pid, start, source, substances)
        end = checked_date(self, "end_date")
        reason = self.query_one("#exit_reason", Select).value
        if reason is Select.NULL:
            raise validate.FieldError("choose an NDTMS exit reason", "exit_reason")
        return lambda: episodes.end(pid, end, str(reason))

    # -- ending: say what happens to the prescription, then ask ---------------------------
    def _reason(self) -> str:
        value = self.query_one("#exit_reason", Select).value
        return "" if value is Select.NULL else str(value)

    def _end_date(self) -> dt.date | None:
        try:
            return self.date_value("end_date")
        except validate.FieldError:
            return None  # the field shows its own message; the outcome reads today

    @on(Select.Changed, "#exit_reason")
    @on(Input.Changed, "#end_date")
    def _reason_or_date_changed(self) -> None:
        if self.episode is not None:
            self._outcome(self._reason(), self._end_date())

    def proceed(self, call: Callable[[], EpisodeChange]) -> None:
        if self.episode is None:
            super().proceed(call)
            return
        self.say("")
        self._ask(self._reason(), self._end_date(), call)

    @work(thread=True, exclusive=True, group="outcome", exit_on_error=False)
    def _outcome(self, reason: str, end: dt.date | None) -> None:
        said = self.services.episodes.end_outcome(self.record.id, reason, end)
        self.post_message(OutcomeSaid(said, reason, None))

    # Its own group: a change of the line cancelling it would lose the question.
    @work(thread=True, exclusive=True, group="ask-end", exit_on_error=False)
    def _ask(self, reason: str, end: dt.date | None, call: Callable[[], EpisodeChange]) -> None:
        said = self.services.episodes.end_outcome(self.record.id, reason, end)
        self.post_message(OutcomeSaid(said, reason, call))

    def on_outcome_said(self, message: OutcomeSaid) -> None:
        said, call = message.outcome, message.ask
        if message.reason != self._reason():
            return  # said for a reason since changed
        self.query_one("#outcome", Static).update(said.words or CHOOSE_REASON)
        if call is None:
            return
        if said.outcome is PrescriptionOutcome.REFUSED:
            super().proceed(call)  # the service refuses it beside the exit reason
            return
        code = self._reason()
        reason = f"{code} {EXIT_REASONS[code][0]}" if code in EXIT_REASONS else code

        def answered(yes: bool | None) -> None:
            if yes:
                ServiceForm.proceed(self, call)

        self.app.push_screen(confirm_end(reason, said.words), answered)


def confirm_end(reason: str, words: str) -> AskModal:
    """Before the episode ends: the exit chosen and what it does to the prescription."""
    return AskModal(
        "End this treatment episode?",
        (f"Exit: {reason}", words),
        "end the episode",
        "go back to the form",
    )


def offer_exit_review() -> AskModal:
    return AskModal(
        "The episode has ended",
        ("It has no exit review yet. Record the exit review now (TOP and BARC-10 at exit)?",),
        "record the exit review",
        "not now",
    )
