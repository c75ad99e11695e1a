"""An audit's fixed start, two checkouts alternated (issue 22): ``gkaudit audit`` of the same N generated
reports as a whole process, old and new in turn, so a noisy machine slows both alike.

    python bench/audit_start_bench.py --baseline /path/to/other/checkout [--size 1000] [--pairs 4]

Each run is ``audit_scale_bench.run_audit`` (a throwaway state folder, ``--workers 2 --json``): printed per run
its wall seconds, the seconds to the first stored result and after the last, the runner's peak RSS and the
load average as it started; then each side's median.  The checkout this file sits in is the candidate.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from audit_scale_bench import ROOT, SEED, Audited, link_first, run_audit
from benchlib import generate_corpus, print_table


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--baseline", type=Path, required=True, help="the other checkout (its root folder)")
    parser.add_argument("--size", type=int, default=1000)
    parser.add_argument("--pairs", type=int, default=4)
    parser.add_argument("--corpus", type=Path, help="a folder of report_*.txt to reuse (else generated)")
    args = parser.parse_args()
    sides = {"new": ROOT, "old": args.baseline.resolve()}
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC, load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory(prefix="gkaudit-start-") as name:
        tmp = Path(name)
        source = args.corpus
        if source is None:
            source = tmp / "gen"
            generate_corpus(source, ["text"], count=args.size, seed=SEED)
        corpus = sorted(source.glob("report_*.txt"))[: args.size]
        folder = link_first(corpus, len(corpus), tmp / "docs")
        runs: dict[str, list[Audited]] = {side: [] for side in sides}
        rows = []
        for pair in range(args.pairs):
            order = list(sides) if pair % 2 == 0 else list(reversed(sides))
            for side in order:
                state = tmp / f"state-{side}-{pair}"
                db_url = f"sqlite:///{state / 'gkaudit.db'}"
                run = run_audit(folder, state, side, len(corpus), [], db_url, root=sides[side])
                runs[side].append(run)
                rows.append(row(f"{side} {pair + 1}", run))
                print(f"  {side} {pair + 1}: {run.wall:.2f} s", flush=True)
                time.sleep(1)
        for side, done in runs.items():
            rows.append(
                [
                    f"{side} median",
                    f"{statistics.median(r.wall for r in done):.2f}",
                    f"{statistics.median(r.before_first for r in done):.2f}",
                    f"{statistics.median(r.after_last for r in done):.2f}",
                    f"{statistics.median(r.audit_rate for r in done):.1f}",
                    str(statistics.median(r.runner_mib[0] if r.runner_mib else 0 for r in done)),
                    f"{statistics.median(r.load for r in done):.1f}",
                ]
            )
        print_table(
            f"gkaudit audit of {len(corpus)} reports, --workers 2, whole process: new ({ROOT}) and old"
            f" ({sides['old']}) alternated",
            ["run", "wall s", "to 1st result s", "after last s", "1st→last doc/s", "runner MiB", "load"],
            rows,
        )
    return 0


def row(label: str, run: Audited) -> list[str]:
    return [
        label,
        f"{run.wall:.2f}",
        f"{run.before_first:.2f}",
        f"{run.after_last:.2f}",
        f"{run.audit_rate:.1f}",
        str(run.runner_mib[0] if run.runner_mib else 0),
        f"{run.load:.1f}",
    ]


if __name__ == "__main__":
    sys.exit(main())
