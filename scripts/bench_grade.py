"""Benchmark the grader on the model answers: all exercises, and one alone.

    .venv/bin/python -m scripts.bench_grade
    .venv/bin/python -m scripts.bench_grade --repeat 3

Targets on a 2-core CPU: every exercise under 20 s, one exercise under 5 s.
Prints the median of the repeats; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

if not __package__:  # run as a file (python scripts/bench_grade.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from grader.course import Course

ROOT = Path(__file__).resolve().parent.parent

ALL_TARGET_S, ONE_TARGET_S = 20.0, 5.0


def timed(arguments: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "grader", "report", "--impl", "reference", *arguments],
                   cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_grade", description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median reported)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")

    entries = Course(ROOT).order()
    first = entries[0]
    all_runs = [timed([]) for _ in range(args.repeat)]
    one_runs = [timed(["--only", first]) for _ in range(args.repeat)]
    print(f"grade all {len(entries)} exercises (reference): median {statistics.median(all_runs):.1f} s "
          f"over {args.repeat} runs (target < {ALL_TARGET_S:.0f} s; {os.cpu_count()} CPUs)")
    print(f"grade one exercise ({first}): median {statistics.median(one_runs):.1f} s "
          f"(target < {ONE_TARGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
