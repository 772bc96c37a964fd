"""Recording a review (SPEC §3.4): one form in seven sections, reached by alt+1…7; each
field checked as it is left and on save; the draft saves itself as fields change."""

from __future__ import annotations

import threading
from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.events import DescendantBlur, DescendantFocus
from textual.message import Message
from textual.widgets import ContentSwitcher, Footer, Header, Input, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.services.errors import Invalid, ServiceError, Stale
from console.services.review_dto import ReviewDraft, ReviewInput, SavedReview
from screens.host import ConsoleScreen
from screens.review import fields as f
from screens.review.addendum import AddendumInput, AddendumModal, addenda_text
from screens.review.collect import collect, field_of
from screens.review.live import Line, LiveFigures
from screens.review.ost_modal import OstDecisionModal
from screens.review.sections import SECTIONS, ReviewSections, section_of

AUTOSAVE_SECONDS = 1.5
KIND_LABEL = {
    "start": "Start review",
    "strategic": "Strategic review",
    "interim": "Interim review",
    "exit": "Exit review",
    "post_exit_checkup": "Post-exit check-up",
}


class ReviewScreen(LiveFigures, ConsoleScreen[None]):
    """`ReviewScreen(patient_id=…)` starts or reopens a draft; `ReviewScreen(review_id=…,
    read_only=True)` shows any review (finalised ones are always read-only)."""

    CSS_PATH = "review.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", id="review.save", priority=True),
        Binding("ctrl+f", "finalise", "Finalise", id="review.finalise", priority=True),
        *[
            Binding(
                f"alt+{n},f{n}",
                f"section({n})",
                "Sections" if n == 1 else name,
                show=n == 1,
                key_display="F1-7" if n == 1 else None,
                id=f"review.section-{n}",
                priority=True,
            )
            for n, (_, name) in enumerate(SECTIONS, start=1)
        ],
        Binding("a", "addendum", "Addendum", id="review.addendum"),
        Binding("o", "ost_decision", "OST decision", id="review.ost-decision"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    class Loaded(Message):
        def __init__(self, draft: ReviewDraft) -> None:
            super().__init__()
            self.draft = draft

    class Saved(Message):
        def __init__(self, saved: SavedReview, close: bool, finalised: bool) -> None:
            super().__init__()
            self.saved = saved
            self.close = close
            self.finalised = finalised

    class Corrected(Message):
        def __init__(self, draft: ReviewDraft) -> None:
            super().__init__()
            self.draft = draft

    class Failed(Message):
        def __init__(self, error: ServiceError) -> None:
            super().__init__()
            self.error = error

    def __init__(
        self,
        patient_id: int | None = None,
        kind: str = "strategic",
        *,
        review_id: int | None = None,
        read_only: bool = False,
    ) -> None:
        super().__init__()
        self.patient_id = patient_id
        self.kind = kind
        self.review_id = review_id
        self.read_only = read_only
        self.draft: ReviewDraft | None = None
        self.sections: ReviewSections | None = None
        self.section = "top"
        self._version = 0
        self._lock = threading.Lock()
        self._dirty = False
        self._loading = True
        self._confirm_finalise = False
        self._timer: object | None = None

    def compose(self) -> ComposeResult:
        yield Header(icon="≡")
        yield Static("Opening the review…", id="title")
        yield Static("", id="tabs")
        yield Static("", id="addenda")
        yield Container(id="form")
        yield Line("", id="hint")
        yield Line("", id="message")
        yield Footer()

    def on_mount(self) -> None:
        self._load()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        reviews = self.services.reviews
        if self.review_id is not None:
            draft = reviews.get(self.review_id)
        else:
            assert self.patient_id is not None
            draft = reviews.start(self.patient_id, self.kind)
        self.post_message(self.Loaded(draft))

    async def on_review_screen_loaded(self, message: Loaded) -> None:
        draft = message.draft
        self.draft = draft
        self._version = draft.version
        self.read_only = self.read_only or draft.finalised
        self.sections = ReviewSections(draft, self.read_only)
        switcher = ContentSwitcher(*self.sections.compose_all(), initial="top", id="switcher")
        await self.query_one("#form").mount(switcher)
        self._title()
        self._show_tabs()
        self._show_addenda()
        self._barc_total()
        self._drug_flags()
        self._loading = False
        self.refresh_bindings()
        self._focus_first("top")
        if not draft.can_decide_ost and not self.read_only:
            self._say("Hint: the OST decision is for clinicians; it will be marked pending.")

    # -- display ----------------------------------------------------------------------
    def _title(self, saved: str = "") -> None:
        d = self.draft
        assert d is not None
        state = (
            f"finalised {fmt.date_text(d.values.review_date)}"
            if d.finalised
            else (f"draft saved {saved}" if saved else "draft")
        )
        title = (
            f"{KIND_LABEL.get(d.kind, d.kind)} · {d.patient_name} · "
            f"{fmt.date_text(d.values.review_date)} · {state}"
        )
        self.query_one("#title", Static).update(title)

    def _show_tabs(self) -> None:
        parts = []
        for n, (key, name) in enumerate(SECTIONS, start=1):
            parts.append(f"[reverse]▸{n} {name}[/]" if key == self.section else f" {n} {name}")
        self.query_one("#tabs", Static).update(" ".join(parts))

    def _say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#message", Line)
        line.update(text)
        line.set_class(error, "-error")

    def _texts(self) -> dict[str, str]:
        assert self.sections is not None
        return {i: self.query_one(f"#{i}", Input).value for i in self.sections.specs}

    def _collect(self) -> tuple[ReviewInput, dict[str, str]]:
        assert self.sections is not None and self.draft is not None
        return collect(self._texts(), self.sections.specs, self.draft)

    # -- field events -----------------------------------------------------------------
    def on_descendant_focus(self, event: DescendantFocus) -> None:
        widget = event.widget
        if self.sections and isinstance(widget, Input) and widget.id in self.sections.specs:
            self.query_one("#hint", Line).update(self.sections.specs[widget.id].hint)

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        widget = event.widget
        if not (self.sections and isinstance(widget, Input) and widget.id in self.sections.specs):
            return
        spec = self.sections.specs[widget.id]
        try:
            spec.parse(widget.value)
        except ValueError as error:
            widget.add_class("-bad")
            self._say(f"✗ {spec.label}: {error}", error=True)
            return
        if widget.has_class("-bad"):
            widget.remove_class("-bad")
            self._say("")

    @on(Input.Changed)
    def _changed(self, event: Input.Changed) -> None:
        if self._loading or self.read_only or event.input.id is None:
            return
        field_id = event.input.id
        if field_id.startswith("barc-"):
            self._barc_total()
        elif field_id.startswith("drug-"):
            self._drug_flags()
        elif field_id.startswith("top-"):
            self._week_total(field_id)
        self._schedule_autosave()

    def _schedule_autosave(self) -> None:
        self._dirty = True
        self._confirm_finalise = False
        if self._timer is not None:
            self._timer.stop()  # type: ignore[attr-defined]
        self._timer = self.set_timer(AUTOSAVE_SECONDS, self._autosave)

    def _autosave(self) -> None:
        if self._dirty and not self.read_only:
            self._submit(finalise=False, close=False, quiet=True)

    # -- saving -----------------------------------------------------------------------
    def _submit(self, *, finalise: bool, close: bool, quiet: bool = False) -> None:
        data, errors = self._collect()
        if errors:
            first = next(iter(errors))
            self._mark(errors)
            self._say(
                f"✗ {errors[first]}" + (f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""),
                error=True,
            )
            if not quiet:
                self._go_to(first)
            return
        self._dirty = False
        self._write(data, finalise, close)

    @work(thread=True, exclusive=False, group="save", exit_on_error=False)
    def _write(self, data: ReviewInput, finalise: bool, close: bool) -> None:
        assert self.draft is not None
        reviews = self.services.reviews
        try:
            with self._lock:
                if finalise:
                    draft = reviews.finalise(self.draft.id, self._version, data)
                else:
                    draft = reviews.save_draft(self.draft.id, self._version, data)
                self._version = draft.version
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Saved(draft, close, finalise))

    async def on_review_screen_saved(self, message: Saved) -> None:
        assert self.draft is not None
        saved = message.saved
        self.draft = replace(
            self.draft,
            version=saved.version,
            status=saved.status,
            finalised_at=saved.finalised_at,
            ost_decided_by=saved.ost_decided_by or self.draft.ost_decided_by,
        )
        saved_at = self.services.clock.now().format("HH:mm")
        self._title(saved_at)
        for widget in self.query(".-bad"):
            widget.remove_class("-bad")
        if message.finalised:
            self._say("Finalised. The review is now read-only; a correction is an addendum.")
            self.read_only = True
            for widget in self.query(Input):
                widget.disabled = True
            self.refresh_bindings()
        elif not self._dirty:
            self._say(f"Draft saved {saved_at}.")
        if message.close:
            self.app.pop_screen()

    def on_review_screen_failed(self, message: Failed) -> None:
        error = message.error
        self._dirty = True  # nothing was written: the input stays on screen
        if isinstance(error, Invalid):
            self._mark({field_of(k) or k: v for k, v in error.errors.items()})
            first_key = next(iter(error.errors))
            more = f" (+{len(error.errors) - 1} more)" if len(error.errors) > 1 else ""
            self._say(f"✗ Not saved: {error.errors[first_key]}{more}", error=True)
            target = field_of(first_key)
            if target:
                self._go_to(target)
        elif isinstance(error, Stale):
            self._say(f"✗ {error}", error=True)
        else:
            self._say(f"✗ {error}", error=True)

    def _mark(self, errors: dict[str, str]) -> None:
        for field_id in errors:
            for widget in (
                self.query(f"#{field_id}")
                if field_id.replace("-", "").replace("_", "").isalnum()
                else []
            ):
                widget.add_class("-bad")

    def _go_to(self, field_id: str) -> None:
        self._show_section(section_of(field_id))
        widgets = self.query(f"#{field_id}")
        if widgets:
            self.call_after_refresh(widgets.first().focus)

    # -- actions ----------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in ("save", "finalise"):
            return not self.read_only and self.draft is not None
        if action == "ost_decision":
            d = self.draft
            return (
                d is not None
                and d.finalised
                and d.values.ost_decision == "pending"
                and d.can_decide_ost
                and not isinstance(self.focused, Input)
            )
        if action == "addendum":
            return (
                self.draft is not None
                and self.draft.finalised
                and not isinstance(self.focused, Input)
            )
        return True

    def _show_addenda(self) -> None:
        assert self.draft is not None
        text = addenda_text(self.draft)
        widget = self.query_one("#addenda", Static)
        widget.update(text)
        widget.display = bool(text)

    def action_addendum(self) -> None:
        self.app.push_screen(AddendumModal(), self._addendum_entered)

    def _addendum_entered(self, entered: AddendumInput | None) -> None:
        if entered is not None:
            self._add_addendum(entered)

    @work(thread=True, exclusive=True, group="addendum", exit_on_error=False)
    def _add_addendum(self, entered: AddendumInput) -> None:
        assert self.draft is not None
        try:
            draft = self.services.reviews.add_addendum(
                self.draft.id, entered.field, entered.new_value, entered.reason
            )
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Corrected(draft))

    def action_ost_decision(self) -> None:
        self.app.push_screen(OstDecisionModal(), self._decided)

    def _decided(self, entered: dict[str, object] | None) -> None:
        if entered is not None:
            self._record_decision(entered)

    @work(thread=True, exclusive=True, group="addendum", exit_on_error=False)
    def _record_decision(self, entered: dict[str, object]) -> None:
        assert self.draft is not None
        try:
            draft = self.services.reviews.record_ost_decision(self.draft.id, **entered)  # type: ignore[arg-type]
        except ServiceError as error:
            self.post_message(self.Failed(error))
            return
        self.post_message(self.Corrected(draft))

    def on_review_screen_corrected(self, message: Corrected) -> None:
        decided = self.draft is not None and self.draft.values.ost_decision != (
            message.draft.values.ost_decision
        )
        self.draft = message.draft
        self._show_addenda()
        self.refresh_bindings()
        if decided:
            self.query_one("#ost-decision", Input).value = message.draft.values.ost_decision
            self._say(f"OST decision recorded by {message.draft.ost_decided_by}.")
        else:
            self._say("Addendum saved; the original value stays visible.")

    def action_save(self) -> None:
        self._submit(finalise=False, close=False)

    def action_finalise(self) -> None:
        if not self._confirm_finalise:
            self._confirm_finalise = True
            self._say("Finalise? It becomes read-only. Press ctrl+f again to finalise.")
            return
        self._confirm_finalise = False
        self._submit(finalise=True, close=False)

    def action_section(self, n: int) -> None:
        if self.sections is None:
            return
        key = SECTIONS[n - 1][0]
        self._show_section(key)
        self._focus_first(key)

    def _show_section(self, key: str) -> None:
        self.section = key
        self.query_one(ContentSwitcher).current = key
        self._show_tabs()

    def _focus_first(self, key: str) -> None:
        inputs = [w for w in self.query_one(f"#{key}").query(Input) if not w.disabled]
        if inputs:
            inputs[0].focus()
        else:
            self.query_one(f"#{key}").focus()

    def action_back(self) -> None:
        if self._dirty and not self.read_only and self.draft is not None:
            data, errors = self._collect()
            if not errors:
                self._dirty = False
                self._write(data, False, True)
                return
        self.app.pop_screen()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.host.report_error(event.worker.error)
            if self.draft is None:
                self.app.pop_screen()


__all__ = ["ReviewScreen", "f"]
