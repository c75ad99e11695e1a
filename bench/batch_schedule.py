"""How many documents a queue message should carry: the runner's batch schedule, simulated.

    python bench/batch_schedule.py [--documents 1000] [--processes 2] [--document-ms 8.7] [--message-ms 8]

Each message costs a worker a fixed time (its delivery and acknowledgement, the
"already audited?" lookup, a commit: some 8 ms a message inside a worker during
a Redis + PostgreSQL run with 2 workers, timed in ``run_batch``), so fewer,
bigger messages cost less; but the audit ends when the slowest process has
finished its last batch, so the last batches must be small.  This simulates
``workers.queue.app.batch_sizes`` (at most a ``per_process``-th of what is left
per process, at least ``smallest``) for a grid of both knobs: processes take
the next message as they come free, each document's time drawn around
``--document-ms`` (log-normal, a fixed seed, several spreads), and prints the
wall time beyond the documents' own, as a share of it.  It measures nothing of
this machine; the queue bench does that.
"""

from __future__ import annotations

import argparse
import heapq
import random
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchlib import print_table  # noqa: E402

from workers.queue.app import BATCHES_PER_PROCESS, SMALLEST_BATCH, batch_sizes  # noqa: E402
from workers.queue.settings import Settings  # noqa: E402

SPREADS = (0.25, 0.5, 1.0)  # sigma of log(document time): 1.0 is a corpus of very mixed sizes
TRIALS = 200
GRID_PER_PROCESS = (1, 2, 3, 4)
GRID_SMALLEST = (2, 4, 8, 16)


def simulated_wall(
    sizes: Sequence[int], processes: int, document: float, message: float, spread: float, rng: random.Random
) -> float:
    """The time the last process finishes, each taking the next message as soon as it is free."""
    free = [0.0] * processes
    for size in sizes:
        start = heapq.heappop(free)
        work = sum(document * rng.lognormvariate(-(spread**2) / 2, spread) for _ in range(size))
        heapq.heappush(free, start + message + work)
    return max(free)


def overhead(sizes: Sequence[int], args: argparse.Namespace, spread: float) -> float:
    """Mean wall time over the documents' own time spread evenly over the processes, less one."""
    rng = random.Random(f"{spread}-{len(sizes)}")
    ideal = args.documents * args.document_ms / args.processes
    walls = [
        simulated_wall(sizes, args.processes, args.document_ms, args.message_ms, spread, rng) for _ in range(TRIALS)
    ]
    return statistics.mean(walls) / ideal - 1


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--most", type=int, default=Settings().batch_size, help="documents a message at most")
    parser.add_argument("--document-ms", type=float, default=8.7, help="a text report's audit in a worker")
    parser.add_argument("--message-ms", type=float, default=8.0, help="a message's own cost in a worker")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    rows = []
    for per_process in GRID_PER_PROCESS:
        for smallest in GRID_SMALLEST:
            sizes = list(
                batch_sizes([0] * args.documents, args.processes, args.most, per_process=per_process, smallest=smallest)
            )
            chosen = "← chosen" if (per_process, smallest) == (BATCHES_PER_PROCESS, SMALLEST_BATCH) else ""
            shares = [f"{100 * overhead(sizes, args, spread):.1f}%" for spread in SPREADS]
            rows.append([str(per_process), str(smallest), str(len(sizes)), *shares, chosen])
    title = (
        f"{args.documents} documents, {args.processes} processes, at most {args.most} a message; "
        f"{args.document_ms} ms a document, {args.message_ms} ms a message; mean of {TRIALS} trials"
    )
    header = ("per process", "smallest", "messages", *(f"overhead, spread {s}" for s in SPREADS), "")
    print_table(title, header, rows)
    print("overhead = the last process's finish over the documents' time spread evenly, less one: the messages'")
    print("own cost plus the time processes wait for the slowest's last batch; spread = sigma of log(document time)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
