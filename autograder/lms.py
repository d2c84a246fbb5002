"""Grades from the nbgrader gradebook as CSV files that Canvas and Moodle import.

Canvas (Grades > Import): the header `Student,ID,SIS User ID,SIS Login ID,Section`
then one column per assignment, and a "Points Possible" row under it. Canvas
finds each student by ID (its numeric user id: nbgrader's `lms_user_id`), then
SIS User ID (the nbgrader student id), then SIS Login ID (the email, else the id).
A column named "Title (123)" updates Canvas assignment 123; a bare title updates
the assignment of that title or creates one (pass `canvas_ids` to be exact).

Moodle (Grade administration > Import > CSV file): one identifier column, then one
column per assignment; at import, map the identifier column to the matching user
field ("ID number", "Email address" or "Username") and each assignment column to
its grade item.

Scores are what `nbgrader export` reports: the score less any late penalty, never
below zero. A missing submission is written as `missing`: blank by default (no
grade), or e.g. "0" to record it as zero.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from pathlib import Path

from autograder.reports.gradebook import CourseRecord, load_course

CANVAS_STUDENT_COLUMNS = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section"]
#: Canvas recognises this row by its first cell and reads each assignment's maximum from it.
CANVAS_POINTS_ROW = "Points Possible"
#: Moodle identifier -> (column header, how to read it from a student).
MOODLE_ID_FIELDS = {
    "idnumber": ("ID number", lambda s: s.id),
    "username": ("Username", lambda s: s.id),
    "email": ("Email address", lambda s: s.email),
}


def points(value: float) -> str:
    """Up to two decimals, no trailing zeros: 10, 7.5, 6.67."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _score(course: CourseRecord, assignment: str, student: str, missing: str) -> str:
    submission = course.submission(assignment, student)
    return points(submission.final_score) if submission else missing


def _write(rows: list[list[str]], out: str | Path) -> Path:
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


def canvas_rows(course: CourseRecord, section: str = "",
                canvas_ids: Mapping[str, int | str] | None = None,
                missing: str = "") -> list[list[str]]:
    """Header, Points Possible row and one row per student for Canvas's gradebook import."""
    canvas_ids = dict(canvas_ids or {})
    unknown = sorted(set(canvas_ids) - {a.name for a in course.assignments})
    if unknown:
        raise ValueError(f"canvas_ids names assignments {unknown} that are not in the "
                         "gradebook; use nbgrader assignment names as keys")
    titles = [f"{a.name} ({canvas_ids[a.name]})" if a.name in canvas_ids else a.name
              for a in course.assignments]
    rows = [CANVAS_STUDENT_COLUMNS + titles,
            [CANVAS_POINTS_ROW, "", "", "", ""] + [points(a.max_score)
                                                   for a in course.assignments]]
    for s in course.students:
        rows.append([s.sortable_name, s.lms_user_id, s.id, s.email or s.id, section]
                    + [_score(course, a.name, s.id, missing) for a in course.assignments])
    return rows


def moodle_rows(course: CourseRecord, id_field: str = "idnumber",
                missing: str = "") -> list[list[str]]:
    """Header and one row per student for Moodle's CSV grade import."""
    if id_field not in MOODLE_ID_FIELDS:
        raise ValueError(f"id_field must be one of {', '.join(MOODLE_ID_FIELDS)}, "
                         f"got {id_field!r}")
    header, identify = MOODLE_ID_FIELDS[id_field]
    lacking = [s.id for s in course.students if not identify(s)]
    if lacking:
        raise ValueError(
            f"students {', '.join(lacking)} have no {header.lower()} in the gradebook; add it "
            "(nbgrader db student add ID --email=...) or export with id_field='idnumber'"
        )
    rows = [[header] + [a.name for a in course.assignments]]
    for s in course.students:
        rows.append([identify(s)] + [_score(course, a.name, s.id, missing)
                                     for a in course.assignments])
    return rows


def export_canvas(db_url: str, out: str | Path, section: str = "",
                  canvas_ids: Mapping[str, int | str] | None = None,
                  missing: str = "", assignments: list[str] | None = None) -> Path:
    """Write the Canvas gradebook-import CSV for every student: one column per assignment
    in `assignments`, or per assignment with graded submissions."""
    course = load_course(db_url).graded(assignments)
    return _write(canvas_rows(course, section, canvas_ids, missing), out)


def export_moodle(db_url: str, out: str | Path, id_field: str = "idnumber",
                  missing: str = "", assignments: list[str] | None = None) -> Path:
    """Write the Moodle grade-import CSV; id_field: idnumber, username or email; columns as
    export_canvas."""
    return _write(moodle_rows(load_course(db_url).graded(assignments), id_field, missing), out)


__all__ = ["canvas_rows", "export_canvas", "export_moodle", "moodle_rows"]
