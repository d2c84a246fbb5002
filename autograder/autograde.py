"""Sandboxed, parallel autograding of every submission of an assignment, resumable.

Executions fan out to local worker processes (`workers`, a pebble pool that replaces a worker
that dies) or a Dask cluster (`dask_address`); each result is written to the gradebook by this
process alone, as it finishes. A submission whose worker died is tried once more; a second death,
or a worker past the submission's time budget, is recorded with that reason. The grading log
records each written submission, so a run killed at any point resumes where it stopped without
losing or duplicating a grade.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import dataclass, field
from pathlib import Path

from tqdm.auto import tqdm

from autograder.ingest import graded_log, ingest, log_refused
from autograder.jobs import GradingJob, JobResult, execute_submission
from autograder.submission import NBGRADER_FILES, student_id_problem
from lab_kernels.limits import GradingLimits

# Beyond the submission's own budget: kernel start-up, copying, nbgrader's own steps.
WORKER_MARGIN_S = 120


class GradingRefused(RuntimeError):
    """Grading cannot start safely; the message says why and what to do."""


@dataclass
class AutogradeRun:
    results: list[JobResult] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # already graded (resumed run)
    refused: dict[str, str] = field(default_factory=dict)  # folder -> why it was not graded
    warnings: list[str] = field(default_factory=list)


def check_gradebook(root: Path, assignment: str) -> None:
    db = root / "gradebook.db"
    if not db.exists():
        raise GradingRefused(f"no gradebook at {db}; build the course with `microfab course "
                             f"build` and release {assignment} first")
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as connection:
            rows = connection.execute("SELECT name FROM assignment").fetchall()
    except sqlite3.DatabaseError as exc:
        raise GradingRefused(f"gradebook {db} cannot be read ({exc}): if another nbgrader "
                             f"process holds it, wait for it; if it is corrupt, restore it "
                             f"from a backup. Nothing was graded.") from exc
    if (assignment,) not in rows:
        raise GradingRefused(f"assignment {assignment!r} is not in {db}; release it first with "
                             f"`microfab grade release {assignment}`")


def collected_submissions(root: Path, assignment: str, run: AutogradeRun) -> list[str]:
    submitted = root / "submitted"
    if not submitted.is_dir():
        raise GradingRefused(f"no submitted/ folder in {root}; collect submissions first")
    students = []
    for folder in sorted(p for p in submitted.iterdir() if p.is_dir() and not p.is_symlink()):
        problem = student_id_problem(folder.name)
        if problem:
            run.refused[folder.name] = problem
            continue
        if (folder / assignment).is_dir():
            students.append(folder.name)
            extra = [p.name for p in (folder / assignment).iterdir()
                     if p.suffix != ".ipynb" and p.name not in NBGRADER_FILES]
            if extra:
                run.warnings.append(f"{folder / assignment}: files that are not notebooks are "
                                    f"kept but not graded: {', '.join(sorted(extra))}")
        else:
            others = ", ".join(sorted(p.name for p in folder.iterdir() if p.is_dir())) or "none"
            run.warnings.append(f"{folder}: no {assignment}/ folder (it has: {others}); "
                                f"check the assignment name")
    return students


def _died(job: GradingJob, why: str) -> JobResult:
    return JobResult(job.assignment, job.student, "error", reason=why)


def _pool_executions(jobs: list[GradingJob], workers: int,
                     timeout_s: float) -> Iterator[JobResult]:
    """Results as they finish; a worker that dies is replaced and its job tried once more."""
    from pebble import ProcessExpired, ProcessPool

    tries = {(job.assignment, job.student): 0 for job in jobs}
    with ProcessPool(max_workers=workers, context=multiprocessing.get_context("spawn")) as pool:
        running = {pool.schedule(execute_submission, (job,), timeout=timeout_s): job
                   for job in jobs}
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                job = running.pop(future)
                try:
                    yield future.result()
                except ProcessExpired as exc:
                    tries[job.assignment, job.student] += 1
                    if tries[job.assignment, job.student] == 1:
                        running[pool.schedule(execute_submission, (job,), timeout=timeout_s)] = job
                    else:
                        yield _died(job, f"the grading worker died twice on this submission "
                                         f"(exit code {exc.exitcode}); grade it again alone")
                except TimeoutError:
                    yield _died(job, f"the grading worker ran past {timeout_s:.0f} s on this "
                                     "submission and was stopped")
                except Exception as exc:  # the worker could not even report: record why
                    yield _died(job, f"the grading worker failed: {type(exc).__name__}: {exc}")


def _dask_executions(jobs: list[GradingJob], address: str) -> Iterator[JobResult]:
    from distributed import Client
    from distributed import as_completed as dask_completed

    with Client(address) as client:
        futures = {client.submit(execute_submission, job, pure=False): job for job in jobs}
        for future in dask_completed(futures):
            try:
                yield future.result()
            except Exception as exc:  # KilledWorker after the cluster's own retries
                yield _died(futures[future], f"the Dask worker failed on this submission: "
                                             f"{type(exc).__name__}: {exc}")


def grading_executions(jobs: list[GradingJob], workers: int, dask_address: str | None,
                       timeout_s: float) -> Iterator[JobResult]:
    if dask_address:
        yield from _dask_executions(jobs, dask_address)
    elif workers > 1 and len(jobs) > 1:
        yield from _pool_executions(jobs, workers, timeout_s)
    else:
        for job in jobs:
            yield execute_submission(job)


def autograde(course_root: Path, assignment: str, workers: int = 1,
              dask_address: str | None = None, sandbox: bool = True,
              limits: GradingLimits | None = None, force: bool = False,
              progress: bool = True, profile: str = "replay",
              fast: bool = False) -> AutogradeRun:
    """Grade every submission of `assignment`; results are in the course's gradebook."""
    root = Path(course_root).resolve()
    if sandbox:
        from lab_kernels.sandbox import SandboxUnavailable, check_sandbox

        try:
            check_sandbox()
        except SandboxUnavailable as exc:
            raise GradingRefused(f"the grading sandbox cannot start: {exc}. Student code would "
                                 f"run with your permissions; to do that anyway pass "
                                 f"--unsafe-no-sandbox") from exc
    check_gradebook(root, assignment)
    run = AutogradeRun()
    done = graded_log(root)
    students = []
    for student in collected_submissions(root, assignment, run):
        if not force and (assignment, student) in done:
            run.skipped.append(student)
        else:
            students.append(student)
    limits = limits or GradingLimits()
    jobs = [GradingJob(str(root), assignment, s, limits.as_dict(), sandbox, profile, fast)
            for s in students]
    for folder, why in run.refused.items():
        log_refused(root, assignment, folder, why)
    timeout_s = limits.notebook_timeout_s + WORKER_MARGIN_S
    with tqdm(total=len(jobs), desc=f"grading {assignment}", unit="submission",
              disable=not progress) as bar:
        for result in grading_executions(jobs, workers, dask_address, timeout_s):
            ingest(root, result)  # the one writer of the gradebook
            run.results.append(result)
            bar.update(1)
    return run
