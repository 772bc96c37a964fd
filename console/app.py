"""The Textual application: services in, global keys, the palette and the first screen.

Feature keys live on the screens (STYLE P1, A6); the App keeps quit, help and palette.
Only the patient list is imported up front: every other screen, and the palette's patient
provider, load when first used, so start-up pays for the first screen alone
(docs/performance.md).
"""

from __future__ import annotations

import gc
from pathlib import PurePath
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events
from textual.actions import SkipAction
from textual.app import App
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.command import Provider, SearchIcon
from textual.message import Message
from textual.screen import Screen

from console.services.errors import ServiceError
from console.services.roles import Action, allowed
from screens.collector import IdleCollector
from screens.lock import IdleLock, IdleWatch
from screens.navigation import css_paths
from screens.patients.list import PatientListScreen
from screens.render_cache import release_removed_widgets
from screens.style_cache import share_matched_styles
from screens.terminal_keys import enter_moves_on, ignore_alt_digits, tab_is_its_own

ignore_alt_digits()  # ESC 2 from tmux would otherwise type "™" into a field
release_removed_widgets()  # Textual's colour cache held every removed widget's lines
share_matched_styles()  # widgets alike are matched once per batch, their parts too

if TYPE_CHECKING:
    from console.services import Services
    from console.services.dto import PatientPage, PatientRow, Practice


def _patient_provider() -> type[Provider]:
    from screens.commands import PatientProvider

    return PatientProvider


def _area_provider() -> type[Provider]:
    from screens.commands import AreaProvider

    return AreaProvider


# Rich's colour systems with 16 colours or fewer: use the terminal's own ANSI palette.
FEW_COLOURS = ("standard", "windows")


class RecoveryConsole(App[None]):
    # The patient list's CSS is read with the App's, in the one parse before the first
    # frame: as a mode's screen it was parsed again, twice (issue 19, start-up).
    CSS_PATH: ClassVar[list[str | PurePath]] = ["app.tcss", *css_paths(PatientListScreen)]
    TITLE = "Recovery Console"
    COMMANDS = App.COMMANDS | {_patient_provider, _area_provider}

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+q", "quit", "Quit", id="app.quit", priority=True),
        # Not priority: an Input keeps q (A7), so typing "Quinn" never quits.
        Binding("q", "quit", "Quit", id="app.quit-q"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        # "Go to" an area from any screen (an Input keeps g; a screen's own g wins).
        Binding("g", "go_to", "Go to", show=False, id="app.go-to"),
        Binding(
            "ctrl+p", "command_palette", "Commands", show=False, id="app.commands", priority=True
        ),
        # Priority so the cursor moves before the next key is read (H119).
        Binding("tab", "focus_step(1)", show=False, priority=True, id="app.tab"),
        Binding("shift+tab", "focus_step(-1)", show=False, priority=True, id="app.back-tab"),
        Binding("enter", "enter_step", show=False, priority=True, id="app.enter-next"),
    ]

    def __init__(
        self,
        services: Services,
        *,
        bootstrapped: bool = False,
        lock_minutes: int | None = None,
        idle: IdleWatch | None = None,
    ) -> None:
        """`lock_minutes`: the user's own shorter idle lock; `idle`: tests' own watch."""
        # The imported modules live as long as the console: frozen, the full collection
        # the first screen's widgets set off does not walk them all (30-60 ms at start).
        gc.freeze()
        super().__init__()
        self.services = services
        self.bootstrapped = bootstrapped
        self.practice: Practice | None = None
        # The idle lock (screens/lock.py): the practice's minutes, read at each check.
        watch = idle or IdleWatch(personal_minutes=lock_minutes)
        self.idle_lock = IdleLock(self, watch, self._idle_minutes)
        self.collector = IdleCollector(
            self, self.idle_lock.last_input, watch.now, opening=self._screen_opening
        )
        if self.console.color_system in FEW_COLOURS:
            # A 16-colour terminal gets its own ANSI palette rather than truecolour squeezed
            # into 16. (NO_COLOR needs nothing here: Textual filters colour out itself.)
            self.theme = "ansi-dark"
        # Set before any widget exists: a class added to the App later restyles every node.
        self.practice = self.services.practice.get()
        self.set_class(self.practice.is_demo, "-demo", update=False)
        self._first_page = self._fetch_first_page()

    def _fetch_first_page(self) -> PatientPage | None:
        """The list's first page, read before the UI starts (one indexed query, ~1 ms).

        In a worker it would share the interpreter with Textual's start-up and arrive a
        few frames later (docs/performance.md); here it is in the very first frame.
        """
        try:
            return self.services.patients.search("")
        except ServiceError:
            return None  # a role without the list: the screen asks, and says why

    def first_page(self) -> PatientPage | None:
        """Handed out once: the list's later loads are the screen's own."""
        page, self._first_page = self._first_page, None
        return page

    def get_default_screen(self) -> Screen[Any]:
        """The patient list, the bottom of the stack (its CSS is the App's own)."""
        return PatientListScreen()

    def on_mount(self) -> None:
        from screens.leaving import install_hang_up

        install_hang_up(self)
        self.idle_lock.start()
        self.refresh_header()
        # Start-up reads with Core; the ORM's mappers are set up once the first frame is out.
        self.call_after_refresh(self.run_worker, self._warm_up, thread=True)
        first_run = not self.services.practice.is_set_up()
        if first_run and allowed(self.services.staff.roles, Action.ADMINISTER):
            from screens.first_run import FirstRunScreen

            # The first-run screen says "made admin" itself: a toast would cover its field.
            self.push_screen(FirstRunScreen(bootstrapped=self.bootstrapped), self._first_run_done)
            return
        if self.bootstrapped:
            self.notify(
                f"You ({self.services.login}) are the first member of staff on this database "
                "and have been made admin.",
                title="Welcome",
                timeout=10,
            )
        if first_run:
            self.notify(
                "The practice is not set up yet: ask the practice manager to start the "
                "console once.",
                severity="warning",
                timeout=10,
            )

    class ScreensImported(Message):
        """Screens imported ahead by the warm-up; their CSS is read on the UI thread."""

        def __init__(self, screens: list[type[Screen[Any]]]) -> None:
            super().__init__()
            self.screens = screens

    def _warm_up(self) -> None:
        from screens.navigation import import_screens

        self.services.warm_up()
        self.services.reviews.warm_up()  # its SQL compiled, nothing read
        # The review form's first open pays for neither its import nor its CSS.
        self.post_message(self.ScreensImported(import_screens(self.services.staff.roles)))
        # What start-up made lives as long as the console: out of the collector's sight,
        # a full collection no longer walks it (pauses of ~100 ms every few screens).
        gc.freeze()

    def on_recovery_console_screens_imported(self, message: ScreensImported) -> None:
        from screens.navigation import read_css

        read_css(self, message.screens)

    def _first_run_done(self, done: bool | None) -> None:
        self.refresh_header()
        screen = self.screen
        if done and isinstance(screen, PatientListScreen):
            screen.reload()

    def refresh_header(self) -> None:
        """Practice name, DEMO, and who is signed in (roles change when demo data loads)."""
        self.practice = practice = self.services.practice.get()
        staff = self.services.staff
        name = practice.name if practice.name else "Recovery Console"
        demo = practice.is_demo and "DEMO" not in name.upper()
        self.title = f"DEMO · {name}" if demo else name
        self.sub_title = f"{staff.name} · {staff.roles_text}"
        self.set_class(practice.is_demo, "-demo")

    def _idle_minutes(self) -> int:
        return self.practice.idle_minutes if self.practice is not None else 10

    def on_unmount(self) -> None:
        self.collector.release()

    def _screen_opening(self) -> bool:
        if not self.screen_stack:
            return False
        opening = getattr(self.screen, "opening", None)
        return bool(opening()) if callable(opening) else False

    def push_screen(self, *args: Any, **kwargs: Any) -> Any:
        self.collector.screen_opening()  # no full collection while its widgets are built
        return super().push_screen(*args, **kwargs)

    def pop_screen(self) -> AwaitComplete:
        done = super().pop_screen()
        self.collector.screen_closed()  # its widgets are garbage: freed while staff read
        return done

    async def on_event(self, event: events.Event) -> None:
        if self.idle_lock.swallow(event):  # the key that unlocks goes nowhere else
            return
        if isinstance(event, events.Key) and not event.is_forwarded:
            hold = getattr(self.screen, "hold_key", None)  # the review form, loading
            if callable(hold) and hold(event):
                return
        await super().on_event(event)

    # -- shared by the screens ------------------------------------------------------
    def open_patient(self, row: PatientRow) -> None:
        from screens.navigation import Navigator

        Navigator(self).open_summary(row)

    def report_error(self, error: BaseException) -> None:
        """One place where a failed worker reaches the user (STYLE P5)."""
        if isinstance(error, ServiceError):
            self.notify(str(error), severity="error", timeout=10)
        else:
            # Database errors can quote a row: name the kind only, never the text.
            self.notify(
                f"Unexpected {type(error).__name__}; nothing was half-written. "
                "Please report the time it happened.",
                severity="error",
                timeout=10,
            )

    def on_command_palette_opened(self) -> None:
        # Textual's palette shows an emoji; our screens keep to common font characters.
        for icon in self.screen.query(SearchIcon):
            icon.icon = "▸"

    # -- leaving: what is typed is saved first (screens/leaving.py) ---------------------
    async def action_quit(self) -> None:
        """ctrl+q and q save each open draft first; a refused save keeps the console open
        and says why (ctrl+q again then quits without it)."""
        from screens.leaving import keep_input

        if keep_input(self) or getattr(self, "_quit_unsaved", False):
            self.exit()
            return
        self._quit_unsaved = True
        self.notify("Press ctrl+q again to quit without saving it.", severity="warning")

    def hang_up(self) -> None:
        """The terminal has gone (SIGHUP): save the drafts through the service, painting
        nothing; the signal handler then exits."""
        from screens.leaving import keep_input

        keep_input(self, hang_up=True)

    # -- global keys ----------------------------------------------------------------
    def action_go_to(self) -> None:
        from screens.navigation import Navigator

        Navigator(self).go_to()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "focus_step" and parameters:
            # Hidden where a widget's own tab applies, so its footer label still shows.
            key = "shift+tab" if parameters == (-1,) else "tab"
            return not tab_is_its_own(self.focused, key)
        if action == "enter_step":
            return enter_moves_on(self.focused)
        return True

    def action_focus_step(self, step: int) -> None:
        if tab_is_its_own(self.focused, "tab" if step > 0 else "shift+tab"):
            raise SkipAction()  # the key goes on to the widget, as it did before
        if step > 0:
            self.screen.focus_next()
        else:
            self.screen.focus_previous()

    def action_enter_step(self) -> None:
        if not enter_moves_on(self.focused):
            raise SkipAction()
        self.screen.focus_next()

    def action_help(self) -> None:
        from screens.help import HelpScreen, keys_of

        screen = self.screen
        if isinstance(screen, HelpScreen):
            return
        keys = keys_of(screen, self)
        title = type(screen).__name__.removesuffix("Screen")
        self.push_screen(HelpScreen(_words(title), keys))


def _words(camel: str) -> str:
    """PatientList → Patient list."""
    out = "".join(f" {c.lower()}" if c.isupper() else c for c in camel).strip()
    return out[:1].upper() + out[1:]
