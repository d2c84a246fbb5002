"""One submission graded in isolation: the work a grading worker (process or Dask) does.

The worker copies the submission (as data: `autograder.submission`) and the gradebook into a
scratch nbgrader course of its own, runs nbgrader's autograde there with `TrustedExecute` in
place of its execution step, and hands the executed notebooks back. It never writes the
course's gradebook: the writer does.
"""

from __future__ import annotations

import os
import shutil
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from lab_kernels.limits import GradingLimits

WORK_DIR = ".microfab"


@dataclass(frozen=True)
class GradingJob:
    course_root: str
    assignment: str
    student: str
    limits: dict
    sandbox: bool = True
    profile: str = "replay"  # grading runs on recorded data
    fast: bool = False


@dataclass
class JobResult:
    assignment: str
    student: str
    status: str  # "executed" | "invalid" | "error"
    executed_dir: str = ""
    reason: str = ""
    wall_s: float = 0.0
    notebooks: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def scratch_dir(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / WORK_DIR / "work" / assignment / student


def invalid_notebooks(folder: Path) -> dict[str, str]:
    """Notebook files that nbformat cannot read, with the reason in words."""
    import nbformat

    problems = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except Exception as exc:  # JSON, schema or encoding: all mean "not a notebook"
            first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
            problems[path.name] = (f"not a readable notebook ({type(exc).__name__}: "
                                   f"{first_line}); re-save it from Jupyter and submit again")
    return problems


def autograde_config(job: GradingJob, course: Path, source_dir: Path):
    """nbgrader's configuration for the scratch course, as traitlets objects."""
    from nbgrader.preprocessors import (
        CheckCellMetadata,
        ClearOutput,
        OverwriteCells,
        OverwriteKernelspec,
    )
    from traitlets.config import Config

    from autograder.held_back import held_back_dir
    from autograder.sanitize import DeduplicateGradeIds, SanitizeSubmission
    from autograder.trusted.execute import TrustedExecute

    held_back = held_back_dir(Path(job.course_root))
    config = Config()
    config.CourseDirectory.root = str(course)
    config.CourseDirectory.db_url = f"sqlite:///{course / 'gradebook.db'}"
    config.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateGradeIds,
                                               OverwriteKernelspec, OverwriteCells,
                                               CheckCellMetadata]
    config.Autograde.autograde_preprocessors = [TrustedExecute, SanitizeSubmission]
    config.TrustedExecute.limits = job.limits
    config.TrustedExecute.sandbox = job.sandbox
    config.TrustedExecute.profile = job.profile
    config.TrustedExecute.fast = job.fast
    config.TrustedExecute.held_back = str(held_back) if held_back.is_dir() else ""
    config.TrustedExecute.tests_cwd = str(source_dir)
    config.TrustedExecute.worker_slot = os.getpid()
    config.Exchange.root = str(course.parent / "exchange")
    return config


def execute_submission(job: GradingJob) -> JobResult:
    """Run in a worker: sanitise and execute one submission; never raises."""
    started = time.perf_counter()
    result = JobResult(job.assignment, job.student, "error")
    try:
        _execute(job, result)
    except Exception as exc:  # the worker reports; the writer records a zero with the reason
        result.status = "error"
        result.reason = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
    result.wall_s = time.perf_counter() - started
    return result


def _execute(job: GradingJob, result: JobResult) -> None:
    from autograder.course import run_nbgrader
    from autograder.submission import BadSubmission, copy_submission

    root = Path(job.course_root)
    submitted = root / "submitted" / job.student / job.assignment
    scratch = scratch_dir(root, job.assignment, job.student)
    shutil.rmtree(scratch, ignore_errors=True)
    course = scratch / "course"
    copy = course / "submitted" / job.student / job.assignment
    try:
        result.notes = copy_submission(submitted, copy, GradingLimits.from_dict(job.limits))
    except BadSubmission as exc:
        result.status, result.reason = "invalid", str(exc)
        return
    bad = invalid_notebooks(copy)
    result.notebooks = sorted(p.name for p in copy.glob("*.ipynb"))
    expected = sorted(p.name for p in (root / "release" / job.assignment).glob("*.ipynb"))
    for name in expected:
        if name not in result.notebooks:
            found = ", ".join(result.notebooks) or "no notebook"
            bad[name] = f"missing: the submission has {found}; submit {name} under that name"
    if bad:
        result.status = "invalid"
        result.reason = "; ".join(f"{name}: {why}" for name, why in bad.items())
        return
    shutil.copy2(root / "gradebook.db", course / "gradebook.db")
    config = autograde_config(job, course, root / "source" / job.assignment)
    run_nbgrader(course, "autograde", job.assignment, job.student, overrides=config)
    result.status = "executed"
    result.executed_dir = str(course / "autograded" / job.student / job.assignment)
    result.reason = "; ".join(grading_incidents(Path(result.executed_dir)))


def grading_incidents(executed_dir: Path) -> list[str]:
    """What the grader did about a submission, as its executed notebooks record it."""
    import nbformat

    incidents = []
    for path in sorted(executed_dir.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        found = list(notebook.metadata.get("microfab", {}).get("incidents", []))
        found += _first_errors(notebook)
        incidents += [f"{path.name}: {what[:300]}" for what in found]
    return incidents


def _first_errors(notebook, most: int = 2) -> list[str]:
    """The first errors raised outside the test cells: usually why the tests failed."""
    from autograder.trusted.student_kernel import STOP_ENAME
    from lab_kernels.cells import is_test
    from lab_kernels.run import cell_failures

    untested = [i for i, cell in enumerate(notebook.cells) if not is_test(cell)]
    return [failure.describe() for failure in cell_failures(notebook, untested)
            if failure.ename != STOP_ENAME][:most]
