"""Keys as terminals send them: bytes Textual would type into a field, and tab in a burst.

tmux and many terminals send alt+digit as ESC followed by the digit; Textual 8 reads
`ESC 2` as "™" and `ESC 3` as "£" (macOS option-key characters, textual/_ansi_sequences),
so a stray alt+2 typed "™" into a specimen or replaced a date with "£". The console binds
no alt+digit key, so these sequences are ignored: nothing is typed. A "£" typed as itself
still arrives as the character.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from textual import _ansi_sequences

if TYPE_CHECKING:
    from textual.widget import Widget

ALT_DIGITS = tuple(f"\x1b{n}" for n in "1234567890")


def ignore_alt_digits() -> None:
    for sequence in ALT_DIGITS:
        _ansi_sequences.ANSI_SEQUENCES_KEYS[sequence] = _ansi_sequences.IGNORE_SEQUENCE


# Tab moves the cursor as the App reads the key, not after the key has travelled to the
# field and back: over SSH a tab and the text after it can arrive in one read, and the
# text belongs in the next field (H119). Widgets with their own tab keep it.
FOCUS_ACTIONS = frozenset({"focus_next", "focus_previous", "app.focus_next", "app.focus_previous"})


def tab_is_its_own(focused: Widget | None, key: str) -> bool:
    """True when the focused widget, or a container or screen around it, does something
    of its own with `key` (a shown or non-focus binding, a TextArea that indents), or the
    screen holds keys while it loads (screens/review/early_keys.py)."""
    if focused is None:
        return True
    screen = focused.screen
    if getattr(screen, "_held", None) is not None:
        return True
    # No TextArea can be on screen before its module is loaded; start-up need not load it.
    text_area = sys.modules.get("textual.widgets._text_area")
    for node in focused.ancestors_with_self:
        if text_area and isinstance(node, text_area.TextArea) and node.tab_behavior == "indent":
            return True
        for binding in node._bindings.key_to_bindings.get(key, ()):
            if binding.action not in FOCUS_ACTIONS or binding.show:
                return True
        if node is screen:
            break
    return False


def enter_moves_on(focused: Widget | None) -> bool:
    """True when the focused field's screen says enter there moves to the next field
    (a screen method `enter_moves_on(widget)`): moved by the App as tab is, for the same
    reason."""
    if focused is None:
        return False
    test = getattr(focused.screen, "enter_moves_on", None)
    return callable(test) and bool(test(focused))
