"""Run in a separate process by test_concurrency: register patients and bump a shared row."""

from __future__ import annotations

import sys

from console.rules.nhs_number import check_digit
from console.services import Services
from console.services.dto import PatientInput
from db.engine import make_engine


def nhs_for(n: int) -> str:
    base = 999_100_000 + n
    while check_digit(str(base)) is None:
        base += 500_000
    return f"{base}{check_digit(str(base))}"


def main(url: str, login: str, worker: int, rounds: int) -> None:
    services = Services(make_engine(url, create=False), login=login)
    services.identify()
    for i in range(rounds):
        n = worker * 1000 + i
        services.patients.register(
            PatientInput(nhs_for(n), f"Worker{worker}", f"P{i}", "01/01/1980")
        )
        # Read-then-write on one shared row: lost updates would show in its version.
        services.practice.update_name(f"Practice {worker}-{i}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]))
