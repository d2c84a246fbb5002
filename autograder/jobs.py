"""One submission graded in isolation: the work a grading worker (process or Dask) does.

The worker copies the submission and the gradebook into a scratch nbgrader course of its own,
runs nbgrader's autograde there with the sandboxed kernel (sanitising, then executing), and
hands the executed notebooks back. It never writes the course's gradebook: the writer does.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.limits import GradingLimits

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


def scratch_dir(course_root: Path, assignment: str, student: str) -> Path:
    return Path(course_root) / WORK_DIR / "work" / assignment / student


def invalid_notebooks(folder: Path) -> dict[str, str]:
    """Notebook files that nbformat cannot read, with the reason in words."""
    problems = {}
    for path in sorted(folder.glob("*.ipynb")):
        try:
            nbformat.validate(nbformat.read(str(path), as_version=4))
        except Exception as exc:  # JSON, schema or encoding: all mean "not a notebook"
            first_line = str(exc).splitlines()[0][:200] if str(exc) else ""
            problems[path.name] = (f"not a readable notebook ({type(exc).__name__}: "
                                   f"{first_line}); re-save it from Jupyter and submit again")
    return problems


CONFIG = """\
from nbgrader.preprocessors import (CheckCellMetadata, ClearOutput, OverwriteCells,
                                    OverwriteKernelspec)
from autograder.sandboxed_execute import SandboxedExecute
from autograder.sanitize import DeduplicateGradeIds
c = get_config()  # noqa: F821
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateGradeIds, OverwriteKernelspec,
                                      OverwriteCells, CheckCellMetadata]
c.CourseDirectory.root = {root!r}
c.CourseDirectory.db_url = {db_url!r}
c.Autograde.autograde_preprocessors = [SandboxedExecute]
c.SandboxedExecute.timeout = {timeout}
c.SandboxedExecute.startup_timeout = 30
c.SandboxedExecute.max_output_bytes = {max_output_bytes}
c.SandboxedExecute.kernel_name = {kernel!r}
c.KernelManager.transport = "ipc"
c.KernelManager.ip = {ipc!r}
c.Exchange.root = {exchange!r}
"""


def _write_policy(job: GradingJob, scratch: Path, sockets: Path,
                  limits: GradingLimits) -> Path:
    from lab_kernels.sandbox import SANDBOX_UID_BASE, SandboxPolicy, python_read_only_dirs

    work_dir = scratch / "course" / "autograded" / job.student / job.assignment
    work_dir.mkdir(parents=True, exist_ok=True)
    policy = SandboxPolicy(
        work_dir=str(work_dir), socket_dir=str(sockets),
        read_only=python_read_only_dirs(), memory_mb=limits.memory_mb,
        max_processes=limits.max_processes, cpu_s=limits.cpu_s,
        max_file_mb=limits.max_file_mb, uid=SANDBOX_UID_BASE + os.getpid() % 100_000)
    return policy.save(scratch / "policy.json")


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
    root = Path(job.course_root)
    submitted = root / "submitted" / job.student / job.assignment
    scratch = scratch_dir(root, job.assignment, job.student)
    shutil.rmtree(scratch, ignore_errors=True)
    course = scratch / "course"
    shutil.copytree(submitted, course / "submitted" / job.student / job.assignment)
    bad = invalid_notebooks(submitted)
    result.notebooks = sorted(p.name for p in submitted.glob("*.ipynb"))
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
    # IPC socket paths must stay under the 107-byte Unix limit, wherever the course lives
    sockets = Path(tempfile.mkdtemp(prefix="mf-"))
    try:
        _run_autograde(job, scratch, sockets)
    finally:
        shutil.rmtree(sockets, ignore_errors=True)
    result.status = "executed"
    result.executed_dir = str(course / "autograded" / job.student / job.assignment)
    result.reason = "; ".join(grading_incidents(Path(result.executed_dir)))


def _run_autograde(job: GradingJob, scratch: Path, sockets: Path) -> None:
    from autograder.course import run_nbgrader
    from lab_kernels.kernelspecs import GRADER_KERNEL, UNSAFE_KERNEL, install_grader_kernel
    from lab_kernels.sandbox import POLICY_ENV

    course = scratch / "course"
    limits = GradingLimits(**job.limits)
    jupyter_dir = install_grader_kernel(scratch / "jupyter").parent.parent
    os.environ["JUPYTER_PATH"] = str(jupyter_dir)
    os.environ["MICROFAB_PROFILE"] = job.profile  # the kernel inherits these
    os.environ["MICROFAB_FAST"] = "1" if job.fast else "0"
    os.environ[POLICY_ENV] = str(_write_policy(job, scratch, sockets, limits))
    (course / "nbgrader_config.py").write_text(CONFIG.format(
        root=str(course), db_url=f"sqlite:///{course / 'gradebook.db'}",
        timeout=limits.cell_timeout_s, max_output_bytes=int(limits.max_output_mb * 1e6),
        kernel=GRADER_KERNEL if job.sandbox else UNSAFE_KERNEL,
        ipc=str(sockets / "ipc"), exchange=str(scratch / "exchange")))
    run_nbgrader(course, "autograde", job.assignment, job.student)


# What the grader did about a submission, as seen in its executed notebooks.
INCIDENT_MARKERS = {
    "CellTimeoutError": "a cell ran past its time limit",
    "microfab grader: output stopped": "output limit exceeded",
    "microfab grader: restored": "library functions were monkeypatched (restored for the tests)",
    "MemoryError": "memory limit reached",
    "DeadKernelError": "the kernel stopped (it exited, was killed or ran out of memory)",
}


def grading_incidents(executed_dir: Path) -> list[str]:
    incidents = []
    for path in sorted(executed_dir.glob("*.ipynb")):
        notebook = nbformat.read(str(path), as_version=4)
        stopped = notebook.metadata.get("microfab", {}).get("grading_stopped", "")
        text = json.dumps([c.get("outputs", []) for c in notebook.cells]) + stopped
        found = [what for marker, what in INCIDENT_MARKERS.items() if marker in text]
        if stopped and not found:
            found.append(f"the kernel stopped ({stopped[:200]})")
        found += _first_errors(notebook)
        incidents += [f"{path.name}: {what}" for what in found]
    return incidents


def _first_errors(notebook, most: int = 2) -> list[str]:
    """The first errors raised outside the test cells: usually why the tests failed."""
    errors = []
    for index, cell in enumerate(notebook.cells):
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if cell.cell_type != "code" or (meta.get("grade") and not meta.get("solution")):
            continue
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") != "GradingStopped":
                where = meta.get("grade_id") or f"cell {index}"
                errors.append(f"{where} raised {output['ename']}: {output['evalue'][:150]}")
    return errors[:most]
