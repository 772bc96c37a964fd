"""Key → painted frame, the same clock for the console and for its bare baselines.

The clock starts when the key is posted to the App, as the terminal driver posts it. It
stops when the first frame written after the result is in place has been encoded:

- "written" is `App._display` called with a frame for the screen on top, outside a
  `batch_update` (Textual skips writing inside one); the headless driver writes nothing,
  so the frame is also encoded as terminal output (`render_segments`), as a real terminal
  driver would;
- "the result is in place" is a predicate the caller gives: for the console, a class-level
  wrap of the screen's own data handler has returned (the summary's `Opened`, the
  worklist's `Loaded`, the review form's `Loaded`, the list's `show_page` for the text
  typed); for a bare screen, its own handler has returned. State only changes between
  frames (one event loop), so the frame written after the handler returned carries it.

Private Textual hooks, installed in benchmark processes only; nothing in the product.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import time
from collections.abc import Callable
from typing import Any, ClassVar

from textual import events
from textual.app import App

CHARACTERS = {"enter": "\r", "escape": "\x1b", "slash": "/", "space": " ", "tab": "\t"}


class Frames:
    """Installs the write hook once per process; `press` times one key to its frame."""

    installed: ClassVar[list[Frames]] = []

    def __new__(cls) -> Frames:
        if not cls.installed:
            cls.installed.append(super().__new__(cls))
            cls.installed[0]._install()
        return cls.installed[0]

    def _install(self) -> None:
        self.ready: Callable[[], bool] | None = None
        self.event = asyncio.Event()
        self.done_at = 0.0
        self.written = 0
        original = App._display
        frames = self

        def display(app: App[Any], screen: Any, renderable: Any) -> None:
            original(app, screen, renderable)
            if renderable is None or app._batch_count or screen is not app.screen:
                return
            if hasattr(renderable, "render_segments"):
                renderable.render_segments(app.console)
            frames.written += 1
            ready = frames.ready
            if ready is not None and ready():
                frames.done_at = time.perf_counter()
                frames.ready = None
                frames.event.set()

        App._display = display  # type: ignore[method-assign]

    async def press(
        self, app: App[Any], key: str, ready: Callable[[], bool], timeout: float = 30.0
    ) -> float:
        """Milliseconds from posting `key` to the end of the frame in which `ready()` holds."""
        self.event = asyncio.Event()
        self.ready = ready
        character = CHARACTERS.get(key, key if len(key) == 1 else None)
        started = time.perf_counter()
        app.post_message(events.Key(key, character))
        try:
            await asyncio.wait_for(self.event.wait(), timeout)
        except TimeoutError:
            self.ready = None
            raise RuntimeError(f"no frame with the result of {key!r}") from None
        return (self.done_at - started) * 1000


class Done:
    """Counts returns of a screen's data handler, wrapped at class level (sync or async).

    The class is named, not imported: the wrap goes on when a screen of that class is
    first pushed, so a figure for a first open still pays for importing the screen."""

    pending: ClassVar[dict[str, list[Done]]] = {}

    def __init__(self, class_name: str, handler: str) -> None:
        self.count = 0
        self.class_name = class_name
        self.handler = handler
        Done.pending.setdefault(class_name, []).append(self)
        _watch_pushes()

    def wrap(self, cls: type) -> None:
        original = getattr(cls, self.handler)
        done = self

        if inspect.iscoroutinefunction(original):

            @functools.wraps(original)
            async def wrapped_async(obj: Any, *args: Any, **kwargs: Any) -> Any:
                result = await original(obj, *args, **kwargs)
                done.count += 1
                return result

            setattr(cls, self.handler, wrapped_async)
        else:

            @functools.wraps(original)
            def wrapped(obj: Any, *args: Any, **kwargs: Any) -> Any:
                result = original(obj, *args, **kwargs)
                done.count += 1
                return result

            setattr(cls, self.handler, wrapped)

    def after(self, app: App[Any]) -> Callable[[], bool]:
        """A predicate: the handler has returned since now, and that screen is on top."""
        before = self.count
        name = self.class_name
        return lambda: self.count > before and type(app.screen).__name__ == name


_watching: list[bool] = []


def _watch_pushes() -> None:
    if _watching:
        return
    _watching.append(True)
    original = App.push_screen

    def push_screen(app: App[Any], screen: Any, *args: Any, **kwargs: Any) -> Any:
        for done in Done.pending.pop(type(screen).__name__, []):
            done.wrap(type(screen))
        return original(app, screen, *args, **kwargs)

    App.push_screen = push_screen  # type: ignore[assignment, method-assign]


def widgets(app: App[Any]) -> int:
    """Every node below the screen on top (what Textual styles, lays out and paints)."""
    return sum(1 for _ in app.screen.walk_children(with_self=False))


async def settle(app: App[Any], pilot: Any) -> None:
    """Let workers finish and the screen go idle between samples."""
    await app.workers.wait_for_complete()
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()
