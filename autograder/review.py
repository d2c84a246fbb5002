"""Enterprise review: mentors mark one unit's manually graded cells in nbgrader's formgrader.

`open_review` writes a review course for one assignment into a folder the mentors' group may
write (`microfab deploy hub --review` makes it): a gradebook holding only that assignment and
the students who submitted it, their autograded notebooks and an empty source folder, which
is all the formgrader reads. Nothing else of the course (source with solutions, other units,
submissions, the instructor's gradebook) is in it. `collect_review` brings the mentors' marks
back: only for manually graded cells, never over a mark the instructor gave, and each one
recorded in a ledger so the report can show it came from a mentor.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
import shutil
import sqlite3
import stat
import warnings
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

LEDGER = Path(".microfab") / "review-marks.json"
Key = tuple[str, str, str, str]  # assignment, student, notebook, cell


class ReviewError(ValueError):
    """The review cannot be opened or collected; the message says what to do."""


@dataclass(frozen=True)
class Mark:
    student: str
    notebook: str
    cell: str
    score: float | None
    comment: str = ""


@dataclass
class ReviewOpened:
    folder: Path
    students: list[str]
    collected: ReviewCollected | None  # the marks already made there, brought back first


@dataclass
class ReviewCollected:
    taken: list[Mark] = field(default_factory=list)  # new or changed mentor marks
    kept: list[Mark] = field(default_factory=list)  # the instructor marked these: theirs stays
    refused: list[Mark] = field(default_factory=list)  # changes to autograded cells
    out_of_range: list[Mark] = field(default_factory=list)  # below 0 or over the cell's points
    unknown: list[str] = field(default_factory=list)  # submissions the course no longer has


def ledger_key(key: Key) -> str:
    return "/".join(key)


def mentor_marks(course: Path) -> dict[Key, float]:
    """Every mark a mentor gave that `collect_review` brought into the course's gradebook."""
    path = course / LEDGER
    if not path.is_file():
        return {}
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReviewError(f"{path}: cannot be read ({exc}); restore it from a backup, or "
                          "delete it and run `microfab grade review collect` again") from None
    return {tuple(key.split("/", 3)): entry["score"] for key, entry in entries.items()}


def _write_ledger(course: Path, entries: dict[str, dict]) -> None:
    path = course / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    scratch = path.with_suffix(".json.new")
    scratch.write_text(json.dumps(entries, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(scratch, path)  # a crash leaves the old ledger, never half a new one


@contextmanager
def _gradebook(db: Path):
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    logging.getLogger("alembic").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's harmless autoflush warnings
        with Gradebook(f"sqlite:///{db}", course_id="") as gradebook:
            yield gradebook


def _review_marks(folder: Path, assignment: str) -> list[Mark]:
    db = folder / "gradebook.db"
    if not db.is_file():
        raise ReviewError(f"no review of {assignment} in {folder} (no gradebook.db): open it "
                          f"with `microfab grade review open {assignment} --folder {folder}`")
    marks = []
    with _gradebook(db) as gradebook:
        for submission in gradebook.assignment_submissions(assignment):
            for notebook in submission.notebooks:
                comments = {c.name: c.manual_comment or "" for c in notebook.comments}
                for grade in notebook.grades:
                    marks.append(Mark(submission.student.id, notebook.name, grade.name,
                                      grade.manual_score, comments.get(grade.name, "")))
    return marks


def _rubric_cells(gradebook, assignment: str) -> set[tuple[str, str]]:
    """(notebook, cell) of every manually graded cell: written answers (grade and solution
    cells) and tasks. nbgrader may have scored one already: an unchanged answer gets 0."""
    cells = set()
    for notebook in gradebook.find_assignment(assignment).notebooks:
        answers = {cell.name for cell in notebook.solution_cells}
        cells |= {(notebook.name, c.name) for c in notebook.grade_cells if c.name in answers}
        cells |= {(notebook.name, c.name) for c in notebook.task_cells}
    return cells


def collect_review(course: Path, assignment: str, folder: Path) -> ReviewCollected:
    """Bring the mentors' marks on `assignment` from the review in `folder` into the course."""
    from nbgrader.api import MissingEntry

    if not (course / "gradebook.db").is_file():
        raise ReviewError(f"no gradebook at {course / 'gradebook.db'}: give the course folder "
                          "with --course")
    marks = _review_marks(folder, assignment)
    path = course / LEDGER
    mentor_marks(course)  # a damaged ledger stops here, before the gradebook is touched
    ledger = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
    result = ReviewCollected()
    now = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    with _gradebook(course / "gradebook.db") as gradebook:
        rubric = _rubric_cells(gradebook, assignment)
        for mark in marks:
            key = ledger_key((assignment, mark.student, mark.notebook, mark.cell))
            try:
                grade = gradebook.find_grade(mark.cell, mark.notebook, assignment, mark.student)
            except MissingEntry:
                result.unknown.append(f"{mark.student}/{mark.notebook}/{mark.cell}")
                continue
            if (mark.notebook, mark.cell) not in rubric:  # a test: the autograder's to score
                if mark.score is not None and mark.score != grade.manual_score:
                    result.refused.append(mark)
                continue
            if mark.score is None:
                continue  # not marked yet
            if not 0 <= mark.score <= grade.max_score:  # the formgrader's API does not check
                result.out_of_range.append(mark)
                continue
            earlier = ledger.get(key)
            if grade.manual_score is not None and (earlier is None
                                                   or earlier["score"] != grade.manual_score):
                result.kept.append(mark)  # the instructor gave or changed this mark
                continue
            if earlier and earlier["score"] == mark.score \
                    and earlier.get("comment", "") == mark.comment:
                continue  # collected before, unchanged
            grade.manual_score = mark.score
            grade.needs_manual_grade = False
            if mark.comment:
                try:
                    comment = gradebook.find_comment(mark.cell, mark.notebook, assignment,
                                                     mark.student)
                    if not comment.manual_comment or (
                            earlier and comment.manual_comment == earlier.get("comment")):
                        comment.manual_comment = mark.comment
                except MissingEntry:
                    pass  # a cell without a comment box (a graded test turned rubric)
            ledger[key] = {"score": mark.score, "comment": mark.comment,
                           "review": str(folder), "collected_at": now}
            result.taken.append(mark)
        gradebook.db.commit()
    _write_ledger(course, ledger)
    return result


def _graded_students(course: Path, assignment: str) -> list[str]:
    from autograder.autograde import GradingRefused, check_gradebook

    try:
        check_gradebook(course, assignment)
    except GradingRefused as exc:
        raise ReviewError(str(exc)) from None
    with _gradebook(course / "gradebook.db") as gradebook:
        students = sorted(s.student.id for s in gradebook.assignment_submissions(assignment))
    graded = [s for s in students if (course / "autograded" / s / assignment).is_dir()]
    if not graded:
        raise ReviewError(f"no autograded submission of {assignment} in {course}: run "
                          f"`microfab grade autograde {assignment}` first")
    return graded


def _share_with_group(path: Path) -> None:
    """Group read-write (the mentors' Unix group owns the folder, setgid passes it on)."""
    for item in [path, *path.rglob("*")]:
        info = item.lstat()
        if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
            continue  # a mentor's own file (e.g. a journal) is theirs to share
        item.chmod(stat.S_IMODE(info.st_mode) | (0o2070 if item.is_dir() else 0o060))


def open_review(course: Path, assignment: str, folder: Path) -> ReviewOpened:
    """(Re)write the review course of `assignment` in `folder`; marks already made there are
    collected first, so reopening after more submissions were graded loses nothing."""
    if not folder.is_dir():
        raise ReviewError(f"--folder {folder}: no such folder; `microfab deploy hub --review "
                          f"{assignment}:MENTORS` makes it, writable by the mentors' group")
    students = _graded_students(course, assignment)
    collected = None
    if (folder / "gradebook.db").is_file():
        collected = collect_review(course, assignment, folder)
    scratch = folder / ".gradebook.db.new"
    scratch.unlink(missing_ok=True)
    with sqlite3.connect(f"file:{course / 'gradebook.db'}?mode=ro", uri=True,
                         timeout=30) as main, sqlite3.connect(scratch) as copy:
        main.backup(copy)  # consistent even while the formgrader writes the gradebook
    with _gradebook(scratch) as gradebook:
        for other in [a.name for a in gradebook.assignments if a.name != assignment]:
            gradebook.remove_assignment(other)
        for student in [s.id for s in gradebook.students if s.id not in students]:
            gradebook.remove_student(student)
    autograded = folder / "autograded"
    for student in students:
        target = autograded / student / assignment
        fresh = target.with_name(f".{assignment}.new")
        shutil.rmtree(fresh, ignore_errors=True)
        shutil.copytree(course / "autograded" / student / assignment, fresh)
        shutil.rmtree(target, ignore_errors=True)
        fresh.rename(target)
    for gone in (autograded.iterdir() if autograded.is_dir() else []):
        if gone.is_dir() and gone.name not in students:
            shutil.rmtree(gone)  # a student no longer in the course
    # the formgrader lists the assignments that have a source folder: an empty one, so the
    # solutions and hidden tests stay in the course
    (folder / "source" / assignment).mkdir(parents=True, exist_ok=True)
    os.replace(scratch, folder / "gradebook.db")
    _share_with_group(folder)
    return ReviewOpened(folder, students, collected)
