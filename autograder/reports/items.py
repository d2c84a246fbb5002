"""Cohort statistics: score distribution per assignment, and item analysis per graded cell.

Item analysis (classical test theory), over the students who submitted:
- pass rate: share of students with full points on the cell (its "difficulty");
- discrimination index D: pass rate in the top 27 % by assignment total minus
  the pass rate in the bottom 27 % (Kelley's groups; ties broken by student id);
- point-biserial r: Pearson correlation of full-points-or-not with the
  assignment total (uncorrected: the cell's own points are in the total).
A cell with D < 0.2 or r < 0.2 tells strong and weak students apart poorly.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

from .gradebook import FULL_POINTS_TOLERANCE, CourseRecord

GROUP_SHARE = 0.27
#: Below this, a cell's discrimination is usually read as "review this test".
WEAK_DISCRIMINATION = 0.2


@dataclass(frozen=True)
class ScoreSummary:
    assignment: str
    max_score: float
    submitted: int
    mean: float | None
    sd: float | None  # population standard deviation
    minimum: float | None
    median: float | None
    maximum: float | None


@dataclass(frozen=True)
class ItemStats:
    assignment: str
    notebook: str
    cell: str
    max_score: float
    students: int
    mean_score: float | None
    pass_rate: float | None
    discrimination: float | None  # None with fewer than 2 students
    point_biserial: float | None  # None when everyone or no one passed, or totals are equal


def score_distribution(course: CourseRecord) -> list[ScoreSummary]:
    rows = []
    for a in course.assignments:
        scores = [s.score for (name, _), s in course.submissions.items() if name == a.name]
        if not scores:
            rows.append(ScoreSummary(a.name, a.max_score, 0, None, None, None, None, None))
            continue
        rows.append(ScoreSummary(a.name, a.max_score, len(scores), statistics.fmean(scores),
                                 statistics.pstdev(scores), min(scores),
                                 statistics.median(scores), max(scores)))
    return rows


def group_size(students: int, share: float = GROUP_SHARE) -> int:
    """Students in each of the top and bottom groups: round(share x n), at least 1."""
    return max(1, int(share * students + 0.5))


def _pearson(xs: list[float], ys: list[float]) -> float | None:
    mx, my = statistics.fmean(xs), statistics.fmean(ys)
    sxy = sum((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True))
    sxx, syy = sum((x - mx) ** 2 for x in xs), sum((y - my) ** 2 for y in ys)
    return sxy / math.sqrt(sxx * syy) if sxx > 0 and syy > 0 else None


def item_analysis(course: CourseRecord, share: float = GROUP_SHARE) -> list[ItemStats]:
    rows = []
    for a in course.assignments:
        subs = sorted((s for (name, _), s in course.submissions.items() if name == a.name),
                      key=lambda s: (s.score, s.student))  # ascending total, then id
        n = len(subs)
        k = group_size(n, share)
        for cell in a.cells:
            scores = [s.cell_scores.get(cell.key, 0.0) for s in subs]
            passed = [1.0 if v >= cell.max_score - FULL_POINTS_TOLERANCE else 0.0
                      for v in scores]
            if not n:
                rows.append(ItemStats(a.name, cell.notebook, cell.name, cell.max_score, 0,
                                      None, None, None, None))
                continue
            discrimination = (sum(passed[-k:]) / k - sum(passed[:k]) / k) if n >= 2 else None
            r = _pearson(passed, [s.score for s in subs]) if n >= 2 else None
            rows.append(ItemStats(a.name, cell.notebook, cell.name, cell.max_score, n,
                                  statistics.fmean(scores), sum(passed) / n, discrimination, r))
    return rows
