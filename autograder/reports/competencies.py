"""Competency attainment per student, and readiness for each certification.

A unit's nbgrader assignment is named by the unit id. A competency's attainment
is a student's mean score fraction over the assignments whose unit lists that
competency (before late penalties: it measures skill; a missing submission
counts 0); it is attained at `pass_level`.
A student is ready for a certification when every competency the framework
maps to it is attained. Units not yet in the gradebook are not counted.
"""

from __future__ import annotations

from dataclasses import dataclass

from course_units import Catalogue

from .gradebook import CourseRecord

DEFAULT_PASS_LEVEL = 0.6
#: Float slack so a mean of exactly the pass level is not missed by rounding.
_EPS = 1e-9


@dataclass(frozen=True)
class Attainment:
    student: str
    competency: str
    attainment: float | None  # None: no assignment proves this competency yet
    attained: bool
    assignments: tuple[str, ...]  # the evidence: assignments whose units list it


@dataclass(frozen=True)
class Readiness:
    student: str
    certification: str
    ready: bool  # every competency mapped to it attained (and at least one is mapped)
    attained: int
    required: int
    missing: tuple[str, ...]  # competencies still to attain, in framework order


def check_pass_level(pass_level: float) -> float:
    if isinstance(pass_level, bool) or not isinstance(pass_level, (int, float)) or not (
        0.0 < pass_level <= 1.0
    ):
        raise ValueError(f"pass_level must be a fraction in (0, 1], got {pass_level!r}")
    return float(pass_level)


def evidence(course: CourseRecord, catalogue: Catalogue) -> dict[str, tuple[str, ...]]:
    """Competency id -> the gradebook assignments (unit ids) whose units list it."""
    in_gradebook = {a.name for a in course.assignments}
    found: dict[str, list[str]] = {comp: [] for comp in catalogue.competencies}
    for unit in catalogue.units:
        if unit.id not in in_gradebook:
            continue
        for comp in unit.competencies:
            if comp not in found:
                raise ValueError(f"unit {unit.id} lists competency {comp!r}, which is not in "
                                 f"the framework of {catalogue.root}; fix its unit.yaml")
            found[comp].append(unit.id)
    return {comp: tuple(names) for comp, names in found.items()}


def competency_attainment(course: CourseRecord, catalogue: Catalogue,
                          pass_level: float = DEFAULT_PASS_LEVEL) -> list[Attainment]:
    """One row per student x competency, students in gradebook order, competencies in
    framework order."""
    pass_level = check_pass_level(pass_level)
    proofs = evidence(course, catalogue)
    rows = []
    for student in course.students:
        for comp, names in proofs.items():
            if not names:
                rows.append(Attainment(student.id, comp, None, False, names))
                continue
            fractions = []
            for name in names:
                submission = course.submission(name, student.id)
                fractions.append(submission.fraction if submission else 0.0)
            level = sum(fractions) / len(fractions)
            rows.append(Attainment(student.id, comp, level, level >= pass_level - _EPS, names))
    return rows


def certificate_readiness(attainments: list[Attainment],
                          catalogue: Catalogue) -> list[Readiness]:
    """One row per student x certification, certifications in framework order."""
    attained: dict[str, set[str]] = {}
    for row in attainments:
        bucket = attained.setdefault(row.student, set())
        if row.attained:
            bucket.add(row.competency)
    rows = []
    for student, done in attained.items():
        for cert in catalogue.certifications:
            required = [comp for comp, spec in catalogue.competencies.items()
                        if cert in spec["certifications"]]
            missing = tuple(comp for comp in required if comp not in done)
            rows.append(Readiness(student, cert, bool(required) and not missing,
                                  len(required) - len(missing), len(required), missing))
    return rows
