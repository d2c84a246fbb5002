"""What the structure costs at start: `microfab --help` against a bare Python start.

Times, in the same run, the median of `--runs` starts of
  baseline  `python -c pass` (the interpreter alone, same environment)
  microfab  `microfab --help`
  nbformat  `python -c "import nbformat"` (what every grading and book process pays)
and prints each and its ratio to the baseline. Goal: `microfab --help` within 0.5 s.
The unchanged rebuild of the book (goal 5 s) is measured by `benchmarks/book_build.py`.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL_S = 0.5


def timed(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    microfab = str(Path(sys.executable).parent / "microfab")
    baseline_s = timed([sys.executable, "-c", "pass"], args.runs)
    help_s = timed([microfab, "--help"], args.runs)
    nbformat_s = timed([sys.executable, "-c", "import nbformat"], args.runs)
    print(f"baseline python -c pass: {baseline_s:.3f} s (median of {args.runs})")
    print(f"microfab --help:         {help_s:.3f} s = {help_s / baseline_s:.1f}x the bare "
          f"interpreter (goal <= {GOAL_S} s: {'met' if help_s <= GOAL_S else 'MISSED'})")
    print(f"import nbformat:         {nbformat_s:.3f} s = {nbformat_s / baseline_s:.1f}x the bare "
          f"interpreter")
    return 0 if help_s <= GOAL_S else 1


if __name__ == "__main__":
    sys.exit(main())
