"""Letters for one patient (SPEC §3.6): choose a template, preview its text, produce, print.

The preview is the letter's own text, made by the service (consent and deceased checks
included, so a refusal says why before anyone presses a key). Rendering and printing run
in a thread worker; the result says where the PDF is or which printer took it.
The templates' wording is edited in administration; here a template is only chosen.
"""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState, get_current_worker

from console import format as fmt
from console.services.dto import PatientRow
from console.services.letters import Preview, Produced, TemplateInfo
from console.services.opening import Opening
from console.services.roles import Action, allowed
from screens.host import ConsoleScreen
from screens.letters.resource_picker import ResourcePicker
from screens.widgets.batch_confirm import ConfirmPrint, produced_text

PREVIEW_WIDTH = 46  # the preview pane's text width at 80 columns
MUTUAL_AID = "mutual_aid_introduction"


class LettersScreen(ConsoleScreen[None]):
    CSS_PATH = "letters.tcss"
    AUTO_FOCUS = "#templates"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.back", "Back", id="letters.back"),
        Binding("p", "produce", "Produce PDF", id="letters.produce"),
        Binding("r", "resource", "Which resource", id="letters.resource"),
    ]

    class Templates(Message):
        def __init__(self, templates: list[TemplateInfo]) -> None:
            super().__init__()
            self.templates = templates

    class Previewed(Message):
        def __init__(self, preview: Preview) -> None:
            super().__init__()
            self.preview = preview

    class Done(Message):
        def __init__(self, produced: Produced) -> None:
            super().__init__()
            self.produced = produced

    def __init__(self, row: PatientRow) -> None:
        super().__init__()
        self.row = row
        self.preview: Preview | None = None
        self.busy = False
        self.resource_id: int | None = None  # a mutual aid introduction's (None: latest)
        self.resources: list[tuple[int, str]] = []
        self.opening: Opening | None = None  # one audited opening; previews pass it back

    def compose(self) -> ComposeResult:
        row = self.row
        yield Header(icon="≡")
        yield Static(
            f"Letter for {fmt.name_text(row.family_name, row.given_name)} · "
            f"{fmt.nhs(row.nhs_number)}",
            id="title",
        )
        with Horizontal(id="panes"):
            yield OptionList(id="templates")
            with VerticalScroll(id="preview"):
                yield Static("Loading templates…", id="preview-text")
        yield Static("", id="status")
        yield Footer()

    def on_mount(self) -> None:
        self._load_templates()

    class Resources(Message):
        def __init__(self, resources: list[tuple[int, str]]) -> None:
            super().__init__()
            self.resources = resources

    class Printed(Message):
        def __init__(self, produced: Produced) -> None:
            super().__init__()
            self.produced = produced

    # -- workers ------------------------------------------------------------------------
    @work(thread=True, exclusive=True, group="templates", exit_on_error=False)
    def _load_templates(self) -> None:
        if self.opening is None:
            self.opening = self.services.letters.open(self.row.id)
        self.post_message(self.Templates(self.services.letters.templates()))
        if allowed(self.services.staff.roles, Action.PRODUCE_LETTER):  # after the opening
            resources = self.services.letters.linked_resources(self.opening)
            self.post_message(self.Resources(resources))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _preview(self, key: str) -> None:
        assert self.opening is not None  # set before the templates that lead here
        preview = self.services.letters.preview(
            self.opening, key, width=PREVIEW_WIDTH, resource_id=self._resource_for(key)
        )
        if not get_current_worker().is_cancelled:
            self.post_message(self.Previewed(preview))

    def _resource_for(self, key: str) -> int | None:
        return self.resource_id if key == MUTUAL_AID else None

    @work(thread=True, exclusive=True, group="produce", exit_on_error=False)
    def _produce(self, key: str) -> None:
        # Made first, printed only once the user has seen what it holds and said yes.
        produced = self.services.letters.produce(
            self.row.id, key, send=False, resource_id=self._resource_for(key)
        )
        self.post_message(self.Done(produced))

    @work(thread=True, exclusive=True, group="produce", exit_on_error=False)
    def _send(self, produced: Produced) -> None:
        self.post_message(self.Printed(self.services.letters.send(produced)))

    def on_letters_screen_resources(self, message: Resources) -> None:
        self.resources = message.resources
        self.refresh_bindings()

    # -- results ------------------------------------------------------------------------
    def on_letters_screen_templates(self, message: Templates) -> None:
        options = self.query_one("#templates", OptionList)
        options.clear_options()
        options.add_options(Option(t.title, id=t.key) for t in message.templates)
        if message.templates:
            options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#templates")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.refresh_bindings()
        if event.option.id:
            self.query_one("#preview-text", Static).update("Preparing the preview…")
            self._preview(event.option.id)

    def on_letters_screen_previewed(self, message: Previewed) -> None:
        options = self.query_one("#templates", OptionList)
        current = options.highlighted_option
        if current is None or current.id != message.preview.template_key:
            return  # the user has moved on (STYLE P6)
        self.preview = message.preview
        text = self.query_one("#preview-text", Static)
        status = self.query_one("#status", Static)
        if message.preview.refusal:
            text.update(message.preview.refusal)
            text.add_class("-refused")
            status.update("This letter cannot be produced: see why above.")
        else:
            text.update(message.preview.text)
            text.remove_class("-refused")
            status.update("p produces the PDF; it asks before printing.")
        self.refresh_bindings()

    def on_letters_screen_done(self, message: Done) -> None:
        produced = message.produced
        if not produced.printer:
            saved = f"Saved {produced.path} (no printer is configured)."
            self._finished(replace(produced, print_message=saved))
            return
        text = f"{produced_text(produced)}\nPrint it on {produced.printer}?"

        def answered(choice: str | None) -> None:
            if choice == "go":
                self.query_one("#status", Static).update("Sending to the printer…")
                self._send(produced)
            else:
                self._finished(replace(produced, print_message=f"Not printed; {produced.path}."))

        self.app.push_screen(ConfirmPrint(text, "print"), answered)

    def on_letters_screen_printed(self, message: Printed) -> None:
        self._finished(message.produced)

    def _finished(self, produced: Produced) -> None:
        self.busy = False
        self.query_one("#status", Static).update(produced.print_message)
        self.notify(produced.print_message, title="Letter produced", timeout=8)
        self.refresh_bindings()

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.error is not None:
            self.busy = False
            self.host.report_error(event.worker.error)
            self.refresh_bindings()

    # -- actions ------------------------------------------------------------------------
    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        roles = self.services.staff.roles
        if action == "produce":
            ready = self.preview is not None and not self.preview.refusal and not self.busy
            return ready if allowed(roles, Action.PRODUCE_LETTER) else False
        if action == "resource":
            current = self.query_one("#templates", OptionList).highlighted_option
            on_it = current is not None and current.id == MUTUAL_AID
            return (len(self.resources) > 1) if on_it else False
        return True

    def action_resource(self) -> None:
        if len(self.resources) < 2:
            return

        def chosen(resource_id: int | None) -> None:
            if resource_id is None:
                return
            self.resource_id = resource_id
            self.query_one("#preview-text", Static).update("Preparing the preview…")
            self._preview(MUTUAL_AID)

        self.app.push_screen(ResourcePicker(self.resources, self.resource_id), chosen)

    def action_produce(self) -> None:
        preview = self.preview
        if preview is None or self.busy:
            return
        if preview.refusal:
            self.notify(preview.refusal, severity="warning", timeout=8)
            return
        self.busy = True
        self.query_one("#status", Static).update("Making the PDF…")
        self.refresh_bindings()
        self._produce(preview.template_key)
