"""The CLI in this process (console.cli.main), for tests that need the system-config
fixture or an injected probe, which a subprocess would not see."""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass


@dataclass(frozen=True)
class Ran:
    returncode: int
    stdout: str
    stderr: str


def cli(*args: str) -> Ran:
    from console.cli import main

    out, err = io.StringIO(), io.StringIO()
    umask = os.umask(0o077)  # main() sets the process umask; give the test its own back
    os.umask(umask)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
    finally:
        os.umask(umask)
    return Ran(code, out.getvalue(), err.getvalue())
