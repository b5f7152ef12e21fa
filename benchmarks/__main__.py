"""Run every benchmark and print Markdown tables: `python -m benchmarks [--quick] [--only NAME …]`.

Set COMPLAINT_BOT_BENCH_POSTGRES_URL (or COMPLAINT_BOT_TEST_POSTGRES_URL) to include PostgreSQL.
"""

from __future__ import annotations

import argparse
import logging
import time

from benchmarks import ack_latency, classifier_speed, detection_delay, ingest, languages, poll_command, reports, sources_poll

# Ingest first: its memory figure is the process's peak so far.
BENCHMARKS = {
    "ingest": ingest,
    "poll": poll_command,
    "ack": ack_latency,
    "delay": detection_delay,
    "sources": sources_poll,
    "classifier": classifier_speed,
    "languages": languages,
    "reports": reports,
}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="smaller inputs, for a smoke run")
    parser.add_argument("--only", nargs="+", choices=sorted(BENCHMARKS))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    for name in args.only or BENCHMARKS:
        started = time.perf_counter()
        print(BENCHMARKS[name].run(args.quick))
        print(f"_{name}: {time.perf_counter() - started:.0f} s_\n", flush=True)


if __name__ == "__main__":
    main()
