"""Regrade an assignment after the instructor fixed its tests, keeping every manual mark.

nbgrader's generate_assignment brings the gradebook's cell definitions (test code, points) up to
date with source/; its student version goes to a scratch folder, so release/ and the exchange
keep the copy students worked on. Every collected submission is then graded again in the same
sandboxed pipeline as autograde. nbgrader's autograde writes only auto scores, so manual scores,
comments and extra credit stay. A submission whose regrade fails keeps its previous grade and is
tried again by the next regrade.

A round (`.microfab/regrade/<assignment>/current/`) holds the scores and definitions before it,
each submission's previous graded notebooks and a log of each regraded submission with the
tests it was graded with, so an interrupted regrade resumes and nothing is graded twice. When
every submission is graded with the current tests, the round is kept under its start time.
"""

from __future__ import annotations

import csv
import hashlib
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from tqdm.auto import tqdm
from traitlets.config import Config

from autograder.autograde import (
    WORKER_MARGIN_S,
    AutogradeRun,
    GradingRefused,
    check_gradebook,
    collected_submissions,
    grading_executions,
)
from autograder.course import assignment_scores, run_nbgrader
from autograder.ingest import ingest, log_refused
from autograder.jobs import WORK_DIR, GradingJob, JobResult
from lab_kernels.limits import GradingLimits

ROUND, LOG = "round.json", "log.jsonl"
Score = tuple[float, float]  # (score, max score), as the gradebook totals them


@dataclass
class Outcome:
    student: str
    before: Score | None  # None: never graded before this round
    after: Score | None
    failed: str = ""  # why the last regrade failed: the previous grade stays

    @property
    def changed(self) -> bool:
        return not self.failed and self.before != self.after


@dataclass
class Regrade:
    assignment: str
    changes: list[str] = field(default_factory=list)  # what changed in the tests, in words
    outcomes: list[Outcome] = field(default_factory=list)
    regraded: list[str] = field(default_factory=list)  # by this run (the rest: earlier runs)
    run: AutogradeRun = field(default_factory=AutogradeRun)  # refused folders, warnings
    finished: bool = False  # every submission is graded with the current tests
    csv_path: Path | None = None

    @property
    def unchanged(self) -> bool:
        """The tests were as last graded: nothing was regraded."""
        return not self.changes and not self.regraded

    def rows(self) -> list[list[str]]:
        """student, before -> after, change, note: the table and the CSV alike."""
        return [[o.student, f"{_score(o.before)} -> {_score(o.after)}", _change(o), _note(o)]
                for o in self.outcomes]


def _score(score: Score | None) -> str:
    return f"{score[0]:g} / {score[1]:g}" if score else "-"


def _change(outcome: Outcome) -> str:
    if outcome.failed:
        return "failed"
    if not outcome.changed:
        return "-"
    if outcome.before is None or outcome.after is None:
        return "graded"
    return f"{outcome.after[0] - outcome.before[0]:+g}" + (
        f" (max {outcome.before[1]:g} -> {outcome.after[1]:g})"
        if outcome.before[1] != outcome.after[1] else "")


def _note(outcome: Outcome) -> str:
    if outcome.failed:
        kept = "the previous grade stays" if outcome.before else "no previous grade"
        return f"regrade failed ({outcome.failed}); {kept}; the next --regrade tries again"
    return ""


def test_definitions(course_root: Path, assignment: str) -> dict[str, dict]:
    """What grading runs, as the gradebook holds it: the code of every read-only and test cell
    and the points of every graded cell, by notebook/grade id."""
    from nbgrader.api import Gradebook

    definitions: dict[str, dict] = {}
    with Gradebook(f"sqlite:///{Path(course_root) / 'gradebook.db'}") as gradebook:
        for notebook in gradebook.find_assignment(assignment).notebooks:
            for cell in notebook.source_cells:
                if cell.cell_type == "code" and cell.locked:
                    definitions.setdefault(f"{notebook.name}/{cell.name}", {})["code"] = \
                        cell.source
            for cell in notebook.grade_cells + notebook.task_cells:
                definitions.setdefault(f"{notebook.name}/{cell.name}", {})["points"] = \
                    float(cell.max_score)
    return definitions


def fingerprint(definitions: dict[str, dict]) -> str:
    return hashlib.sha256(json.dumps(definitions, sort_keys=True).encode()).hexdigest()[:16]


def describe_changes(old: dict[str, dict], new: dict[str, dict]) -> list[str]:
    """Each changed cell in words: `lab/test_array: code changed`, `...: points 1 -> 2`."""
    changes = []
    for name in sorted(old.keys() | new.keys()):
        before, after = old.get(name, {}), new.get(name, {})
        if before.get("code") != after.get("code"):
            changes.append(f"{name}: code " + ("added" if "code" not in before else
                                               "removed" if "code" not in after else "changed"))
        if before.get("points") != after.get("points"):
            changes.append(f"{name}: points {before.get('points', 0):g} -> "
                           f"{after.get('points', 0):g}")
    return changes


def update_gradebook(course_root: Path, assignment: str, scratch: Path) -> None:
    """nbgrader's generate_assignment, from source/ into the gradebook; its student version
    goes to `scratch`, never to release/ (students already have theirs)."""
    config = Config()
    config.CourseDirectory.release_directory = str(scratch.relative_to(course_root))
    run_nbgrader(course_root, "generate_assignment", assignment, force=True, create=True,
                 overrides=config)


def regrade_failure(result: JobResult) -> str:
    """Why a regrade result must not replace the previous grade ('' when it may): the
    submission was not graded, or its kernel or the tests stopped before the end."""
    if result.status != "executed":
        return result.reason.splitlines()[0][:300] if result.reason else result.status
    for path in sorted(Path(result.executed_dir).glob("*.ipynb")):
        stopped = nbformat.read(str(path), as_version=4).metadata.get(
            "microfab", {}).get("grading_stopped")
        if stopped:
            return f"{path.name}: {str(stopped)[:300]}"
    return ""


def _check_assignment(root: Path, assignment: str) -> None:
    sources = root / "source"
    if not (sources / assignment).is_dir():
        known = ", ".join(sorted(p.name for p in sources.iterdir() if p.is_dir())) \
            if sources.is_dir() else "none"
        raise GradingRefused(f"unknown assignment {assignment!r}: there is no "
                             f"{sources / assignment}/ (assignments in {sources}: {known}); "
                             "check the name")
    check_gradebook(root, assignment)


def _students(root: Path, assignment: str, run: AutogradeRun) -> list[str]:
    submitted = root / "submitted"
    students = collected_submissions(root, assignment, run) if submitted.is_dir() else []
    if not students:
        raise GradingRefused(f"no submissions of {assignment} to regrade in {submitted}/ "
                             f"(<student>/{assignment}/): collect them first with `microfab "
                             f"grade collect {assignment}`")
    return students


def _check_sandbox() -> None:
    from lab_kernels.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as exc:
        raise GradingRefused(f"the grading sandbox cannot start: {exc}. Student code would run "
                             f"with your permissions; to do that anyway pass "
                             f"--unsafe-no-sandbox") from exc


def _read_log(folder: Path) -> dict[str, dict]:
    """student -> the last entry of this round's log (a line cut short by a kill is skipped)."""
    entries = {}
    if (folder / LOG).exists():
        for line in (folder / LOG).read_text(encoding="utf-8").splitlines():
            try:
                entry = json.loads(line)
            except json.JSONDecodeError:
                continue
            entries[entry["student"]] = entry
    return entries


def _append_log(folder: Path, entry: dict) -> None:
    entry["at"] = time.strftime("%Y-%m-%dT%H:%M:%S")
    with open(folder / LOG, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry) + "\n")


def _open_round(root: Path, assignment: str, folder: Path) -> dict:
    """The round in progress, or a new one holding the definitions and scores before it
    (written before the gradebook changes, so a kill cannot hide what changed)."""
    if (folder / ROUND).is_file():
        return json.loads((folder / ROUND).read_text(encoding="utf-8"))
    definitions = test_definitions(root, assignment)
    state = {"started": time.strftime("%Y%m%dT%H%M%S"), "definitions": definitions,
             "tests": fingerprint(definitions),
             "before": {s: list(v) for s, v in assignment_scores(root, assignment).items()}}
    folder.mkdir(parents=True, exist_ok=True)
    partial = folder / f"{ROUND}.part"
    partial.write_text(json.dumps(state, indent=1), encoding="utf-8")
    partial.replace(folder / ROUND)
    return state


def _keep_previous(root: Path, assignment: str, student: str, folder: Path) -> None:
    """The graded notebooks before this round, once, for comparison."""
    graded = root / "autograded" / student / assignment
    kept = folder / "previous" / student
    if graded.is_dir() and not kept.exists():
        shutil.copytree(graded, kept)


def write_csv(outcome: Regrade, path: Path) -> Path:
    """The regrade's table as CSV, with scores as numbers."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["student", "score_before", "max_before", "score_after", "max_after",
                         "changed", "note"])
        for o, row in zip(outcome.outcomes, outcome.rows(), strict=True):
            before, after = o.before or ("", ""), o.after or ("", "")
            writer.writerow([o.student, *before, *after,
                             "failed" if o.failed else "yes" if o.changed else "no", row[3]])
    return path


def csv_path(course_root: Path, assignment: str) -> Path:
    """Next to the course's other reports."""
    return Path(course_root) / "reports" / f"regrade-{assignment}.csv"


def regrade(course_root: Path, assignment: str, workers: int = 1,
            dask_address: str | None = None, sandbox: bool = True,
            limits: GradingLimits | None = None, progress: bool = True,
            profile: str = "replay", fast: bool = False) -> Regrade:
    """Bring the gradebook's tests up to date with source/ and regrade every submission that was
    not graded with them yet; write the before/after CSV unless nothing changed."""
    root = Path(course_root).resolve()
    if sandbox:
        _check_sandbox()
    _check_assignment(root, assignment)
    outcome = Regrade(assignment)
    students = _students(root, assignment, outcome.run)
    for folder_name, why in outcome.run.refused.items():
        log_refused(root, assignment, folder_name, why)
    folder = root / WORK_DIR / "regrade" / assignment / "current"
    state = _open_round(root, assignment, folder)
    update_gradebook(root, assignment, folder / "release")  # raises NbgraderError if refused
    definitions = test_definitions(root, assignment)
    tests = fingerprint(definitions)
    outcome.changes = describe_changes(state["definitions"], definitions)
    log = _read_log(folder)

    def graded_with(student: str) -> str:
        return log.get(student, {}).get("graded_with") or state["tests"]

    todo = [s for s in students if graded_with(s) != tests]
    if not outcome.changes and not log:  # nothing changed and nothing was regraded
        shutil.rmtree(folder)
        outcome.finished = True
        scores = assignment_scores(root, assignment)
        outcome.outcomes = [Outcome(s, scores.get(s), scores.get(s)) for s in students]
        return outcome
    limits = limits or GradingLimits()
    jobs = [GradingJob(str(root), assignment, s, limits.as_dict(), sandbox, profile, fast)
            for s in todo]
    for student in todo:
        _keep_previous(root, assignment, student, folder)
    with tqdm(total=len(jobs), desc=f"regrading {assignment}", unit="submission",
              disable=not progress) as bar:
        for result in grading_executions(jobs, workers, dask_address,
                                  limits.notebook_timeout_s + WORKER_MARGIN_S):
            failed = regrade_failure(result)
            if not failed:
                ingest(root, result)  # the one writer of the gradebook, as in autograde
            # a failure keeps the tests the student was graded with: the next run retries
            entry = log.get(result.student, {})
            log[result.student] = {"student": result.student, "failed": failed,
                                   "graded_with": entry.get("graded_with") if failed else tests}
            _append_log(folder, dict(log[result.student]))
            outcome.regraded.append(result.student)
            bar.update(1)
    scores = assignment_scores(root, assignment)
    before = {s: tuple(v) for s, v in state["before"].items()}
    outcome.outcomes = [Outcome(s, before.get(s), scores.get(s), log.get(s, {}).get("failed", ""))
                        for s in students]
    outcome.csv_path = write_csv(outcome, csv_path(root, assignment))
    outcome.finished = all(graded_with(s) == tests for s in students)
    if outcome.finished:  # kept for comparison under its start time
        folder.rename(folder.parent / state["started"])
    return outcome
