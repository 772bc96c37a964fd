"""Which review to record: only the kinds that apply to the patient now (SPEC §2).
In treatment with an open episode: strategic (the default), start, interim, exit; on
post-exit check-ups: a check-up; otherwise nothing can be recorded yet."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from console.rules.vocab import PatientStatus, ReviewKind
from screens.widgets.ready_footer import ReadyFooter

KIND_CHOICES = {
    ReviewKind.STRATEGIC.value: "Strategic review (six-monthly)",
    ReviewKind.START.value: "Start review (beginning of the episode)",
    ReviewKind.INTERIM.value: "Interim review",
    ReviewKind.EXIT.value: "Exit review",
    ReviewKind.POST_EXIT_CHECKUP.value: "Post-exit check-up",
}
NOTHING = "No review can be recorded: start an episode first."


def kinds_for(status: str, has_open_episode: bool) -> list[str]:
    if status == PatientStatus.IN_TREATMENT and has_open_episode:
        return [
            ReviewKind.STRATEGIC.value,
            ReviewKind.START.value,
            ReviewKind.INTERIM.value,
            ReviewKind.EXIT.value,
        ]
    if status == PatientStatus.POST_EXIT_CHECKUPS:
        return [ReviewKind.POST_EXIT_CHECKUP.value]
    return []


class ReviewKindModal(ModalScreen[str | None]):
    """Dismisses with the chosen kind (`ReviewKind` value), or None on escape."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel", id="review-kind.cancel"),
        *[
            Binding(
                str(n),
                f"pick({n})",
                "Choose",
                show=n == 1,
                key_display="1-4",
                id=f"review-kind.{n}",
            )
            for n in range(1, 5)
        ],
    ]
    DEFAULT_CSS = """
    ReviewKindModal { align: center middle; }
    ReviewKindModal > Vertical {
        width: 60; height: auto; border: round $primary; padding: 0 1;
    }
    ReviewKindModal OptionList { height: auto; max-height: 8; }
    ReviewKindModal #kind-title { text-style: bold; }
    """

    def __init__(self, status: str, has_open_episode: bool) -> None:
        super().__init__()
        self.kinds = kinds_for(status, has_open_episode)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Static("Record which review?", id="kind-title")
            if self.kinds:
                yield OptionList(
                    *[Option(self._prompt(n, False), id=k) for n, k in enumerate(self.kinds)],
                    id="kinds",
                )
                yield Static("↑↓ and enter, or a digit · escape cancels", classes="keys")
            else:
                yield Static(NOTHING, id="kind-none")
                yield Static("escape goes back", classes="keys")
        yield ReadyFooter()

    def on_mount(self) -> None:
        if self.kinds:
            options = self.query_one(OptionList)
            options.highlighted = 0
            options.focus()

    def _prompt(self, index: int, marked: bool) -> str:
        # The highlighted choice is marked in text too, not by colour alone.
        return f"{'▸' if marked else ' '} {index + 1} {KIND_CHOICES[self.kinds[index]]}"

    def on_option_list_option_highlighted(self, event: OptionList.OptionHighlighted) -> None:
        options = event.option_list
        for index in range(len(self.kinds)):
            options.replace_option_prompt_at_index(
                index, self._prompt(index, index == event.option_index)
            )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick":
            return int(str(parameters[0])) <= len(self.kinds)
        return True

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)

    def action_pick(self, n: int) -> None:
        if n <= len(self.kinds):
            self.dismiss(self.kinds[n - 1])

    def action_cancel(self) -> None:
        self.dismiss(None)
