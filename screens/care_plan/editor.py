"""The care plan editor (SPEC §3.3): goals grouped by domain, all from the keyboard.

Every change is one service call in a thread worker; the screen shows the PlanView the
service returns. A refused save (someone saved first, or a field is wrong) reopens the
form with the same input and the reason, so nothing typed is lost.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.rules import careplan as rules
from console.rules.vocab import DOMAIN_LABEL, Domain, GoalStatus, PlanStatus
from console.services.careplan_dto import AgreeInput, GoalInput, GoalView, PlanView, StatusInput
from console.services.errors import Invalid, ServiceError, Stale
from screens.care_plan.forms import AgreeModal, GoalFormModal, StatusModal
from screens.host import ConsoleScreen

Call = Callable[[], PlanView]
Retry = Callable[[str, dict[str, str]], None]
EDITS = {"add", "edit", "status", "drop", "move", "agree"}


def goal_line(goal: GoalView) -> Text:
    status = GoalStatus(goal.status)
    target = goal.target_date.strftime("%d/%m/%Y") if goal.target_date else "—"
    line = (
        f" {rules.STATUS_MARK[status]} {goal.words[:34]:<34} "
        f"{rules.STATUS_LABEL[status]:<11} {goal.owner[:12]:<12} {target}"
    )
    return Text(line, style="dim strike" if status is GoalStatus.DROPPED else "")


def domain_rule(domain: str, width: int = 76) -> Text:
    label = f"── {DOMAIN_LABEL[Domain(domain)]} "
    return Text(label + "─" * max(0, width - len(label)), style="bold")


class CarePlanScreen(ConsoleScreen[None]):
    CSS_PATH = "care_plan.tcss"
    AUTO_FOCUS = "#goals"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("a", "add", "Add", id="care-plan.add"),
        Binding("e", "edit", "Edit", id="care-plan.edit"),
        Binding("s", "status", "Status", id="care-plan.status"),
        Binding("d", "drop", "Drop", id="care-plan.drop"),
        Binding("shift+up", "move(-1)", "Move", key_display="⇧↑↓", id="care-plan.move-up"),
        Binding("shift+down", "move(1)", "Move", show=False, id="care-plan.move-down"),
        Binding("g", "agree", "Agree", id="care-plan.agree"),
        Binding("v", "versions", "Versions", id="care-plan.versions"),
        Binding("r", "reload", "Reload", show=False, id="care-plan.reload"),
        Binding("escape", "app.back", "Back", id="care-plan.back"),
    ]

    class Loaded(Message):
        def __init__(self, plan: PlanView, note: str = "") -> None:
            super().__init__()
            self.plan = plan
            self.note = note

    class Refused(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, patient_id: int, name: str = "") -> None:
        super().__init__()
        self.patient_id = patient_id
        self.patient_name = name
        self.plan: PlanView | None = None
        self._retry: Retry | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static(f"Care plan · {self.patient_name}", id="title", markup=False)
        yield OptionList(id="goals")
        yield Static("", id="detail", markup=False)
        yield Static("", id="message", markup=False)
        yield Footer(compact=True)  # ten keys must fit in 80 columns

    def on_mount(self) -> None:
        self.query_one("#goals").loading = True
        self._open()

    # -- loading and saving ---------------------------------------------------------
    @work(thread=True, exclusive=True, group="care-plan", exit_on_error=False)
    def _open(self, note: str = "") -> None:
        self.post_message(self.Loaded(self.services.careplans.open(self.patient_id), note))

    @work(thread=True, exclusive=True, group="care-plan", exit_on_error=False)
    def _save(self, call: Call, note: str) -> None:
        try:
            plan = call()
        except ServiceError as error:  # refusals are for the user; anything else is a bug
            self.post_message(self.Refused(error))
            return
        self.post_message(self.Loaded(plan, note))

    def _submit(self, call: Call, note: str, retry: Retry) -> None:
        self._retry = retry
        self._say("Saving…")
        self._save(call, note)

    def on_care_plan_screen_loaded(self, message: Loaded) -> None:
        self.query_one("#goals").loading = False
        self._show(message.plan)
        self._say(message.note)

    def on_care_plan_screen_refused(self, message: Refused) -> None:
        error = message.error
        self._say(str(error), error=True)
        errors = error.errors if isinstance(error, Invalid) else {}
        text = (
            str(error)
            if isinstance(error, Stale)
            else "Not saved: please correct the marked fields."
        )
        if self._retry is not None and (isinstance(error, Stale) or errors):
            self._retry(text, errors)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is not WorkerState.ERROR or event.worker.error is None:
            return
        self.query_one("#goals").loading = False
        error = event.worker.error
        if isinstance(error, ServiceError):
            self._say(str(error), error=True)  # a refusal names the action and role only
        else:
            self.host.report_error(error)

    # -- showing --------------------------------------------------------------------
    def _show(self, plan: PlanView) -> None:
        self.plan = plan
        self.patient_name = plan.patient_name
        self.query_one("#title", Static).update(self._title(plan))
        goals = self.query_one("#goals", OptionList)
        keep = self.current.goal_key if self.current else None
        goals.clear_options()
        by_domain: dict[str, list[GoalView]] = {}
        for goal in plan.goals:
            by_domain.setdefault(goal.domain, []).append(goal)
        prompts = {p.domain: p.text for p in plan.prompts}
        options: list[Option] = []
        for domain in Domain:
            if domain not in by_domain and domain not in prompts:
                continue
            options.append(Option(domain_rule(domain), id=f"d-{domain.value}", disabled=True))
            for goal in by_domain.get(domain, []):
                options.append(Option(goal_line(goal), id=f"g-{goal.goal_key}"))
            if domain in prompts:
                text = Text(f"   ({prompts[domain]})", style="italic")
                options.append(Option(text, id=f"p-{domain.value}", disabled=True))
        if not plan.goals:
            options.insert(
                0, Option(Text(" No goals yet. Press a to add the first."), disabled=True)
            )
        goals.add_options(options)
        if keep is not None and f"g-{keep}" in {o.id for o in options}:
            goals.highlighted = goals.get_option_index(f"g-{keep}")
        elif plan.goals:
            goals.highlighted = goals.get_option_index(f"g-{plan.goals[0].goal_key}")
        self._show_detail()
        self.refresh_bindings()

    @staticmethod
    def _title(plan: PlanView) -> str:
        parts = ["Care plan", plan.patient_name]
        if plan.plan_id is None:
            parts.append("no plan yet")
        elif plan.status == PlanStatus.DRAFT:
            parts.append(f"v{plan.version_no} draft")
        if plan.agreed is not None:
            agreed = plan.agreed
            when = fmt.date_text(agreed.agreed_on)
            parts.append(f"v{agreed.version_no} agreed {when} with {agreed.agreed_with}")
        return " · ".join(parts)

    @property
    def current(self) -> GoalView | None:
        if self.plan is None:
            return None
        goals = self.query_one("#goals", OptionList)
        if goals.highlighted is None:
            return None
        option_id = goals.get_option_at_index(goals.highlighted).id or ""
        if not option_id.startswith("g-"):
            return None
        key = int(option_id[2:])
        return next((g for g in self.plan.goals if g.goal_key == key), None)

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        goal = self.current
        if goal is None:
            text = ""
        else:
            text = f"Actions: {goal.actions or '—'}"
            if goal.status == GoalStatus.DROPPED:
                text += f"\nDropped: {goal.drop_reason or '—'}"
            elif goal.target_date:
                text += f"\nTarget: {fmt.date_text(goal.target_date)}"
        self.query_one("#detail", Static).update(text)

    def _say(self, text: str, *, error: bool = False) -> None:
        message = self.query_one("#message", Static)
        message.update(f"! {text}" if error and text else text)
        message.set_class(error, "-error")

    # -- actions --------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action not in EDITS:
            return True
        plan = self.plan
        if plan is None or not plan.can_edit:
            return None  # dimmed: a hint only, the service enforces the role
        if action in {"edit", "status", "drop", "move"} and not plan.goals:
            return None
        if action == "agree" and (plan.status != PlanStatus.DRAFT or plan.plan_id is None):
            return None
        return True

    def _token(self) -> tuple[int, int | None, int]:
        assert self.plan is not None
        return self.plan.patient_id, self.plan.plan_id, self.plan.row_version

    def action_add(
        self,
        initial: GoalInput | None = None,
        message: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        if self.plan is None:
            return
        current = self.current
        start = initial or GoalInput(current.domain if current else "", "", "", "", "")
        modal = GoalFormModal(
            start, today=self.services.clock.today(), new=True, message=message, errors=errors
        )
        self.app.push_screen(modal, self._add_done)

    def _add_done(self, data: GoalInput | None) -> None:
        if data is None:
            return
        token = self._token()
        self._submit(
            lambda: self.services.careplans.add_goal(*token, data),
            "Goal added.",
            lambda msg, errs: self.action_add(data, msg, errs),
        )

    def action_edit(self) -> None:
        goal = self.current
        if goal is not None:
            target = goal.target_date.strftime("%d/%m/%Y") if goal.target_date else ""
            self._edit(goal, GoalInput(goal.domain, goal.words, goal.actions, goal.owner, target))

    def _edit(
        self,
        goal: GoalView,
        initial: GoalInput,
        message: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        old = goal.target_date.strftime("%d/%m/%Y") if goal.target_date else ""
        modal = GoalFormModal(
            initial,
            today=self.services.clock.today(),
            new=False,
            old_target=old,
            message=message,
            errors=errors,
        )

        def done(data: GoalInput | None) -> None:
            if data is None:
                return
            token = self._token()
            self._submit(
                lambda: self.services.careplans.edit_goal(*token, goal.goal_key, data),
                "Goal saved.",
                lambda msg, errs: self._edit(goal, data, msg, errs),
            )

        self.app.push_screen(modal, done)

    def action_status(self, drop: bool = False) -> None:
        goal = self.current
        if goal is not None:
            self._status(goal, drop, None)

    def action_drop(self) -> None:
        self.action_status(drop=True)

    def _status(
        self,
        goal: GoalView,
        drop: bool,
        initial: StatusInput | None,
        message: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        modal = StatusModal(
            goal.words, goal.status, drop=drop, initial=initial, message=message, errors=errors
        )

        def done(data: StatusInput | None) -> None:
            if data is None:
                return
            token = self._token()
            self._submit(
                lambda: self.services.careplans.set_status(*token, goal.goal_key, data),
                "Goal dropped." if drop else "Status recorded.",
                lambda msg, errs: self._status(goal, drop, data, msg, errs),
            )

        self.app.push_screen(modal, done)

    def action_move(self, step: int) -> None:
        goal = self.current
        if goal is None or self.check_action("move", ()) is not True:
            return
        token = self._token()
        self._submit(
            lambda: self.services.careplans.move_goal(*token, goal.goal_key, step),
            "",
            lambda msg, errs: None,
        )

    def action_agree(
        self,
        initial: AgreeInput | None = None,
        message: str = "",
        errors: dict[str, str] | None = None,
    ) -> None:
        plan = self.plan
        if plan is None or self.check_action("agree", ()) is not True:
            return
        modal = AgreeModal(
            plan.version_no,
            today=self.services.clock.today(),
            initial=initial,
            message=message,
            errors=errors,
        )

        def done(data: AgreeInput | None) -> None:
            if data is None:
                return
            token = self._token()
            self._submit(
                lambda: self.services.careplans.agree(*token, data),
                f"Version {plan.version_no} agreed.",
                lambda msg, errs: self.action_agree(data, msg, errs),
            )

        self.app.push_screen(modal, done)

    def action_versions(self) -> None:
        if self.plan is not None and self.plan.versions:
            from screens.care_plan.versions import VersionsScreen

            self.app.push_screen(VersionsScreen(self.plan))

    def action_reload(self) -> None:
        self._open("Reloaded.")
