"""`recovery-console check [--repair]` (admin): every patient row cache recomputed from its
source rows; each mismatch printed as `NHS number: cache: stored → expected` (no names)."""

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
    wrong = len({m.nhs_number for m in result.mismatches})
    if not result.mismatches:
        print(f"Row caches right for all {result.patients:,} patients.")
        return OK
    if repair:
        print(f"Repaired the row caches of {result.repaired:,} of {result.patients:,} patients.")
        return OK
    print(
        f"{len(result.mismatches):,} wrong row caches for {wrong:,} of {result.patients:,}"
        " patients: `recovery-console check --repair` rewrites them.",
        file=sys.stderr,
    )
    return MISMATCH
