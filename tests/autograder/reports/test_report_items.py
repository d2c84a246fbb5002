"""Item analysis and score distribution against hand-computed numbers."""

import math

import pytest

from autograder.reports import (
    AssignmentRecord,
    CellRecord,
    CourseRecord,
    StudentRecord,
    SubmissionRecord,
    group_size,
    item_analysis,
    load_course,
    score_distribution,
)


def by_cell(rows):
    return {(r.assignment, r.cell): r for r in rows}


def test_pass_rate_discrimination_and_point_biserial_per_cell(db_url):
    items = by_cell(item_analysis(load_course(db_url)))
    # 01-acquire, 4 students, groups of round(0.27 * 4) = 1: bottom x042 (2), top ada (5).
    a = items[("01-acquire", "test_a")]
    assert (a.students, a.pass_rate, a.discrimination) == (4, 0.75, 0.0)
    assert a.point_biserial == pytest.approx(0.25 / math.sqrt(0.75 * 4.75))
    b = items[("01-acquire", "test_b")]
    assert (b.pass_rate, b.discrimination) == (0.5, 1.0)
    assert b.point_biserial == pytest.approx(1.5 / math.sqrt(4.75))
    # 02-threshold, 3 submitted (x042 did not): everyone got t1, so r is undefined.
    t1, t2 = items[("02-threshold", "t1")], items[("02-threshold", "t2")]
    assert (t1.students, t1.pass_rate, t1.discrimination, t1.point_biserial) == (
        3, 1.0, 0.0, None)
    assert (t2.pass_rate, t2.discrimination) == (pytest.approx(1 / 3), 1.0)
    assert t2.point_biserial == pytest.approx(3 / math.sqrt(12))


def test_groups_are_the_top_and_bottom_27_percent():
    assert [group_size(n) for n in (1, 3, 4, 10, 30)] == [1, 1, 1, 3, 8]
    cell = CellRecord("a", "a", "q", 1.0)
    passed = {1, 8, 9, 10}  # totals of the students with full points on q
    subs = {("a", f"s{t:02d}"): SubmissionRecord("a", f"s{t:02d}", float(t), 10.0, 0.0,
                                                  {cell.key: float(t in passed)})
            for t in range(1, 11)}
    course = CourseRecord([AssignmentRecord("a", 10.0, [cell])],
                          [StudentRecord(s) for _, s in subs], subs)
    (row,) = item_analysis(course)
    assert row.pass_rate == 0.4
    assert row.discrimination == pytest.approx(1.0 - 1 / 3)  # top 3 all pass, bottom 3: one


def test_score_distribution_counts_only_submissions(db_url):
    rows = {r.assignment: r for r in score_distribution(load_course(db_url))}
    acq, thr = rows["01-acquire"], rows["02-threshold"]
    assert (acq.submitted, acq.mean, acq.minimum, acq.median, acq.maximum) == (
        4, 3.25, 2.0, 3.0, 5.0)
    assert acq.sd == pytest.approx(math.sqrt(4.75 / 4))
    assert (thr.submitted, thr.mean, thr.sd) == (3, 7.0, pytest.approx(math.sqrt(6)))
