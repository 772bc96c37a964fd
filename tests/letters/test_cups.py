"""A real CUPS queue (Debian's cups + printer-driver-cups-pdf), when this machine has one.

Set one up with: cupsd; lpadmin -p RCPDF -E -v cups-pdf:/ -m lsb/usr/cups-pdf/CUPS-PDF_opt.ppd
Skipped cleanly when no scheduler or no cups-pdf queue is there.
"""

from __future__ import annotations

import io
import os
import pwd
import re
import shutil
import subprocess
import time
from pathlib import Path

import pytest
from pypdf import PdfReader

from console.services.letters import LetterOutput
from tests.letters.conftest import Caseload


def cups_pdf_queue() -> str | None:
    if shutil.which("lpstat") is None:
        return None
    try:
        done = subprocess.run(["lpstat", "-v"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"device for (\S+): cups-pdf:/", done.stdout)
    return match.group(1) if match else None


def test_letter_prints_through_a_real_cups_pdf_queue(caseload: Caseload) -> None:
    queue = cups_pdf_queue()
    if queue is None:
        pytest.skip("no CUPS scheduler with a cups-pdf queue on this machine")
    out_dir = Path(pwd.getpwuid(os.getuid()).pw_dir) / "PDF"
    caseload.services.letters.output = LetterOutput(caseload.folder, printer=queue)
    produced = caseload.services.letters.recall_batch(
        [caseload.siobhan, caseload.kowalczyk], send=True
    )
    assert produced.printed, produced.print_message
    job = re.search(rf"{re.escape(queue)}-(\d+)", produced.print_message)
    assert job is not None, produced.print_message
    deadline = time.monotonic() + 30
    made: list[Path] = []
    while time.monotonic() < deadline and not made:
        made = list(out_dir.glob(f"*job_{job.group(1)}.pdf"))
        time.sleep(0.2)
    assert made, f"cups-pdf wrote nothing to {out_dir}"
    time.sleep(0.5)  # let cups-pdf finish writing
    reader = PdfReader(io.BytesIO(made[0].read_bytes()))
    assert len(reader.pages) == 2  # one job, one letter per page
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    assert "Súilleabháin" in text or "Kowalczyk" in text
    made[0].unlink()
