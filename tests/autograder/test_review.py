"""`microfab grade review open|collect`: mentors mark a unit's written answers in a review course
that holds only that unit; their marks come back into the course with their source.

Three students of the tiny lab with a written answer (`explain`, 2 points): s00 and s01
submitted; s02 submitted another assignment only. The mentor marks s00 and s01 in the review
gradebook (as the formgrader does, through nbgrader's gradebook API), and also tries to raise
s01's autograded test; the instructor had already marked s01 by hand."""

from __future__ import annotations

import contextlib
import csv
import io
import json

import nbformat
import pytest
from nbgrader.api import Gradebook

from autograder.autograde import autograde
from autograder.review import LEDGER, ReviewError, collect_review, mentor_marks, open_review
from lab_kernels.limits import GradingLimits
from microfab.cli import main

pytestmark = pytest.mark.gate
ASSIGNMENT, OTHER = "lab-double", "lab-other"


def _grade(db, student, cell, score=None, comment=None):
    """Set (or read) one mark, as the formgrader does."""
    with Gradebook(f"sqlite:///{db}") as gradebook:
        grade = gradebook.find_grade(cell, ASSIGNMENT, ASSIGNMENT, student)
        if score is not None:
            grade.manual_score, grade.needs_manual_grade = score, False
        if comment is not None:
            gradebook.find_comment(cell, ASSIGNMENT, ASSIGNMENT, student).manual_comment = comment
        gradebook.db.commit()
        return grade.score


def _cli(*args) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["grade", *args])
    return code, out.getvalue(), err.getvalue()


@pytest.fixture(scope="module")
def reviewed(lab_course_factory, rubric_cell, tmp_path_factory):
    course = lab_course_factory("review")
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    source.cells.insert(2, rubric_cell(points=2))
    course.add_source(ASSIGNMENT, source)
    course.generate_assignment(ASSIGNMENT)
    course.add_source(OTHER, source)
    course.generate_assignment(OTHER)
    for student in ("s00", "s01"):
        course.submit(ASSIGNMENT, student, source)
    course.submit(OTHER, "s02", source)
    for assignment in (ASSIGNMENT, OTHER):
        autograde(course.root, assignment, limits=GradingLimits(cell_timeout_s=20),
                  progress=False)
    _grade(course.root / "gradebook.db", "s01", "explain", 1.0)  # the instructor, first
    folder = tmp_path_factory.mktemp("review-folder")
    opened = _cli("review", "open", ASSIGNMENT, "--course", str(course.root),
                  "--folder", str(folder))
    db = folder / "gradebook.db"
    _grade(db, "s00", "explain", 2.0, "names the broadcasting rule")  # the mentor
    _grade(db, "s01", "explain", 2.0)
    _grade(db, "s01", "test_visible", 0.0)  # not the mentor's to change
    collected = _cli("review", "collect", ASSIGNMENT, "--course", str(course.root),
                     "--folder", str(folder))
    return {"course": course, "folder": folder, "opened": opened, "collected": collected}


def test_the_review_course_holds_only_the_unit_and_its_graded_submissions(reviewed):
    code, out, err = reviewed["opened"]
    assert code == 0, err
    assert "2 submission(s)" in out
    folder = reviewed["folder"]
    with Gradebook(f"sqlite:///{folder / 'gradebook.db'}") as gradebook:
        assert [a.name for a in gradebook.assignments] == [ASSIGNMENT]
        assert sorted(s.id for s in gradebook.students) == ["s00", "s01"]
    assert sorted(p.name for p in (folder / "autograded").iterdir()) == ["s00", "s01"]
    assert (folder / "autograded" / "s00" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb").is_file()
    assert list((folder / "source").rglob("*")) == [folder / "source" / ASSIGNMENT]  # empty
    assert not (folder / "submitted").exists()
    assert (folder / "gradebook.db").stat().st_mode & 0o060 == 0o060  # the mentors' group


def test_mentor_marks_come_back_but_not_over_the_instructor_or_the_autograder(reviewed):
    code, out, err = reviewed["collected"]
    assert code == 0, err
    course = reviewed["course"].root
    db = course / "gradebook.db"
    assert _grade(db, "s00", "explain") == 2.0  # taken
    assert _grade(db, "s01", "explain") == 1.0  # the instructor's mark stays
    assert _grade(db, "s01", "test_visible") == 1.0  # the autograder's score stays
    assert "1 mentor mark(s) collected" in out
    assert "kept the instructor's mark" in out and "not taken: an autograded test" in out
    with Gradebook(f"sqlite:///{db}") as gradebook:
        comment = gradebook.find_comment("explain", ASSIGNMENT, ASSIGNMENT, "s00")
        assert comment.manual_comment == "names the broadcasting rule"
    assert mentor_marks(course) == {(ASSIGNMENT, "s00", ASSIGNMENT, "explain"): 2.0}


def test_the_report_shows_each_mark_by_source(reviewed, tmp_path):
    course = reviewed["course"].root
    code, out, err = _cli("report", "--course", str(course), "--out", str(tmp_path))
    assert code == 0, err
    with (tmp_path / "cell_marks.csv").open() as handle:
        rows = {(r["student_id"], r["assignment"], r["cell"]): r for r in csv.DictReader(handle)}
    assert rows[("s00", ASSIGNMENT, "explain")]["source"] == "mentor"
    assert rows[("s00", ASSIGNMENT, "explain")]["score"] == "2"
    assert rows[("s01", ASSIGNMENT, "explain")]["source"] == "instructor"
    assert rows[("s00", ASSIGNMENT, "test_array")]["source"] == "autograder"
    assert rows[("s02", OTHER, "explain")]["source"] == "not marked"
    with (tmp_path / "marks_by_source.csv").open() as handle:
        counts = {r["assignment"]: r for r in csv.DictReader(handle)}
    assert counts[ASSIGNMENT]["mentor"] == "1" and counts[ASSIGNMENT]["instructor"] == "1"
    assert counts[ASSIGNMENT]["autograder"] == "4"  # two tests for each of two students
    page = (tmp_path / "report.html").read_text()
    assert "Marks by source" in page and "cell_marks.csv" in page


def test_an_instructor_who_changes_a_mentor_mark_owns_it(reviewed, tmp_path):
    course, folder = reviewed["course"].root, reviewed["folder"]
    _grade(course / "gradebook.db", "s00", "explain", 1.5)
    code, out, _ = _cli("review", "collect", ASSIGNMENT, "--course", str(course),
                        "--folder", str(folder))
    assert code == 0 and "kept the instructor's mark" in out
    assert _grade(course / "gradebook.db", "s00", "explain") == 1.5
    _cli("report", "--course", str(course), "--out", str(tmp_path))
    with (tmp_path / "cell_marks.csv").open() as handle:
        [row] = [r for r in csv.DictReader(handle)
                 if (r["student_id"], r["assignment"], r["cell"]) == ("s00", ASSIGNMENT,
                                                                       "explain")]
    assert row["source"] == "instructor"
    _grade(course / "gradebook.db", "s00", "explain", 2.0)  # back to the mentor's mark


def test_reopening_keeps_every_mark_and_collecting_twice_takes_nothing_twice(reviewed):
    course, folder = reviewed["course"].root, reviewed["folder"]
    ledger = json.loads((course / LEDGER).read_text())
    code, out, err = _cli("review", "open", ASSIGNMENT, "--course", str(course),
                          "--folder", str(folder))
    assert code == 0, err
    assert _grade(folder / "gradebook.db", "s00", "explain") == 2.0  # still shown to mentors
    again = collect_review(course, ASSIGNMENT, folder)
    assert again.taken == [] and json.loads((course / LEDGER).read_text()) == ledger


def test_a_mark_outside_the_cells_points_is_not_taken(reviewed):
    course, folder = reviewed["course"].root, reviewed["folder"]
    _grade(folder / "gradebook.db", "s00", "explain", 7.0)  # the API takes it; explain has 2
    code, out, _ = _cli("review", "collect", ASSIGNMENT, "--course", str(course),
                        "--folder", str(folder))
    assert code == 0 and "outside 0 to the cell's points" in out
    assert _grade(course / "gradebook.db", "s00", "explain") == 2.0
    _grade(folder / "gradebook.db", "s00", "explain", 2.0)


def test_bad_input_says_what_to_do(reviewed, tmp_path, lab_course_factory):
    course = reviewed["course"].root
    with pytest.raises(ReviewError, match="no review of lab-double in .* open it with"):
        collect_review(course, ASSIGNMENT, tmp_path)
    with pytest.raises(ReviewError, match="no such folder; `microfab deploy hub --review"):
        open_review(course, ASSIGNMENT, tmp_path / "missing")
    fresh = lab_course_factory("unreviewed").root
    with pytest.raises(ReviewError, match="run `microfab grade autograde lab-double` first"):
        open_review(fresh, ASSIGNMENT, tmp_path)
    ledger = course / LEDGER
    kept = ledger.read_bytes()
    ledger.write_text("{ half a file")
    code, _, err = _cli("review", "collect", ASSIGNMENT, "--course", str(course),
                        "--folder", str(reviewed["folder"]))
    assert code == 2 and "review-marks.json: cannot be read" in err and "Traceback" not in err
    ledger.write_bytes(kept)
    code, _, err = _cli("review", "open", "no-such-unit", "--course", str(course),
                        "--folder", str(tmp_path))
    assert code == 2 and "'no-such-unit' is not in" in err and "Traceback" not in err
