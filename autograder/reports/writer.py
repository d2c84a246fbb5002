"""`write_reports`: every table as CSV, and one HTML page with the figures, from a gradebook."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy.engine import make_url

from course_units import Catalogue, load_catalogue

from .competencies import (
    DEFAULT_PASS_LEVEL,
    certificate_readiness,
    check_pass_level,
    competency_attainment,
)
from .gradebook import load_course
from .items import item_analysis, score_distribution
from .page import readiness_summary, render_page
from .plots import attainment_heatmap, item_scatter, score_histograms
from .tables import (
    attainment_table,
    distribution_table,
    items_table,
    marks_table,
    readiness_table,
    scores_table,
    sources_table,
)

HTML_NAME = "report.html"


def write_reports(db_url: str, catalogue: Catalogue | None, out_dir: str | Path,
                  pass_level: float = DEFAULT_PASS_LEVEL,
                  mentor_marks: dict[tuple[str, str, str, str], float] | None = None
                  ) -> dict[str, Path]:
    """Write the cohort and competency reports to out_dir; {table name or "html": path}.

    `catalogue` maps units (= nbgrader assignment names) to competencies and
    competencies to certifications; None loads the shipped course_units catalogue.
    `mentor_marks` (autograder.review.mentor_marks) marks the mentors' scores as theirs.
    """
    pass_level = check_pass_level(pass_level)
    catalogue = catalogue if catalogue is not None else load_catalogue()
    # unreleased units: "not yet taught", not zero
    course = load_course(db_url, mentor_marks).graded()
    attainments = competency_attainment(course, catalogue, pass_level)
    readiness = certificate_readiness(attainments, catalogue)
    items = item_analysis(course)
    tables = [
        readiness_table(course, readiness),
        attainment_table(course, attainments),
        distribution_table(score_distribution(course)),
        items_table(items),
        scores_table(course),
        sources_table(course),
        marks_table(course),
    ]
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = {table.name: table.write_csv(out) for table in tables}
    figures = {
        "attainment": attainment_heatmap(attainments, pass_level),
        "scores": score_histograms(course),
        "item_scatter": item_scatter(items),
    }
    source = make_url(db_url).render_as_string(hide_password=True)  # no secrets in the page
    page = render_page("Cohort and competency report", source, pass_level,
                       readiness_summary(readiness, catalogue.certifications), figures, tables)
    written["html"] = out / HTML_NAME
    written["html"].write_text(page, encoding="utf-8")
    return written
