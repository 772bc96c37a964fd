"""A real CUPS queue (Debian's cups + printer-driver-cups-pdf): a letter and a batch.

`.ci/run` starts `cupsd`, creates a cups-pdf queue and sets CUPS_PDF_QUEUE, so in CI
these tests must run: a missing queue fails there instead of skipping. By hand:
    cupsd; lpadmin -p RCPDF -E -v cups-pdf:/ -P /usr/share/ppd/cups-pdf/CUPS-PDF_opt.ppd

cups-pdf writes each job to its `Out` folder (Debian: `${HOME}/PDF` of the user who
submitted it, root's included) under a name made from the job's title, with or without
a `job_N` label depending on the queue's `Label` setting. So the test looks for the one
new PDF in that folder whose name starts with the title, once CUPS says the job is done.
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

from console.services.letters import LetterOutput, Produced
from tests.letters.conftest import Caseload

CONF = Path("/etc/cups/cups-pdf.conf")


def cups_pdf_queue() -> str | None:
    if shutil.which("lpstat") is None:
        return None
    try:
        done = subprocess.run(["lpstat", "-v"], capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.TimeoutExpired):
        return None
    match = re.search(r"device for (\S+): cups-pdf:/", done.stdout)
    return match.group(1) if match else None


def out_folder() -> Path:
    """cups-pdf's `Out` setting for this user (default `${HOME}/PDF`)."""
    user = pwd.getpwuid(os.getuid())
    out = "${HOME}/PDF"
    if CONF.is_file():
        for line in CONF.read_text(errors="replace").splitlines():
            if line.strip().startswith("Out "):
                out = line.split(None, 1)[1].strip()
    return Path(out.replace("${HOME}", user.pw_dir).replace("${USER}", user.pw_name))


@pytest.fixture
def queue() -> str:
    found = cups_pdf_queue()
    if found is None:
        if os.environ.get("CUPS_PDF_QUEUE"):
            pytest.fail("CUPS_PDF_QUEUE is set (as .ci/run sets it) but no cups-pdf queue")
        pytest.skip("no CUPS scheduler with a cups-pdf queue on this machine")
    return found


def job_output(queue: str, produced: Produced, before: set[Path]) -> Path:
    """The one PDF cups-pdf wrote for this job, once CUPS says it is complete."""
    assert produced.printed, produced.print_message
    job = re.search(rf"{re.escape(queue)}-(\d+)", produced.print_message)
    assert job is not None, produced.print_message
    folder = out_folder()
    deadline = time.monotonic() + 60
    made: list[Path] = []
    while time.monotonic() < deadline:
        done = subprocess.run(
            ["lpstat", "-W", "completed", "-o", queue], capture_output=True, text=True
        )
        if f"{queue}-{job.group(1)} " in done.stdout:
            made = sorted(set(folder.glob("*.pdf")) - before) if folder.is_dir() else []
            if made:
                break
        time.sleep(0.2)
    assert len(made) == 1, f"cups-pdf wrote {made} to {folder} for job {job.group(1)}"
    return made[0]


def test_a_letter_and_a_batch_print_through_a_real_cups_pdf_queue(
    caseload: Caseload, queue: str
) -> None:
    letters = caseload.services.letters
    letters.output = LetterOutput(caseload.folder, printer=queue)
    folder = out_folder()
    before = set(folder.glob("*.pdf")) if folder.is_dir() else set()
    one = letters.produce(caseload.siobhan, "review_invitation")
    made_one = job_output(queue, one, before)
    batch = letters.recall_batch(
        [caseload.siobhan, caseload.kowalczyk], send=True, again={caseload.siobhan}
    )
    made_batch = job_output(queue, batch, before | {made_one})
    try:
        # Named after their distinct titles, so neither overwrote the other.
        assert made_one.name.startswith("Review_invitation")
        assert made_batch.name.startswith("Recall_letters")
        single = PdfReader(io.BytesIO(made_one.read_bytes()))
        assert len(single.pages) == 1
        both = PdfReader(io.BytesIO(made_batch.read_bytes()))
        assert len(both.pages) == 2  # one job, one letter per page
        text = " ".join(page.extract_text() or "" for page in both.pages)
        assert "Kowalczyk" in text and "Page 1 of 1" in text
    finally:
        made_one.unlink(missing_ok=True)
        made_batch.unlink(missing_ok=True)
