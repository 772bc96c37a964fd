"""Leaving never throws input away (SPEC §2 "a dropped SSH connection loses nothing"):
quitting saves each open draft through its service first, and a hang-up (SIGHUP, the
SSH link or terminal gone) saves them without painting, then exits.

A screen that holds unsaved input offers `keep_input()`: save now, in the caller's
thread, painting nothing; raise the service's error when the save is refused.
"""

from __future__ import annotations

import asyncio
import signal
import threading
from types import FrameType
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from console.services.errors import ServiceError

if TYPE_CHECKING:
    from textual.app import App


@runtime_checkable
class KeepsInput(Protocol):
    def keep_input(self) -> None: ...


def keep_input(app: App[object], *, hang_up: bool = False) -> bool:
    """Save every open screen's input, the top one first; False (and said, unless the
    terminal is gone) when a save was refused."""
    kept = True
    for screen in reversed(app.screen_stack):
        if not isinstance(screen, KeepsInput):
            continue
        try:
            screen.keep_input()
        except ServiceError as error:
            kept = False
            if not hang_up:
                app.notify(f"The draft was not saved: {error}", severity="error", timeout=10)
        except Exception as error:  # the terminal may be gone: never raise from here
            kept = False
            if not hang_up:
                app.report_error(error)  # type: ignore[attr-defined]
    return kept


def install_hang_up(app: App[object]) -> None:
    """SIGHUP saves the drafts and exits (Textual installs no handler, so a dropped SSH
    link would just end the process). Only from the main thread, where signals land."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "SIGHUP"):
        return
    loop = asyncio.get_running_loop()  # on_mount runs on the App's loop

    def on_hang_up(signum: int, frame: FrameType | None) -> None:
        if not app.is_running:
            return
        app.hang_up()  # type: ignore[attr-defined]
        loop.call_soon_threadsafe(app.exit)

    signal.signal(signal.SIGHUP, on_hang_up)
