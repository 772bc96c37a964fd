"""The console's own process on a pseudo-terminal: a value typed, then the terminal hangs
up (closing the master side sends SIGHUP) before the autosave's delay. The value is in
the draft when it is opened again (SPEC §2: a dropped SSH connection loses nothing)."""

from __future__ import annotations

import fcntl
import os
import pwd
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest

from console.services import Services
from db.engine import make_engine

ROOT = Path(__file__).resolve().parents[2]
CSI = re.compile(r"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b[()][A-Z0-9]|\x1b[=>]")
RUN = "import sys; from console.cli import main; raise SystemExit(main(sys.argv[1:]))"


def _env() -> dict[str, str]:
    env = dict(os.environ, TERM="xterm-256color", COLUMNS="80", LINES="24")
    env["PYTHONPATH"] = str(ROOT)
    env.pop("NO_COLOR", None)
    return env


def _controlling_tty() -> None:
    os.setsid()
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


class Screen:
    """What the console has painted so far, as text without escape sequences."""

    def __init__(self, master: int) -> None:
        self.master = master
        self.data = b""
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self.master, 65536)
            except OSError:
                return
            if not chunk:
                return
            self.data += chunk

    def text(self) -> str:
        return CSI.sub("", self.data.decode("utf-8", "replace"))

    def wait_for(self, words: str, timeout: float = 60) -> None:
        end = time.monotonic() + timeout
        while words not in self.text():
            if time.monotonic() > end:
                pytest.fail(f"the console never showed {words!r}")
            time.sleep(0.05)

    def keys(self, *keys: str) -> None:
        for key in keys:
            os.write(self.master, key.encode())
            time.sleep(0.05)


def test_a_hang_up_before_the_autosave_keeps_the_value(tmp_path: Path) -> None:
    db = tmp_path / "hangup.db"
    subprocess.run(
        [sys.executable, "-c", RUN, "--db", str(db), "demo", "--patients", "8"],
        check=True,
        env=_env(),
        capture_output=True,
        timeout=120,
    )
    engine = make_engine(f"sqlite:///{db}", create=False)
    services = Services(engine, login=pwd.getpwuid(os.getuid()).pw_name)
    services.identify()
    row = next(r for r in services.patients.search("").rows if r.status == "in_treatment")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    console = subprocess.Popen(
        [sys.executable, "-c", RUN, "--db", str(db)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=_env(),
        preexec_fn=_controlling_tty,  # the console's controlling terminal, as over SSH
        close_fds=True,
    )
    os.close(slave)
    screen = Screen(master)
    try:
        screen.wait_for("Review")  # the list's footer
        screen.keys("/", *row.family_name)
        screen.wait_for("1 shown")  # the one match, however busy the machine
        screen.keys("\x1b[B")  # down: back to the list, on the one match
        time.sleep(0.5)
        screen.keys("r")
        screen.wait_for("Strategic")  # the kind picker
        screen.keys("\r")
        screen.wait_for("draft")  # the form's title
        time.sleep(
            3.0
        )  # the first field takes focus once the form is built, even on a busy machine
        screen.keys("5")  # alcohol, week 1
        time.sleep(0.2)  # well inside the autosave's 1.5 s
    finally:
        os.close(master)  # the terminal hangs up: SIGHUP
    assert console.wait(timeout=30) is not None
    draft = services.reviews.start(row.id, "strategic")
    assert draft.values.top.get("alcohol_w1") == 5
    engine.dispose()
