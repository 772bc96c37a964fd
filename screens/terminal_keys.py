"""Bytes some terminals send that Textual would type into a field.

tmux and many terminals send alt+digit as ESC followed by the digit; Textual 8 reads
`ESC 2` as "™" and `ESC 3` as "£" (macOS option-key characters, textual/_ansi_sequences),
so a stray alt+2 typed "™" into a specimen or replaced a date with "£". The console binds
no alt+digit key, so these sequences are ignored: nothing is typed. A "£" typed as itself
still arrives as the character.
"""

from __future__ import annotations

from textual import _ansi_sequences

ALT_DIGITS = tuple(f"\x1b{n}" for n in "1234567890")


def ignore_alt_digits() -> None:
    for sequence in ALT_DIGITS:
        _ansi_sequences.ANSI_SEQUENCES_KEYS[sequence] = _ansi_sequences.IGNORE_SEQUENCE
