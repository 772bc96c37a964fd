"""Keys typed while the review form is still loading are held, then replayed into the
field that gets the cursor: staff type as soon as they have pressed r and 1, and nothing
typed is lost (issue 13).

Until the draft has loaded no field exists, so every key reaches the screen itself. The
replay waits until the first field has the cursor: it is scheduled behind the App's own
focus change, so a key that reached the screen before the cursor moved is held first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import events
from textual.dom import DOMNode

if TYPE_CHECKING:
    from textual.screen import Screen as _Base
else:
    _Base = object

# Keys that act at once even while loading: leaving the form.
PASS_THROUGH = frozenset({"escape"})


class HeldKeys(_Base):
    """Mixed into ReviewScreen, which calls `replay_held()` once the first field is
    focused (after `focus()`, which takes effect on the App's next turn)."""

    _held: list[tuple[str, str | None]] | None = None

    def hold_keys(self) -> None:
        self._held = []

    def on_key(self, event: events.Key) -> None:
        if self._held is None or event.key in PASS_THROUGH:
            return
        self._held.append((event.key, event.character))
        event.stop()
        event.prevent_default()

    def replay_held(self) -> None:
        # Behind the focus change on the App's queue, then behind every key already
        # forwarded to this screen: those are held before the replay starts.
        self.app.call_later(self.call_later, self._replay)

    def _replay(self) -> None:
        held, self._held = self._held or [], None
        self._next(held)

    def _next(self, held: list[tuple[str, str | None]]) -> None:
        """One key at a time, each handled to the end (a tab has moved the cursor) before
        the next is sent, as a typist's keys are: each message queue is first in, first
        out, so a callback queued behind the key on every widget it passes through runs
        once that widget has handled it."""
        if not held or not self.is_attached:
            return  # a replayed escape left the form: the rest was typed into it
        key, character = held[0]
        self.app.post_message(events.Key(key, character))
        self.app.call_later(self._forwarded, held[1:])

    def _forwarded(self, rest: list[tuple[str, str | None]]) -> None:
        target = self.app.focused or self.app.screen  # where the App has just sent it
        self._through([target, *target.ancestors], rest)

    def _through(self, chain: list[DOMNode], rest: list[tuple[str, str | None]]) -> None:
        if not chain:
            self._next(rest)
            return
        chain[0].call_later(self._through, chain[1:], rest)
