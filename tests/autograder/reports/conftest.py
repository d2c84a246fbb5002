"""A small nbgrader gradebook and unit catalogue with hand-checkable numbers.

    assignment    cells (max)          ada     alan        grace   x042 (no name, no email)
    01-acquire    test_a 2, test_b 3   2+3=5   2+1=3       0+3=3   2+0=2
    02-threshold  t1 4, t2 6           4+6=10  4+0=4 (*)   4+3=7   not submitted
    (*) late: penalty 1 point.

Units: 01-acquire -> ACQ; 02-threshold -> ACQ, IMG; 03-edge -> EDGE (not in the gradebook).
Certifications: CERT-A needs ACQ, IMG; CERT-B needs IMG, EDGE; CERT-C has no competency.
"""

from __future__ import annotations

import os
import sys
import warnings

import pytest

from course_units import Catalogue, Unit

STUDENTS = {
    "ada": {"first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.org",
            "lms_user_id": "1001"},
    "alan": {"first_name": "Alan", "last_name": "Turing", "email": "alan@example.org"},
    "grace": {"first_name": "Grace", "last_name": "Hopper", "email": "grace@example.org"},
    "x042": {},
}
CELLS = {"01-acquire": {"test_a": 2, "test_b": 3}, "02-threshold": {"t1": 4, "t2": 6}}
SCORES = {
    ("01-acquire", "ada"): {"test_a": 2, "test_b": 3},
    ("01-acquire", "alan"): {"test_a": 2, "test_b": 1},
    ("01-acquire", "grace"): {"test_a": 0, "test_b": 3},
    ("01-acquire", "x042"): {"test_a": 2, "test_b": 0},
    ("02-threshold", "ada"): {"t1": 4, "t2": 6},
    ("02-threshold", "alan"): {"t1": 4, "t2": 0},
    ("02-threshold", "grace"): {"t1": 4, "t2": 3},
}
LATE = {("02-threshold", "alan"): 1.0}


def build_gradebook(path) -> str:
    """Write the gradebook above with nbgrader's API; return its db URL."""
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    db_url = f"sqlite:///{path}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(db_url) as gb:
            for assignment, cells in CELLS.items():
                gb.add_assignment(assignment)
                gb.add_notebook(assignment, assignment)
                for cell, points in cells.items():
                    gb.add_grade_cell(cell, assignment, assignment, max_score=points,
                                      cell_type="code")
            for student, fields in STUDENTS.items():
                gb.add_student(student, **fields)
            for (assignment, student), cells in SCORES.items():
                gb.add_submission(assignment, student)
                for cell, score in cells.items():
                    grade = gb.find_grade(cell, assignment, assignment, student)
                    grade.auto_score, grade.needs_manual_grade = float(score), False
                late = LATE.get((assignment, student))
                if late:
                    notebook = gb.find_submission_notebook(assignment, assignment, student)
                    notebook.late_submission_penalty = late
                gb.db.commit()
    return db_url


@pytest.fixture(scope="session")
def db_url(tmp_path_factory):
    """Built once (nbgrader's schema setup takes seconds); tests only read it."""
    with pytest.MonkeyPatch.context() as patch:
        # nbgrader runs `alembic` from PATH when it creates a gradebook: use this env's.
        patch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
        return build_gradebook(tmp_path_factory.mktemp("gradebook") / "gradebook.db")


def _unit(root, unit_id, competencies):
    return Unit(id=unit_id, title=unit_id, stage=1, station="acquisition", enterprise_case={},
                outcomes=[], competencies=competencies, hardware=[], data=[],
                learning_time_min=30, ci_budget_s=60, folder=root / unit_id)


@pytest.fixture
def catalogue(tmp_path):
    return Catalogue(
        root=tmp_path,
        units=[_unit(tmp_path, "01-acquire", ["ACQ"]),
               _unit(tmp_path, "02-threshold", ["ACQ", "IMG"]),
               _unit(tmp_path, "03-edge", ["EDGE"])],
        certifications={"CERT-A": {"title": "Vision technician"},
                        "CERT-B": {"title": "Edge deployment"},
                        "CERT-C": {"title": "Not yet taught"}},
        competencies={"ACQ": {"title": "acquire", "certifications": ["CERT-A"]},
                      "IMG": {"title": "threshold", "certifications": ["CERT-A", "CERT-B"]},
                      "EDGE": {"title": "deploy", "certifications": ["CERT-B"]}},
    )
