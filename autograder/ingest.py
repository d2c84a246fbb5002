"""The gradebook's one writer: executed submissions become grades through nbgrader itself.

Workers leave executed notebooks; the writer copies them to `.microfab/executed/` and runs
nbgrader's autograde there with the execution step removed (SaveAutoGrades, late penalties,
output limits), so the course's gradebook is written by one process and by nbgrader's own code.
A submission that is not a notebook, or whose grading failed, is ingested as the student
release with every graded cell failing with the reason, so it scores zero and the feedback
says why; the student's files in submitted/ are never touched.
"""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path

import nbformat
from nbformat import NotebookNode
from traitlets.config import Config

from autograder.course import run_nbgrader
from autograder.jobs import WORK_DIR, JobResult, scratch_dir
from autograder.submission import TIMESTAMP
from lab_kernels.cells import is_graded

EXECUTED = f"{WORK_DIR}/executed"
LOG = "grading-log.jsonl"


def _writer_config() -> Config:
    from nbconvert.preprocessors import ClearMetadataPreprocessor
    from nbgrader.preprocessors import (
        AssignLatePenalties,
        CheckCellMetadata,
        IgnorePattern,
        LimitOutput,
        SaveAutoGrades,
    )

    config = Config()
    config.CourseDirectory.submitted_directory = EXECUTED
    config.Autograde.sanitize_preprocessors = []
    config.Autograde.autograde_preprocessors = [
        IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
        AssignLatePenalties, CheckCellMetadata]
    return config


def _failed_stand_in(release: NotebookNode, reason: str) -> NotebookNode:
    """The student release with every graded test failing for `reason`: scores zero, says why."""
    for cell in release.cells:
        if cell.cell_type == "code" and is_graded(cell):
            cell.outputs = [NotebookNode(output_type="error", ename="SubmissionNotGraded",
                                         evalue=reason, traceback=[f"SubmissionNotGraded: "
                                                                   f"{reason}"])]
            cell.execution_count = 1
    return release


def ingest(course_root: Path, result: JobResult) -> None:
    """Write one submission's grades into the course gradebook (call from one process only)."""
    root = Path(course_root)
    target = root / EXECUTED / result.student / result.assignment
    shutil.rmtree(target, ignore_errors=True)
    if result.status == "executed":
        shutil.copytree(result.executed_dir, target)
    else:
        target.mkdir(parents=True)
        release_dir = root / "release" / result.assignment
        for release_path in sorted(release_dir.glob("*.ipynb")):
            release = nbformat.read(str(release_path), as_version=4)
            stand_in = _failed_stand_in(release, result.reason.splitlines()[0][:500])
            nbformat.write(stand_in, str(target / release_path.name))
    # the worker's checked copy: a malformed timestamp there has been repaired
    stamp = scratch_dir(root, result.assignment, result.student) / "course" / "submitted" / \
        result.student / result.assignment / TIMESTAMP
    if stamp.is_file() and not (target / TIMESTAMP).exists():
        shutil.copy2(stamp, target / TIMESTAMP)
    run_nbgrader(root, "autograde", result.assignment, result.student, force=True, create=True,
                 overrides=_writer_config())
    _log(root, result)


def _log(root: Path, result: JobResult) -> None:
    _append(root, {"assignment": result.assignment, "student": result.student,
                   "status": result.status, "reason": result.reason.splitlines()[0][:500]
                   if result.reason else "", "wall_s": round(result.wall_s, 2)})


def log_refused(course_root: Path, assignment: str, folder: str, reason: str) -> None:
    """Record a submission folder that cannot be graded at all (e.g. a bad student id)."""
    _append(Path(course_root), {"assignment": assignment, "student": folder,
                                "status": "refused", "reason": reason, "wall_s": 0.0})


def log_path(course_root: Path) -> Path:
    """The grading log: one JSON line per graded or refused submission, every run."""
    return Path(course_root) / WORK_DIR / LOG


def _append(root: Path, entry: dict) -> None:
    entry["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    (root / WORK_DIR).mkdir(parents=True, exist_ok=True)
    with open(log_path(root), "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def graded_log(course_root: Path) -> dict[tuple[str, str], dict]:
    """(assignment, student) -> the last log entry: what a resumed run may skip."""
    path = log_path(course_root)
    entries = {}
    if path.exists():
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue  # a line cut short by a kill: that submission is graded again
            entries[(entry["assignment"], entry["student"])] = entry
    return entries
