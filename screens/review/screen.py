"""Recording a review (SPEC §3.4): one form in sections, reached by F1…F7 or the picker;
each field checked as it is left and on save; the draft saves itself as fields change.
A post-exit check-up is the short form: TOP substance use, BARC-10, need for treatment."""

from __future__ import annotations

import threading
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container
from textual.events import DescendantBlur, DescendantFocus
from textual.widget import Widget
from textual.widgets import ContentSwitcher, Header, Input, Select, Static
from textual.worker import Worker, WorkerState

from console import format as fmt
from console.services.review_dto import ReviewDraft, ReviewInput
from screens.host import ConsoleScreen
from screens.review import decisions, measures
from screens.review import fields as f
from screens.review import messages as m
from screens.review.collect import collect
from screens.review.early_keys import HeldKeys
from screens.review.finalised import Finalised
from screens.review.live import Line, LiveFigures, is_barc_item
from screens.review.mounting import SectionMounting
from screens.review.parts import needs_new_prescription, select_text
from screens.review.pick import SectionPicking
from screens.review.saving import Saving
from screens.review.sections import CHECKUP, SECTIONS, Builder, ReviewSections
from screens.review.top_row import TopRow
from screens.widgets.form import labelled
from screens.widgets.frame_hold import FrameHold
from screens.widgets.masked import MaskedInput
from screens.widgets.ready_footer import ReadyFooter

AUTOSAVE_SECONDS = 1.5
HOLD_SECONDS = 0.25  # the most the form's first frame waits for its first section
# Each section's builder, by section key: handed to the registry (ReviewSections).
BUILDERS: dict[str, Builder] = {
    "top": measures.top,
    "tests": measures.tests,
    "corroboration": measures.corroboration,
    "barc10": measures.barc10,
    "plan": decisions.plan,
    "ost": decisions.ost,
    "next": decisions.next_review,
    "need": decisions.need,
}
KIND_LABEL = {
    "start": "Start review",
    "strategic": "Strategic review",
    "interim": "Interim review",
    "exit": "Exit review",
    "post_exit_checkup": "Post-exit check-up",
}
FIELDS = (Input, Select)


class ReviewScreen(
    HeldKeys, Saving, Finalised, LiveFigures, SectionPicking, SectionMounting, ConsoleScreen[None]
):
    """`ReviewScreen(patient_id=…, kind=…)` starts or reopens a draft; `ReviewScreen(
    review_id=…, read_only=True)` shows any review (finalised ones are always read-only)."""

    CSS_PATH = "review.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+s", "save", "Save draft", id="review.save", priority=True),
        Binding("ctrl+f", "finalise", "Finalise", id="review.finalise", priority=True),
        # No alt+digit: many terminals and tmux send alt+2 as ESC 2, which Textual reads
        # as a character typed into the field (issue 13).
        *[
            Binding(
                f"f{n}",
                f"section({n})",
                "Sections" if n == 1 else name,
                show=n == 1,
                key_display="F1-7 ^g" if n == 1 else None,
                id=f"review.section-{n}",
                priority=True,
            )
            for n, (_, name) in enumerate(SECTIONS, start=1)
        ],
        # In the footer with F1-7 ("F1-7 ^g Sections"); help lists it on its own.
        Binding("ctrl+g", "pick_section", "Section list", show=False, id="review.pick-section"),
        Binding("a", "addendum", "Addendum", id="review.addendum"),
        Binding("o", "ost_decision", "OST decision", id="review.ost-decision"),
        Binding("e", "reentry", "Offer episode", id="review.reentry"),
        Binding("escape", "back", "Back", id="review.back"),
    ]

    Loaded = m.Loaded
    Saved = m.Saved
    Corrected = m.Corrected
    Failed = m.Failed

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
        self._painted = False  # the loaded form's first frame is out
        self._confirm_finalise = False
        self._timer: object | None = None
        self._marks: dict[str, str] = {}
        self._marked: TopRow | None = None  # the TOP row whose label marks the cursor
        self._hold = FrameHold(HOLD_SECONDS, self.refresh)
        self._reentry_open = False
        self._later: set[str] = set()  # sections whose rows past the first are to come
        self._local: dict[str, str] = {}
        self._typed = False
        self._go_after = ""
        self.hold_keys()  # until the first field has the cursor

    def compose(self) -> ComposeResult:
        self._load()  # the read runs while the screen is built (its SQL frees the GIL)
        yield Header(icon="≡")
        yield Static("Opening the review…", id="title")
        yield Static("", id="tabs")
        yield Static("", id="addenda")
        yield Container(id="form")
        yield Line("", id="hint")
        yield Line("", id="message")
        yield ReadyFooter()

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def _load(self) -> None:
        reviews = self.services.reviews
        if self.review_id is not None:
            draft = reviews.get(self.review_id)
        else:
            assert self.patient_id is not None
            draft = reviews.start(self.patient_id, self.kind)
        self.post_message(m.Loaded(draft))

    async def on_review_screen_loaded(self, message: m.Loaded) -> None:
        # No frame of a half-mounted form: the form's first frame comes when it is whole
        # (or after HOLD_SECONDS, whichever is first; hazard H124).
        self._hold.hold(self.app)
        try:
            await self._show_loaded(message.draft)
        finally:
            self._hold.release()
            self.call_after_refresh(self._first_frame_out)

    def _first_frame_out(self) -> None:
        self._painted = True

    def opening(self) -> bool:
        return not self._painted

    def on_unmount(self) -> None:
        self._hold.release()  # closed while its form was held back: the console paints

    async def _show_loaded(self, draft: ReviewDraft) -> None:
        self.draft = draft
        self._version = draft.version
        self.read_only = self.read_only or draft.finalised
        self.sections = ReviewSections(draft, self.read_only, self.services.clock.today(), BUILDERS)
        kept = self._kept_texts(draft)
        first = self.sections.keys[0]
        # The first section's first screenful goes in with the switcher: one mount.
        containers = self.sections.containers(self._first_rows(first))
        switcher = ContentSwitcher(*containers, initial=first, id="switcher")
        await self.query_one("#form").mount(switcher)
        self._after_mount(first, containers[0])
        self._title()
        self._show_tabs()
        self._show_addenda()
        self._loading = False
        self.refresh_bindings()
        self._focus_first(first)
        self.replay_held()
        if kept:
            self._mark(kept)
            self._say(f"✗ {len(kept)} kept as typed, not yet values: marked ✗.", error=True)
        if draft.kind != CHECKUP and not draft.can_decide_ost and not self.read_only:
            self._say("Hint: the OST decision is for clinicians; it will be marked pending.")

    # -- display ------------------------------------------------------------------------
    def _title(self, saved: str = "") -> None:
        d = self.draft
        assert d is not None
        state = (
            f"finalised {fmt.date_text(d.values.review_date)}"
            if d.finalised
            else (f"draft saved {saved}" if saved else "draft")
        )
        kind = KIND_LABEL.get(d.kind, d.kind)
        if d.kind == CHECKUP and d.checkup_number:
            kind += f" {d.checkup_number} of {d.checkups_planned}"
        title = f"{kind} · {d.patient_name} · {fmt.date_text(d.values.review_date)} · {state}"
        self.query_one("#title", Static).update(title)

    def _show_tabs(self) -> None:
        assert self.sections is not None
        parts = []
        for n, (key, name) in enumerate(self.sections.layout, start=1):
            parts.append(f"[reverse]▸{n} {name}[/]" if key == self.section else f" {n} {name}")
        self.query_one("#tabs", Static).update(" ".join(parts))

    def _say(self, text: str, error: bool = False) -> None:
        line = self.query_one("#message", Line)
        line.update(text)
        line.set_class(error, "-error")

    def _texts(self) -> dict[str, str]:
        assert self.sections is not None
        return dict(self.sections.texts)

    def _collect(self) -> tuple[ReviewInput, dict[str, str]]:
        assert self.sections is not None and self.draft is not None
        return collect(self._texts(), self.sections.specs, self.draft)

    def _autosave_seconds(self) -> float:
        return AUTOSAVE_SECONDS

    # -- field events -------------------------------------------------------------------
    def _spec(self, widget: Widget) -> f.FieldSpec | None:
        if self.sections is None or not isinstance(widget, FIELDS) or widget.id is None:
            return None
        return self.sections.specs.get(widget.id)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        spec = self._spec(event.widget)
        if spec is None:
            self._section_focused(event.widget)
            return
        field_id = event.widget.id or ""
        self._mark_row(event.widget)
        if is_barc_item(field_id):
            self.query_one("#hint", Line).update(self.barc_hint(field_id))
        else:
            self.query_one("#hint", Line).update(self._field_hint(event.widget, spec))

    def _section_focused(self, widget: Widget) -> None:
        """The cursor on a section, not a field (one with nothing to answer, or tab past
        its last field): the hint says so rather than keep the last field's."""
        if self.sections is None or widget.id not in self.sections.keys:
            return
        self._unmark_row()
        name = dict(self.sections.layout)[widget.id]
        if self.read_only:
            hint = f"{name}: read only · F1-7 or ctrl+g another section"
        elif any(not w.disabled for w in widget.query("Input, Select")):
            hint = f"{name}: tab goes to its first field · F1-7 or ctrl+g another section"
        else:
            hint = f"{name}: nothing to answer here · F1-7 or ctrl+g another section"
        self.query_one("#hint", Line).update(hint)

    def _mark_row(self, widget: Widget) -> None:
        """The focused field's row label is marked in type, not colour (16 colours and
        NO_COLOR): a class change restyles the label only, no new layout."""
        self._unmark_row()
        row = widget.parent
        if isinstance(row, TopRow) and row.label is not None:
            row.here = True  # a TOP row paints its own label
            self._marked = row
        elif row is not None and row.children:
            row.children[0].add_class("-here")

    def _unmark_row(self) -> None:
        for label in self.query(".-here"):
            label.remove_class("-here")
        if self._marked is not None:
            self._marked.here = False
            self._marked = None

    def on_descendant_blur(self, event: DescendantBlur) -> None:
        widget = event.widget
        spec = self._spec(widget)
        if spec is None or not isinstance(widget, Input):
            return
        beside = self.query(f"#err-{widget.id}").results(Line)
        try:
            spec.parse(widget.value)
        except ValueError as error:
            widget.add_class("-bad")
            self._say(labelled(("",), spec.label, str(error)), error=True)
            for line in beside:
                line.update(f"✗ {error}")
            return
        if widget.has_class("-bad"):
            widget.remove_class("-bad")
            self._say("")
            for line in beside:
                line.update("")

    @on(Input.Changed)
    def _input_changed(self, event: Input.Changed) -> None:
        field = event.input
        self._changed(field.id, event.value)
        if isinstance(field, MaskedInput) and field.has_focus:
            spec = self._spec(field)
            if spec is not None:  # marked as typed, the range beside it on the hint line
                self.query_one("#hint", Line).update(self._field_hint(field, spec))

    @staticmethod
    def _field_hint(field: Widget, spec: f.FieldSpec) -> str:
        """A field's hint; a masked one typed wrong says why first, on focus as on typing."""
        problem = field.problem if isinstance(field, MaskedInput) else ""
        return f"✗ {problem} · {spec.hint}" if problem else spec.hint

    @on(Select.Changed)
    def _select_changed(self, event: Select.Changed) -> None:
        self._changed(event.select.id, select_text(event.value))

    def _changed(self, field_id: str | None, text: str) -> None:
        sections = self.sections
        if sections is None or field_id not in sections.texts:
            return
        if sections.texts[field_id] == text:
            return  # a field being mounted with its value: nothing changed
        sections.texts[field_id] = text
        if self._loading or self.read_only:
            return
        self._typed = True
        if field_id.startswith("barc-"):
            self._barc_total()
        elif field_id.startswith("drug-"):
            self._drug_flags()
        elif field_id.startswith("top-"):
            self._week_total(field_id)
        elif field_id == "ost-decision":
            self._show_new_prescription()
        self._schedule_autosave()

    def _show_new_prescription(self) -> None:
        assert self.sections is not None and self.draft is not None
        try:
            decision = f.DECISION.parse(self.sections.texts.get("ost-decision", ""))
        except ValueError:
            decision = ""
        for box in self.query("#ost-new"):
            box.display = needs_new_prescription(str(decision), self.draft.medicine)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        d = self.draft
        typing = isinstance(self.focused, FIELDS)
        if action in ("save", "finalise"):
            return not self.read_only and d is not None
        if action in ("section", "pick_section") and self.sections is None:
            return False  # loading: the key is held and replayed once the form is there
        if action == "section":
            return int(str(parameters[0])) <= len(self.sections.keys)
        if action == "ost_decision":
            return (
                d is not None
                and d.finalised
                and d.values.ost_decision == "pending"
                and d.can_decide_ost
                and not typing
            )
        if action == "addendum":
            return d is not None and d.finalised and not typing
        if action == "reentry":
            return self._reentry_open and not typing
        return True

    def holds_input(self) -> bool:
        return self._dirty and not self.read_only

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
