"""Bulk commands end to end from the command line, each beside a raw baseline.

Every sample is a child process (`python -m console --db COPY ...`, signed in as the OS
account added to the working copy), timed from spawn to exit; its peak RSS is the
child's VmHWM, read from /proc every 20 ms until it exits. The raw baselines are child processes
too, so both pay for an interpreter and their imports:

- `letters recall --due-within N --out FILE` beside ReportLab's raw canvas drawing the
  same number of letters into one PDF;
- `export patients FILE` beside a raw sqlite3 select of the patient table written with
  `csv.writer`;
- `import patients FILE` of RC_BENCH_IMPORT_ROWS new patients (default 50,000) into a
  fresh copy, beside a raw sqlite3 `executemany` of the same rows and one audit row into
  another fresh copy;
- `backup FILE` (online, then verified: integrity check and the whole audit chain) beside
  a raw sqlite3 backup-API copy of the same file;
- `export record NHS_NUMBER FILE` (PDF and JSON) of the patient with the most reviews.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import re
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bench import data

ROOT = Path(__file__).resolve().parent.parent
POLL_S = 0.02


@dataclass(frozen=True)
class Ran:
    seconds: float
    rss_mb: float
    stdout: str


def hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory of a process's current image (VmHWM), 0 once it has gone."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return 0.0
    found = re.search(r"VmHWM:\s+(\d+) kB", status)
    return int(found.group(1)) / 1024 if found else 0.0


def run_child(argv: list[str]) -> Ran:
    """Spawn, poll its VmHWM until it exits, and fail loudly on an error.

    Not wait4's ru_maxrss: on Linux that keeps the RSS the forked child had before exec,
    which is this (parent) process's."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, env=env, text=True)
        peak = 0.0
        while True:
            peak = max(peak, hwm_mb(proc.pid))
            done, status = os.waitpid(proc.pid, os.WNOHANG)
            if done:
                break
            time.sleep(POLL_S)
        seconds = time.perf_counter() - started
        proc.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        tail = stderr.strip().splitlines()[-1:] or [""]
        raise RuntimeError(f"{' '.join(argv[:4])}… exited {proc.returncode}: {tail[0][:200]}")
    return Ran(seconds, peak, stdout)


def console(db: Path, *args: str) -> Ran:
    return run_child([sys.executable, "-m", "console", "--db", str(db), *args])


RAW_LETTERS = (
    "import sys; from bench import letters; letters.raw_pdf(int(sys.argv[1]), sys.argv[2])"
)
RAW_EXPORT = """
import csv, sqlite3, sys
from console.services.transfer import COLUMNS
conn = sqlite3.connect(f"file:{sys.argv[1]}?mode=ro", uri=True)
cols = [c if c != "letters_to_home" else "consent_letters_home" for c in COLUMNS]
with open(sys.argv[2], "w", newline="") as fh:
    out = csv.writer(fh)
    out.writerow(COLUMNS)
    out.writerows(conn.execute(f"SELECT {', '.join(cols)} FROM patient ORDER BY id"))
"""
RAW_IMPORT = """
import csv, sqlite3, sys
from console.rules.names import fold_key
conn = sqlite3.connect(sys.argv[1])
conn.row_factory = sqlite3.Row
shape = dict(conn.execute("SELECT * FROM patient LIMIT 1").fetchone())
event = dict(conn.execute("SELECT * FROM audit_event ORDER BY id DESC LIMIT 1").fetchone())
rows = []
with open(sys.argv[2], newline="") as fh:
    for r in csv.DictReader(fh):
        row = dict(shape, id=None, **{k: v for k, v in r.items() if k in shape})
        row.update(family_key=fold_key(r["family_name"]), given_key=fold_key(r["given_name"]),
                   consent_letters_home=r["letters_to_home"] == "yes", recovery_start=None)
        rows.append(row)
cols = list(shape)
conn.execute("BEGIN IMMEDIATE")
conn.executemany(f"INSERT INTO patient ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                 [tuple(row[c] for c in cols) for row in rows])
event.update(id=None, hash="%064x" % int.from_bytes(__import__("os").urandom(32), "big"))
conn.execute(f"INSERT INTO audit_event ({', '.join(event)}) VALUES ({', '.join('?' * len(event))})",
             tuple(event.values()))
conn.execute("COMMIT")
"""


RAW_BACKUP = """
import sqlite3, sys
src, dst = sqlite3.connect(sys.argv[1]), sqlite3.connect(sys.argv[2])
src.backup(dst, pages=-1)
dst.close()
"""


def largest_record(db: Path) -> str:
    """The NHS number of the patient with the most reviews (the biggest record)."""
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        return str(
            raw.execute(
                "SELECT p.nhs_number FROM patient p JOIN review r ON r.patient_id = p.id "
                "GROUP BY p.id ORDER BY count(*) DESC, p.id LIMIT 1"
            ).fetchone()[0]
        )
    finally:
        raw.close()


def python(code: str, *args: str) -> Ran:
    return run_child([sys.executable, "-c", code, *args])


def _nhs_numbers(taken: set[str]) -> Iterator[str]:
    """Valid NHS numbers (modulus 11) not already in the database."""
    for n in itertools.count(400_000_000):
        digits = f"{n:09d}"
        check = 11 - sum(int(d) * w for d, w in zip(digits, range(10, 1, -1), strict=True)) % 11
        if check == 10:
            continue
        number = digits + str(0 if check == 11 else check)
        if number not in taken:
            yield number


def import_file(exported: Path, db: Path, rows: int, target: Path) -> Path:
    """`rows` new patients: the exported rows over and over, each with a new NHS number."""
    raw = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    taken = {r[0] for r in raw.execute("SELECT nhs_number FROM patient")}
    raw.close()
    numbers = _nhs_numbers(taken)
    with exported.open(newline="") as fh:
        source = list(csv.DictReader(fh))
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with open(fd, "w", newline="") as fh:
        out = csv.DictWriter(fh, fieldnames=list(source[0]))
        out.writeheader()
        for row in itertools.islice(itertools.cycle(source), rows):
            out.writerow(dict(row, nhs_number=next(numbers)))
    return target


def _count(pattern: str, text: str) -> int:
    found = re.search(pattern, text)
    if not found:
        raise RuntimeError(f"unexpected command output: {text[:120]!r}")
    return int(found.group(1).replace(",", ""))


def measure_import(
    cached: Path, work: Path, tmp: Path, rows: int, exported: Path
) -> dict[str, float]:
    """`import patients` of `rows` new patients into a fresh copy, then the raw baseline
    into another (one sample each)."""
    source = import_file(exported, work, rows, tmp / "import.csv")
    fresh = data.working_copy(cached, tmp, "import.db")
    data.add_cli_login(fresh)
    data.written_back(fresh)
    ran = console(fresh, "import", "patients", str(source))
    imported = _count(r"Imported ([\d,]+) patients", ran.stdout)
    out = {"imported": imported, "import_s": ran.seconds, "import_rss": ran.rss_mb}
    fresh.unlink()
    fresh = data.written_back(data.working_copy(cached, tmp, "raw-import.db"))
    raw = python(RAW_IMPORT, str(fresh), str(source))
    out.update(import_raw_s=raw.seconds, import_raw_rss=raw.rss_mb)
    fresh.unlink()
    source.unlink()
    return out


def main(argv: list[str]) -> int:
    """`python -m bench.commands import CACHED_DB [ROWS] [SAMPLES]`: the import figure
    alone, console and raw alternating, one line each and a JSON line of every sample."""
    cached, rows = Path(argv[1]), int(argv[2]) if len(argv) > 2 else 50_000
    samples = int(argv[3]) if len(argv) > 3 else 1
    with tempfile.TemporaryDirectory(prefix="rc-bench-") as folder:
        tmp = Path(folder)
        work = data.working_copy(cached, tmp)
        data.add_cli_login(work)
        console(work, "export", "patients", str(tmp / "export.csv"))
        found = []
        for _ in range(samples):
            one = measure_import(cached, work, tmp, rows, tmp / "export.csv")
            load = os.getloadavg()[0]
            ours, raw = rows / one["import_s"], rows / one["import_raw_s"]
            print(f"import {rows:,}: {ours:,.0f} rows/s, raw {raw:,.0f} rows/s, load {load:.1f}")
            found.append({**one, "load": load})
    print(json.dumps(found))
    return 0


def measure(cached: Path, work: Path, tmp: Path, due_within: int, rows: int) -> dict[str, float]:
    """One sample of each command and its baseline (bulk commands take seconds to minutes)."""
    out: dict[str, float] = {}
    ran = console(work, "letters", "recall", "--due-within", str(due_within), "--out",
                  str(tmp / "recall.pdf"))  # fmt: skip
    letters = _count(r"([\d,]+) letters in", ran.stdout)
    out.update(letters=letters, letters_s=ran.seconds, letters_rss=ran.rss_mb)
    raw = python(RAW_LETTERS, str(max(letters, 1)), str(tmp / "raw.pdf"))
    out.update(letters_raw_s=raw.seconds, letters_raw_rss=raw.rss_mb)

    ran = console(work, "export", "patients", str(tmp / "export.csv"))
    exported = _count(r"Exported ([\d,]+) patients", ran.stdout)
    out.update(exported=exported, export_s=ran.seconds, export_rss=ran.rss_mb)
    raw = python(RAW_EXPORT, str(work), str(tmp / "raw-export.csv"))
    out.update(export_raw_s=raw.seconds, export_raw_rss=raw.rss_mb)

    out.update(measure_import(cached, work, tmp, rows, tmp / "export.csv"))

    megabytes = work.stat().st_size / 1e6
    ran = console(work, "backup", str(tmp / "backup.db"))
    out.update(backup_mb=megabytes, backup_s=ran.seconds, backup_rss=ran.rss_mb)
    raw = python(RAW_BACKUP, str(work), str(tmp / "raw-backup.db"))
    out.update(backup_raw_s=raw.seconds, backup_raw_rss=raw.rss_mb)
    for name in ("backup.db", "backup.db.audit-head", "backup.db.sha256", "raw-backup.db"):
        (tmp / name).unlink(missing_ok=True)

    nhs = largest_record(work)
    ran = console(work, "export", "record", nhs, str(tmp / "record.pdf"))
    out.update(record_s=ran.seconds, record_rss=ran.rss_mb)
    ran = console(work, "export", "record", nhs, str(tmp / "record.json"), "--format", "json")
    out.update(record_json_s=ran.seconds, record_json_rss=ran.rss_mb)
    out.update(record_kb=(tmp / "record.json").stat().st_size / 1e3)
    return out


if __name__ == "__main__":
    if sys.argv[1:2] != ["import"]:
        sys.exit("usage: python -m bench.commands import CACHED_DB [ROWS] [SAMPLES]")
    sys.exit(main(sys.argv[1:]))
