"""Keys typed while the review form is still loading are held, then replayed into the
field that gets the cursor: staff type as soon as they have pressed r and 1, and nothing
typed is lost (issue 13).

The App hands each key to the screen's `hold_key` before anything else sees it: held until
the draft has loaded and the first field has the cursor (the replay is scheduled behind
the App's own focus change), and while the held keys are replayed.
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
# Keys that move the cursor to another field: the keys typed behind one wait for it.
MOVES = frozenset({"tab", "shift+tab"})


class HeldKeys(_Base):
    """Mixed into ReviewScreen, which calls `replay_held()` once the first field is
    focused (after `focus()`, which takes effect on the App's next turn). The App hands
    every key from the terminal to `hold_key` before sending it on."""

    _held: list[tuple[str, str | None]] | None = None
    _replaying: events.Key | None = None  # the held key being sent on now

    def hold_keys(self) -> None:
        self._held = []

    def hold_key(self, event: events.Key) -> bool:
        """True when the key is held: while the form loads, and while the held keys are
        replayed, so that a key typed during the replay (a slow machine) comes after them
        rather than into the field before them. A tab is let through and the keys behind
        it held until it has moved the cursor: typed in one burst (fast typing, a paste,
        a slow link), the key after a tab reached the field it left."""
        if event.key in PASS_THROUGH or event is self._replaying:
            return False
        if self._held is None:
            if event.key in MOVES and self.is_attached and self.is_active:
                self._held = []
                self._replaying = event
                self.app.call_later(self._forwarded)  # behind the App's sending it on
            return False
        self._held.append((event.key, event.character))
        return True

    def replay_held(self) -> None:
        # Behind the focus change on the App's queue, then behind every key already
        # forwarded to this screen: those are held before the replay starts.
        self.app.call_later(self.call_later, self._next)

    def _next(self) -> None:
        """One key at a time, each handled to the end (a tab has moved the cursor) before
        the next is sent, as a typist's keys are: each message queue is first in, first
        out, so a callback queued behind the key on every widget it passes through runs
        once that widget has handled it."""
        held = self._held
        if held is None:
            return
        if not held or not self.is_attached:
            self._held = self._replaying = None  # from now on keys go to the fields
            return  # (an escape left the form: the rest was typed into it)
        key, character = held.pop(0)
        self._replaying = events.Key(key, character)
        self.app.post_message(self._replaying)
        self.app.call_later(self._forwarded)

    def _forwarded(self) -> None:
        target = self.app.focused or self.app.screen  # where the App has just sent it
        self._through([target, *target.ancestors])

    def _through(self, chain: list[DOMNode]) -> None:
        if not chain:
            self._next()
            return
        chain[0].call_later(self._through, chain[1:])
