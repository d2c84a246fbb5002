"""`microfab course build`: a standard nbgrader course directory made from the units."""

from __future__ import annotations

from pathlib import Path

from autograder.course import NbgraderCourse
from autograder.held_back import ensure_held_back
from course_units.catalogue import Catalogue
from course_units.errors import UnitFormatError
from course_units.notebooks import check_lab, read_notebook


def build_course(root: Path, catalogue: Catalogue, unit_ids: list[str] | None = None,
                 course_id: str = "microfab", seed: int | None = None,
                 exchange: str | Path | None = None) -> NbgraderCourse:
    """source/<unit>/<unit>.ipynb for every lab, the gradebook, the student releases and the
    held-back lines of the hidden tests (from the course's secret seed, drawn on first build)."""
    course = NbgraderCourse(root, course_id, exchange=exchange)
    ensure_held_back(course.root, seed)
    units = [catalogue.get(u) for u in unit_ids] if unit_ids else catalogue.units
    for unit in units:
        lab = read_notebook(unit.lab_path)
        problems = check_lab(lab, unit.lab_path)
        if problems:
            raise UnitFormatError(problems)
        course.add_source(unit.id, lab)
        course.generate_assignment(unit.id)
    return course
