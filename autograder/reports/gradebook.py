"""Read an nbgrader gradebook into plain records, through nbgrader's own Gradebook API.

Reports and LMS exports work on these records, so they never hold a database
session and never write to the instructor's gradebook.
"""

from __future__ import annotations

import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.engine import make_url

#: Scores within this of the maximum count as full points (floats from the database).
FULL_POINTS_TOLERANCE = 1e-9


class GradebookError(RuntimeError):
    """The gradebook could not be read; the message says which and what to do."""


@dataclass(frozen=True)
class StudentRecord:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""

    @property
    def sortable_name(self) -> str:
        """'Last, First' as LMS rosters list students; the id when no name is known."""
        if self.last_name and self.first_name:
            return f"{self.last_name}, {self.first_name}"
        return self.last_name or self.first_name or self.id


@dataclass(frozen=True)
class CellRecord:
    """A graded cell (autograded test or manually graded task) of an assignment."""

    assignment: str
    notebook: str
    name: str
    max_score: float

    @property
    def key(self) -> tuple[str, str]:
        return self.notebook, self.name


@dataclass(frozen=True)
class AssignmentRecord:
    name: str
    max_score: float
    cells: list[CellRecord]


@dataclass(frozen=True)
class SubmissionRecord:
    assignment: str
    student: str
    score: float  # before any late penalty
    max_score: float
    late_penalty: float
    cell_scores: dict[tuple[str, str], float] = field(default_factory=dict)
    # who gave each cell's score: autograder, instructor, mentor, or "not marked"
    cell_sources: dict[tuple[str, str], str] = field(default_factory=dict)

    @property
    def final_score(self) -> float:
        """What nbgrader exports: the score less the late penalty, never below zero."""
        return max(0.0, self.score - self.late_penalty)

    @property
    def fraction(self) -> float:
        return self.score / self.max_score if self.max_score > 0 else 0.0


@dataclass(frozen=True)
class CourseRecord:
    assignments: list[AssignmentRecord]  # by due date, then name (nbgrader's order)
    students: list[StudentRecord]  # by last name, first name, id
    submissions: dict[tuple[str, str], SubmissionRecord]  # (assignment, student id)

    def submission(self, assignment: str, student: str) -> SubmissionRecord | None:
        return self.submissions.get((assignment, student))

    def graded(self, names: list[str] | None = None) -> CourseRecord:
        """The course limited to assignments with at least one graded submission (an
        assignment never released or never graded teaches nothing yet), or to `names`."""
        if names:
            unknown = sorted(set(names) - {a.name for a in self.assignments})
            if unknown:
                raise KeyError(f"no assignment {', '.join(map(repr, unknown))} in the gradebook "
                               f"(assignments: {', '.join(a.name for a in self.assignments)})")
        with_grades = {name for name, _ in self.submissions}
        kept = [a for a in self.assignments
                if (a.name in names if names else a.name in with_grades)]
        names_kept = {a.name for a in kept}
        return CourseRecord(kept, self.students,
                            {k: v for k, v in self.submissions.items() if k[0] in names_kept})

    def assignment(self, name: str) -> AssignmentRecord:
        for record in self.assignments:
            if record.name == name:
                return record
        raise KeyError(f"no assignment {name!r} in the gradebook "
                       f"(assignments: {', '.join(a.name for a in self.assignments) or 'none'})")


def _check_exists(db_url: str) -> None:
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        path = Path(url.database)
        if not path.is_file():
            raise GradebookError(
                f"no gradebook at {path} (from {db_url}); give the db_url of an nbgrader "
                "course (c.CourseDirectory.db_url in nbgrader_config.py, usually "
                "sqlite:///<course>/gradebook.db)"
            )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def mark_source(grade, mentor_score: float | None) -> str:
    """Who gave a grade: a manual score is a mentor's when it is the one a review brought in
    (`microfab grade review collect`), else the instructor's; else the autograder's."""
    if grade.manual_score is not None:
        return "mentor" if grade.manual_score == mentor_score else "instructor"
    return "autograder" if grade.auto_score is not None else "not marked"


def load_course(db_url: str, mentor_marks: dict[tuple[str, str, str, str], float] | None = None
                ) -> CourseRecord:
    """Every assignment, graded cell, student and submission in the gradebook; `mentor_marks`
    ({(assignment, student, notebook, cell): score}) tells mentors' marks from instructors'."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    _check_exists(db_url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)  # nbgrader's harmless autoflush warnings
        # course_id="" reads without adding a course row to the instructor's gradebook.
        with Gradebook(db_url, course_id="") as gradebook:
            assignments = []
            for a in gradebook.assignments:
                cells = [CellRecord(a.name, nb.name, c.name, float(c.max_score))
                         for nb in sorted(a.notebooks, key=lambda n: n.name)
                         for c in nb.grade_cells + nb.task_cells]
                assignments.append(AssignmentRecord(a.name, float(a.max_score or 0.0), cells))
            students = sorted(
                (StudentRecord(s.id, _text(s.first_name), _text(s.last_name), _text(s.email),
                               _text(s.lms_user_id)) for s in gradebook.students),
                key=lambda s: (s.last_name, s.first_name, s.id),
            )
            submissions = {}
            for a in gradebook.assignments:
                for sub in a.submissions:
                    cell_scores = {(nb.name, g.name): float(g.score or 0.0)
                                   for nb in sub.notebooks for g in nb.grades}
                    marks = mentor_marks or {}
                    cell_sources = {
                        (nb.name, g.name): mark_source(
                            g, marks.get((a.name, sub.student.id, nb.name, g.name)))
                        for nb in sub.notebooks for g in nb.grades}
                    submissions[(a.name, sub.student.id)] = SubmissionRecord(
                        a.name, sub.student.id, float(sub.score or 0.0),
                        float(sub.max_score or 0.0), float(sub.late_submission_penalty or 0.0),
                        cell_scores, cell_sources,
                    )
    return CourseRecord(assignments, students, submissions)
