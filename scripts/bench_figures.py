"""Benchmark the figure pipeline: time to rebuild every figure, full size and --quick.

    .venv/bin/python -m scripts.bench_figures

Targets on a 2-core CPU: under 3 minutes at full size, under 60 s with
--quick. Writes into a temporary folder (figures/ is left alone) and prints
the numbers; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

if not __package__:  # run as a file (python scripts/bench_figures.py): make the `scripts` package importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.make_figures import ROOT

FULL_TARGET_S, QUICK_TARGET_S = 180.0, 60.0


def timed(*options: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-m", "scripts.make_figures", "--out", out, *options],
                       cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m scripts.bench_figures", description=__doc__.split("\n")[0])
    parser.parse_args(argv)
    quick = timed("--quick")
    full = timed()
    print(f"all figures, --quick: {quick:.1f} s (target < {QUICK_TARGET_S:.0f} s; {os.cpu_count()} CPUs)")
    print(f"all figures, full size: {full:.1f} s (target < {FULL_TARGET_S:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
