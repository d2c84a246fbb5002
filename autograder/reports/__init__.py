"""Instructor reports from an nbgrader gradebook and the unit catalogue.

    from autograder.reports import write_reports
    paths = write_reports("sqlite:///course/gradebook.db", None, "_build/reports")

Per student x competency attainment, certificate readiness, score distributions,
item analysis of every graded cell; CSV files and one self-contained HTML page.
"""

from .competencies import (
    DEFAULT_PASS_LEVEL,
    Attainment,
    Readiness,
    certificate_readiness,
    competency_attainment,
)
from .gradebook import (
    AssignmentRecord,
    CellRecord,
    CourseRecord,
    GradebookError,
    StudentRecord,
    SubmissionRecord,
    load_course,
)
from .items import ItemStats, ScoreSummary, group_size, item_analysis, score_distribution
from .writer import write_reports

__all__ = [
    "DEFAULT_PASS_LEVEL", "AssignmentRecord", "Attainment", "CellRecord", "CourseRecord",
    "GradebookError", "ItemStats", "Readiness", "ScoreSummary", "StudentRecord",
    "SubmissionRecord", "certificate_readiness", "competency_attainment", "group_size",
    "item_analysis", "load_course", "score_distribution", "write_reports",
]
