"""The report's tables, built once and written both as CSV files and as HTML tables."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from .competencies import Attainment, Readiness
from .gradebook import CourseRecord
from .items import ItemStats, ScoreSummary


@dataclass(frozen=True)
class Table:
    name: str  # file stem and key in write_reports' result
    title: str
    columns: list[str]
    rows: list[list[str]]
    on_page: bool = True  # False: too long to read on the page; in its CSV file only

    def write_csv(self, folder: Path) -> Path:
        path = folder / f"{self.name}.csv"
        with path.open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(self.columns)
            writer.writerows(self.rows)
        return path


def number(value: float | None, digits: int = 4) -> str:
    """Fixed precision without trailing zeros: 0.6, 1, 0.3333; blank for no value."""
    if value is None:
        return ""
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def flag(value: bool) -> str:
    return "true" if value else "false"


def _names(course: CourseRecord) -> dict[str, tuple[str, str]]:
    return {s.id: (s.last_name, s.first_name) for s in course.students}


def attainment_table(course: CourseRecord, rows: Sequence[Attainment]) -> Table:
    names = _names(course)
    return Table("competency_attainment", "Competency attainment per student",
                 ["student_id", "last_name", "first_name", "competency", "attainment",
                  "attained", "evidence"],
                 [[r.student, *names[r.student], r.competency, number(r.attainment),
                   flag(r.attained), ";".join(r.assignments)] for r in rows])


def readiness_table(course: CourseRecord, rows: Sequence[Readiness]) -> Table:
    names = _names(course)
    return Table("certificate_readiness", "Certificate readiness per student",
                 ["student_id", "last_name", "first_name", "certification", "ready",
                  "competencies_attained", "competencies_required", "missing"],
                 [[r.student, *names[r.student], r.certification, flag(r.ready),
                   str(r.attained), str(r.required), ";".join(r.missing)] for r in rows])


def scores_table(course: CourseRecord) -> Table:
    rows = []
    for a in course.assignments:
        for s in course.students:
            sub = course.submission(a.name, s.id)
            if sub:
                rows.append([s.id, a.name, number(sub.score), number(a.max_score),
                             number(sub.fraction), number(sub.late_penalty)])
    return Table("assignment_scores", "Scores per student and assignment (submitted only)",
                 ["student_id", "assignment", "score", "max_score", "fraction",
                  "late_penalty"], rows)


def distribution_table(rows: Sequence[ScoreSummary]) -> Table:
    return Table("score_distribution", "Score distribution per assignment",
                 ["assignment", "max_score", "submitted", "mean", "sd", "min", "median",
                  "max"],
                 [[r.assignment, number(r.max_score), str(r.submitted), number(r.mean),
                   number(r.sd), number(r.minimum), number(r.median), number(r.maximum)]
                  for r in rows])


def items_table(rows: Sequence[ItemStats]) -> Table:
    return Table("item_analysis", "Item analysis of every graded cell",
                 ["assignment", "notebook", "cell", "max_score", "students", "mean_score",
                  "pass_rate", "discrimination", "point_biserial"],
                 [[r.assignment, r.notebook, r.cell, number(r.max_score), str(r.students),
                   number(r.mean_score), number(r.pass_rate), number(r.discrimination),
                   number(r.point_biserial)] for r in rows])


SOURCES = ("autograder", "instructor", "mentor", "not marked")


def marks_table(course: CourseRecord) -> Table:
    """Every graded cell of every submission, with who gave its score."""
    rows = []
    for a in course.assignments:
        for s in course.students:
            sub = course.submission(a.name, s.id)
            for cell in a.cells if sub else ():
                rows.append([s.id, a.name, cell.notebook, cell.name,
                             number(sub.cell_scores.get(cell.key)), number(cell.max_score),
                             sub.cell_sources.get(cell.key, "not marked")])
    return Table("cell_marks", "Every cell's mark and who gave it",
                 ["student_id", "assignment", "notebook", "cell", "score", "max_score",
                  "source"], rows, on_page=False)


def sources_table(course: CourseRecord) -> Table:
    """Per assignment, how many cell marks each source gave (cell_marks.csv has each one)."""
    rows = []
    for a in course.assignments:
        counts = dict.fromkeys(SOURCES, 0)
        for (assignment, _), sub in course.submissions.items():
            if assignment == a.name:
                for source in sub.cell_sources.values():
                    counts[source] = counts.get(source, 0) + 1
        rows.append([a.name, *(str(counts[s]) for s in SOURCES)])
    return Table("marks_by_source", "Marks by source (each cell's mark: cell_marks.csv)",
                 ["assignment", *SOURCES], rows)
