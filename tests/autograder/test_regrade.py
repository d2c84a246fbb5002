"""`microfab grade autograde --regrade`: the instructor fixes a wrong expected value in a test
and every submission is graded again, manual marks kept, failures kept at their old score.

Four students of the tiny lab: s00 and s03 are right (s03's regrade fails), s01 submitted the
blank release, s02 doubles numbers but not arrays. The run is interrupted once (as Ctrl-C stops
it) and finished by the command line."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import nbformat
import pytest

from autograder.autograde import GradingRefused, autograde
from autograder.jobs import JobResult
from autograder.regrade import regrade, regrade_failure
from lab_kernels.limits import GradingLimits
from microfab.cli import main

pytestmark = pytest.mark.gate
ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py
RIGHT, SLIP = "np.array([0, 2, 4])", "np.array([0, 2, 5])"  # the instructor's wrong expectation
FAST = GradingLimits(cell_timeout_s=20)
WORKER_DIED = "the grading worker ran past 140 s on this submission and was stopped"


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _with_slip(course, rubric_cell):
    """The lab with a wrong expected value in test_array and a manually graded answer."""
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    _cell(source, "test_array").source = _cell(source, "test_array").source.replace(RIGHT, SLIP)
    source.cells.insert(2, rubric_cell())
    course.add_source(ASSIGNMENT, source)
    course.generate_assignment(ASSIGNMENT)
    return source


def _mark_by_hand(course, student):
    """What the formgrader does when the instructor marks `explain`: nbgrader's gradebook API."""
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("explain", ASSIGNMENT, ASSIGNMENT, student)
        grade.manual_score, grade.extra_credit = 1.0, 0.5
        gradebook.find_comment("explain", ASSIGNMENT, ASSIGNMENT, student).manual_comment = \
            "clear: numpy broadcasts the product"
        gradebook.db.commit()


def _failing(students, stop=None):
    """execute_submission, but `students` fail as a dead worker does and `stop` interrupts."""
    from autograder.jobs import execute_submission

    def execute(job):
        if job.student == stop:
            raise KeyboardInterrupt
        if job.student in students:
            return JobResult(job.assignment, job.student, "error", reason=WORKER_DIED)
        return execute_submission(job)

    return execute


def _cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", "autograde", *args])
    return code, out.getvalue(), err.getvalue()


def _totals(course):
    from autograder.course import assignment_scores

    return {s: score for s, (score, _) in assignment_scores(course.root, ASSIGNMENT).items()}


@pytest.fixture(scope="module")
def regraded(lab_course_factory, rubric_cell):
    course = lab_course_factory("regrade")
    source = _with_slip(course, rubric_cell)
    release = nbformat.read(str(course.release_path(ASSIGNMENT)), as_version=4)
    half = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    _cell(half, "double").source = "def double(x):\n    return 2 * x if np.ndim(x) == 0 else x"
    for student, notebook in (("s00", source), ("s01", release), ("s02", half), ("s03", source)):
        course.submit(ASSIGNMENT, student, notebook)
    autograde(course.root, ASSIGNMENT, limits=FAST, progress=False)
    _mark_by_hand(course, "s00")
    before = _totals(course)
    released = course.release_path(ASSIGNMENT).read_bytes()
    fixed = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    _cell(fixed, "test_array").source = _cell(fixed, "test_array").source.replace(SLIP, RIGHT)
    course.add_source(ASSIGNMENT, fixed)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("autograder.autograde.execute_submission", _failing({"s03"}, stop="s02"))
        with pytest.raises(KeyboardInterrupt):
            regrade(course.root, ASSIGNMENT, limits=FAST, progress=False)
        interrupted = dict(_totals(course))
        patch.setattr("autograder.autograde.execute_submission", _failing({"s03"}))
        cli = _cli("--regrade", ASSIGNMENT, "--course", str(course.root),
                   "--limit", "cell_timeout_s=20")
    return {"course": course, "before": before, "interrupted": interrupted, "cli": cli,
            "released": released, "round": course.root / ".microfab" / "regrade" / ASSIGNMENT}


def test_the_fixed_test_gives_the_right_student_the_points_and_says_who_changed(regraded):
    course, (code, out, err) = regraded["course"], regraded["cli"]
    assert code == 0, err
    assert regraded["before"] == {"s00": 2.5, "s01": 0, "s02": 1, "s03": 1}
    assert _totals(course) == {"s00": 4.5, "s01": 0, "s02": 1, "s03": 1}
    assert "lab-double/test_array: code changed" in out
    rows = {line.split()[0]: line for line in out.splitlines() if line.startswith("s0")}
    assert "2.5 / 4 -> 4.5 / 4" in rows["s00"] and "+2" in rows["s00"]
    assert "0 / 4 -> 0 / 4" in rows["s01"] and "+" not in rows["s01"]
    assert "1 / 4 -> 1 / 4" in rows["s02"] and "+" not in rows["s02"]
    assert "1 score(s) changed: s00" in out
    with open(course.root / "reports" / f"regrade-{ASSIGNMENT}.csv", newline="") as handle:
        table = {row["student"]: row for row in csv.DictReader(handle)}
    assert {s: row["changed"] for s, row in table.items()} == \
        {"s00": "yes", "s01": "no", "s02": "no", "s03": "failed"}
    assert (table["s00"]["score_before"], table["s00"]["score_after"]) == ("2.5", "4.5")
    assert f"reports/regrade-{ASSIGNMENT}.csv" in out


def test_manual_marks_and_comments_survive_the_regrade(regraded):
    from nbgrader.api import Gradebook

    course = regraded["course"]
    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("explain", ASSIGNMENT, ASSIGNMENT, "s00")
        assert (grade.manual_score, grade.extra_credit) == (1.0, 0.5)
        comment = gradebook.find_comment("explain", ASSIGNMENT, ASSIGNMENT, "s00")
        assert comment.manual_comment == "clear: numpy broadcasts the product"
        assert gradebook.find_grade("test_array", ASSIGNMENT, ASSIGNMENT, "s00").score == 2


def test_a_failed_regrade_keeps_the_old_score_and_says_why(regraded):
    _, out, _ = regraded["cli"]
    row = out[out.index("\ns03"):]
    assert "1 / 4 -> 1 / 4" in row and "failed" in row
    assert "the grading worker ran past" in " ".join(row.split())
    assert "the previous grade stays" in " ".join(row.split())
    assert "1 regrade(s) failed, previous grades kept: s03" in out
    graded = regraded["course"].autograded_path(ASSIGNMENT, "s03")
    assert "SubmissionNotGraded" not in graded.read_text()  # no stand-in replaced its grade


def test_the_released_notebook_is_untouched(regraded):
    course = regraded["course"]
    assert course.release_path(ASSIGNMENT).read_bytes() == regraded["released"]
    assert SLIP in course.release_path(ASSIGNMENT).read_text()  # what the students worked on
    assert RIGHT in course.source_path(ASSIGNMENT).read_text()


def test_an_interrupted_regrade_resumes_and_grades_nobody_twice(regraded):
    assert regraded["interrupted"]["s00"] == 4.5  # written before the interruption
    log = regraded["round"] / "current" / "log.jsonl"
    students = [json.loads(line)["student"] for line in log.read_text().splitlines()]
    assert sorted(students) == ["s00", "s01", "s02", "s03"]  # one entry each
    previous = regraded["round"] / "current" / "previous" / "s00" / f"{ASSIGNMENT}.ipynb"
    assert SLIP in previous.read_text()  # the previous result, kept for comparison


def test_the_next_regrade_retries_the_failure_then_finds_nothing_changed(regraded):
    course = regraded["course"]
    code, out, err = _cli("--regrade", ASSIGNMENT, "--course", str(course.root))
    assert code == 0, err
    # the round's table: every change since the tests were fixed, s03's now too
    assert "2 score(s) changed: s00, s03" in out and "failed" not in out
    assert _totals(course) == {"s00": 4.5, "s01": 0, "s02": 1, "s03": 3}
    kept = [p.name for p in regraded["round"].iterdir()]
    assert "current" not in kept and len(kept) == 1  # the finished round, under its start
    code, out, _ = _cli("--regrade", ASSIGNMENT, "--course", str(course.root))
    assert code == 0
    assert "have not changed" in out and "all 4 submission(s) unchanged" in out


def test_unknown_assignments_and_courses_without_submissions_say_what_to_do(lab_course_factory):
    course = lab_course_factory("regrade-empty")
    code, _, err = _cli("--regrade", "lab-triple", "--course", str(course.root))
    assert code == 2 and "unknown assignment 'lab-triple'" in err and ASSIGNMENT in err
    code, _, err = _cli("--regrade", ASSIGNMENT, "--course", str(course.root))
    assert code == 2 and "no submissions of lab-double" in err and "grade collect" in err
    code, _, err = _cli("--regrade", "--force", ASSIGNMENT, "--course", str(course.root))
    assert code == 2 and "leave out --force" in err
    with pytest.raises(GradingRefused, match="submitted"):
        regrade(course.root, ASSIGNMENT, progress=False)


def test_help_explains_regrade(capsys):
    with pytest.raises(SystemExit):
        main(["grade", "autograde", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--regrade" in text and "Manual scores, comments and extra credit stay" in text


def test_a_kernel_that_stopped_is_a_failed_regrade(tmp_path):
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["microfab"] = {"grading_stopped": "the kernel stopped (DeadKernelError)"}
    nbformat.write(notebook, str(tmp_path / f"{ASSIGNMENT}.ipynb"))
    executed = JobResult(ASSIGNMENT, "s00", "executed", executed_dir=str(tmp_path))
    assert "the kernel stopped" in regrade_failure(executed)
    del notebook.metadata["microfab"]
    nbformat.write(notebook, str(tmp_path / f"{ASSIGNMENT}.ipynb"))
    assert regrade_failure(executed) == ""
