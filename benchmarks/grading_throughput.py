"""Sandboxed parallel grading vs plain serial `nbgrader autograde`, on a real lab.

Builds one course from the 00-orientation unit, submits N notebooks (half the reference
solution, half the student release), copies it twice, and times in the same run:
  baseline  `nbgrader autograde 00-orientation` (serial, no sandbox), nbgrader's own command
  microfab  `autograde(..., workers=2)`: student code in the bubblewrap sandbox, tests in the
            trusted test process (the tests call the student's functions on recorded frames);
            with `--dask`, the same on a Dask cluster of `--workers` worker processes (a
            LocalCluster here, or `--dask tcp://scheduler:8786`), results written by this
            process alone
Prints submissions/s for both and the ratio (goal >= 1.6x with the process pool, >= 1.4x on
Dask, whose scheduler shares the cores), for each of `--runs` runs and their median.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ASSIGNMENT = "00-orientation"


def make_course(root: Path, submissions: int):
    from autograder.course_build import build_course
    from course_units import load_catalogue

    course = build_course(root, load_catalogue(), [ASSIGNMENT])
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    release = nbformat.read(str(course.release_path(ASSIGNMENT)), as_version=4)
    for n in range(submissions):
        course.submit(ASSIGNMENT, f"student{n:03d}", source if n % 2 == 0 else release)
    return course


def main(argv: list[str] | None = None) -> list[float]:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--runs", type=int, default=3, help="consecutive runs (median shown)")
    parser.add_argument("--dask", nargs="?", const="local", metavar="ADDRESS",
                        help="grade on Dask: a scheduler's address, or none for a LocalCluster "
                        "of --workers worker processes")
    args = parser.parse_args(argv)
    ratios = [one_run(args) for _ in range(args.runs)]
    print(f"median ratio of {len(ratios)} runs: {statistics.median(ratios):.2f}x "
          f"(runs: {', '.join(f'{r:.2f}x' for r in ratios)}; goal >= {goal(args)}x)")
    return ratios


def goal(args) -> float:
    return 1.4 if args.dask else 1.6


@contextlib.contextmanager
def scheduler(args):
    """The Dask scheduler's address for the run (a LocalCluster, started and stopped here),
    or None for the process pool."""
    if args.dask != "local":
        yield args.dask
        return
    from distributed import LocalCluster

    with LocalCluster(n_workers=args.workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster:
        yield cluster.scheduler_address


def check_scores(serial: Path, parallel: Path, submissions: int) -> None:
    """A speed is worth nothing unless both graded alike: the solutions full marks, the
    releases zero, the same score for every student."""
    from autograder.course import assignment_scores

    baseline, ours = assignment_scores(serial, ASSIGNMENT), assignment_scores(parallel, ASSIGNMENT)
    full = {s for s, (score, top) in ours.items() if score == top > 0}
    if baseline != ours or len(ours) != submissions or len(full) != (submissions + 1) // 2:
        raise SystemExit(f"the two gradings disagree or are wrong: nbgrader {baseline}, "
                         f"microfab {ours}")


def one_run(args) -> float:
    from autograder.autograde import autograde

    with tempfile.TemporaryDirectory() as tmp:
        base = make_course(Path(tmp) / "base", args.submissions).root
        serial, parallel = Path(tmp) / "serial", Path(tmp) / "parallel"
        for target in (serial, parallel):
            shutil.copytree(base, target)
            config = (target / "nbgrader_config.py").read_text().replace(str(base), str(target))
            (target / "nbgrader_config.py").write_text(config)
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}"
                   f"{os.environ.get('PATH', '')}", MICROFAB_PROFILE="replay")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "nbgrader", "autograde", ASSIGNMENT],
                       cwd=serial, env=env, check=True, capture_output=True)
        baseline_s = time.perf_counter() - started
        with scheduler(args) as address:  # a cluster's start-up is not grading: not timed
            started = time.perf_counter()
            autograde(parallel, ASSIGNMENT, workers=args.workers, dask_address=address,
                      progress=False)
            microfab_s = time.perf_counter() - started
        check_scores(serial, parallel, args.submissions)
    n = args.submissions
    print(f"{n} submissions of {ASSIGNMENT} (half right, half the release), {os.cpu_count()} "
          f"cores")
    print(f"baseline nbgrader autograde (serial, no sandbox): {baseline_s:6.1f} s "
          f"= {n / baseline_s:5.2f} submissions/s")
    how = f"--dask, {args.workers} workers" if args.dask else f"--workers {args.workers}"
    print(f"microfab autograde {how} (sandboxed): {microfab_s:6.1f} s "
          f"= {n / microfab_s:5.2f} submissions/s")
    print(f"ratio: {baseline_s / microfab_s:.2f}x (goal >= {goal(args)}x)")
    return baseline_s / microfab_s


if __name__ == "__main__":
    main()
