"""`make bench`: build (or reuse) the 260k-patient database and print each figure beside
its raw baseline. RC_BENCH_PATIENTS makes a smaller run for a quick look."""

from __future__ import annotations

import os
import sys

from bench import data, letters, reviews, search, startup, summary


def main() -> int:
    patients = int(os.environ.get("RC_BENCH_PATIENTS", "260000"))
    path, built = data.database(patients)
    size_mb = path.stat().st_size / 1e6
    if built is not None:
        print(f"demo --patients {patients:,}: built in {built:.1f} s, {size_mb:.0f} MB")
    else:
        print(f"demo --patients {patients:,}: cached ({size_mb:.0f} MB) at {path}")
    startup.run()
    search.run(path)
    summary.run(path)
    reviews.run(path)
    letters.run()
    return 0


if __name__ == "__main__":
    sys.exit(main())
