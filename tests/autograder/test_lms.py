"""Canvas and Moodle grade-import CSVs from a small nbgrader gradebook, row by row.

    student                         01-acquire (q1 2 + q2 3)   02-threshold (t 10)
    ada  Ada Lovelace, Canvas 1001  2 + 3 = 5                  7.5, 1 point late penalty
    kim  (no name, no email)        1 + 0 = 1                  not submitted
"""

import csv
import os
import sys
import warnings

import pytest

from autograder.lms import export_canvas, export_moodle


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SAWarning

    url = f"sqlite:///{tmp_path_factory.mktemp('lms') / 'gradebook.db'}"
    with pytest.MonkeyPatch.context() as patch, warnings.catch_warnings():
        # nbgrader runs `alembic` from PATH when it creates a gradebook: use this env's.
        patch.setenv("PATH", os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"])
        warnings.simplefilter("ignore", SAWarning)
        with Gradebook(url) as gb:
            for name, cells in {"01-acquire": {"q1": 2, "q2": 3},
                                "02-threshold": {"t": 10}}.items():
                gb.add_assignment(name)
                gb.add_notebook(name, name)
                for cell, points in cells.items():
                    gb.add_grade_cell(cell, name, name, max_score=points, cell_type="code")
            gb.add_student("ada", first_name="Ada", last_name="Lovelace",
                           email="ada@example.org", lms_user_id="1001")
            gb.add_student("kim")
            for (name, student), scores in {("01-acquire", "ada"): {"q1": 2, "q2": 3},
                                            ("02-threshold", "ada"): {"t": 7.5},
                                            ("01-acquire", "kim"): {"q1": 1, "q2": 0}}.items():
                gb.add_submission(name, student)
                for cell, score in scores.items():
                    gb.find_grade(cell, name, name, student).auto_score = score
            gb.find_submission_notebook("02-threshold", "02-threshold",
                                        "ada").late_submission_penalty = 1.0
            gb.db.commit()
    return url


def read(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_canvas_header_points_possible_row_and_students(db_url, tmp_path):
    path = export_canvas(db_url, tmp_path / "canvas.csv")
    assert read(path) == [
        ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", "01-acquire",
         "02-threshold"],
        ["Points Possible", "", "", "", "", "5", "10"],
        ["kim", "", "kim", "kim", "", "1", ""],  # no name: the id; not submitted: blank
        ["Lovelace, Ada", "1001", "ada", "ada@example.org", "", "5", "6.5"],  # less penalty
    ]
    assert path.read_text(encoding="utf-8").splitlines()[3] == (
        '"Lovelace, Ada",1001,ada,ada@example.org,,5,6.5')


def test_canvas_columns_can_target_existing_assignments_and_a_section(db_url, tmp_path):
    path = export_canvas(db_url, tmp_path / "canvas.csv", section="Line A",
                         canvas_ids={"01-acquire": 4711}, missing="0")
    got = read(path)
    assert got[0][5:] == ["01-acquire (4711)", "02-threshold"]
    assert got[2] == ["kim", "", "kim", "kim", "Line A", "1", "0"]


def test_canvas_ids_for_unknown_assignments_are_refused(db_url, tmp_path):
    with pytest.raises(ValueError, match=r"\['99-typo'\] that are not in the gradebook"):
        export_canvas(db_url, tmp_path / "canvas.csv", canvas_ids={"99-typo": 1})


def test_moodle_rows_by_id_number(db_url, tmp_path):
    path = export_moodle(db_url, tmp_path / "moodle.csv")
    assert read(path) == [
        ["ID number", "01-acquire", "02-threshold"],
        ["kim", "1", ""],
        ["ada", "5", "6.5"],
    ]


def test_moodle_by_email_needs_every_email(db_url, tmp_path):
    with pytest.raises(ValueError, match="students kim have no email address"):
        export_moodle(db_url, tmp_path / "moodle.csv", id_field="email")
    with pytest.raises(ValueError, match="id_field must be one of idnumber, username, email"):
        export_moodle(db_url, tmp_path / "moodle.csv", id_field="matrikel")


def test_moodle_by_username_uses_the_nbgrader_id(db_url, tmp_path):
    got = read(export_moodle(db_url, tmp_path / "moodle.csv", id_field="username"))
    assert [row[0] for row in got] == ["Username", "kim", "ada"]
