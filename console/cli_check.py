"""`recovery-console check [--repair]` (admin): every patient row cache recomputed from its
source rows; each mismatch printed as `NHS number: cache: stored → expected` (no names);
then the indicator tallies recounted from the caches (each wrong row printed, no patient
detail)."""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from console.services import Services

OK, MISMATCH, REFUSED = 0, 1, 3


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = sub.add_parser(
        "check", help="recompute every patient row cache from its source rows (admin)"
    )
    check.add_argument(
        "--repair", action="store_true", help="rewrite the wrong ones (one audited transaction)"
    )


def run(services: Services, repair: bool) -> int:
    from console.services.errors import Forbidden

    try:
        result = services.caches.check(repair=repair)
    except Forbidden as exc:
        print(f"recovery-console: {exc}", file=sys.stderr)
        return REFUSED
    for mismatch in result.mismatches:
        print(mismatch)
    for tally in result.tallies:
        print(tally)
    for step in result.history:
        print(step)
    wrong = len({m.nhs_number for m in result.mismatches})
    if result.clean:
        print(f"Row caches right for all {result.patients:,} patients.")
        return OK
    if repair:
        print(f"Repaired the row caches of {result.repaired:,} of {result.patients:,} patients.")
        if result.tallies:
            print(f"Rebuilt the indicator tallies ({len(result.tallies):,} rows were wrong).")
        if result.history:
            print(f"Rebuilt the indicator history ({len(result.history):,} rows were wrong).")
        return OK
    if result.mismatches:
        print(
            f"{len(result.mismatches):,} wrong row caches for {wrong:,} of {result.patients:,}"
            " patients: `recovery-console check --repair` rewrites them.",
            file=sys.stderr,
        )
    if result.tallies:
        print(
            f"{len(result.tallies):,} wrong indicator tally rows:"
            " `recovery-console check --repair` rebuilds them.",
            file=sys.stderr,
        )
    if result.history:
        print(
            f"{len(result.history):,} wrong indicator history rows:"
            " `recovery-console check --repair` rebuilds them.",
            file=sys.stderr,
        )
    return MISMATCH
