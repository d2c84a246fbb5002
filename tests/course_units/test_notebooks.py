import json

import jupytext
import nbformat
import pytest

from course_units import load_catalogue
from course_units.notebooks import check_lab, check_lesson, nbgrader_cells, read_notebook

UNITS = load_catalogue().units
NBGRADER_KEYS = ("solution", "grade", "locked", "points", "grade_id", "schema_version")


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_nbgrader_metadata_round_trips_between_md_and_ipynb(unit, tmp_path):
    original = read_notebook(unit.lab_path)
    ipynb = tmp_path / "lab.ipynb"
    nbformat.write(original, str(ipynb))
    back_to_md = jupytext.writes(nbformat.read(str(ipynb), as_version=4), fmt="md:myst")
    again = jupytext.reads(back_to_md, fmt="md:myst")
    before = [(i, {k: m.get(k) for k in NBGRADER_KEYS}) for i, m in nbgrader_cells(original)]
    after = [(i, {k: m.get(k) for k in NBGRADER_KEYS}) for i, m in nbgrader_cells(again)]
    assert before == after and before
    # types survive too: booleans stay booleans, points stay numbers
    assert all(isinstance(m["solution"], bool) for _, m in nbgrader_cells(again))
    assert json.dumps(before, sort_keys=True) == json.dumps(after, sort_keys=True)
    assert [c.source for c in original.cells] == [c.source for c in again.cells]


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.id)
def test_shipped_units_pass_format_checks(unit):
    assert check_lesson(read_notebook(unit.lesson_path), unit.lesson_path) == []
    assert check_lab(read_notebook(unit.lab_path), unit.lab_path) == []


def test_no_committed_notebook_carries_outputs():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "course_units"
    offenders = []
    for path in root.rglob("*.ipynb"):
        notebook = nbformat.read(str(path), as_version=4)
        if any(c.get("outputs") for c in notebook.cells if c.cell_type == "code"):
            offenders.append(str(path))
    for path in root.rglob("*.md"):
        if "```{code-cell}" in path.read_text() and "outputs:" in path.read_text():
            offenders.append(str(path))
    assert offenders == [], f"sources must carry no outputs: {offenders}"


def _lab(cells):
    notebook = nbformat.v4.new_notebook()
    notebook.cells = cells
    return notebook


def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def test_lab_without_graded_cell_is_refused(tmp_path):
    lab = _lab([_cell("x = 1", grade=False, solution=True, locked=False, grade_id="x")])
    problems = check_lab(lab, tmp_path / "lab.md")
    assert any("no graded test cell" in p.problem for p in problems)


def test_duplicated_grade_id_names_both_cells(tmp_path):
    lab = _lab([
        _cell("x = 1", grade=False, solution=True, locked=False, grade_id="x"),
        _cell("assert x", grade=True, solution=False, locked=True, points=1, grade_id="x"),
    ])
    problems = [p for p in check_lab(lab, tmp_path / "lab.md") if "duplicated" in p.problem]
    assert [p.where for p in problems] == ["cell 0, grade_id 'x'", "cell 1, grade_id 'x'"]


def test_unlocked_test_cell_is_refused(tmp_path):
    lab = _lab([
        _cell("x = 1", grade=False, solution=True, locked=False, grade_id="x"),
        _cell("assert x", grade=True, solution=False, locked=False, points=1, grade_id="t"),
    ])
    assert any("not locked" in p.problem for p in check_lab(lab, tmp_path / "lab.md"))


def test_lesson_needs_one_parameters_cell(tmp_path):
    lesson = _lab([nbformat.v4.new_code_cell("x = 1")])
    assert "parameters" in check_lesson(lesson, tmp_path / "lesson.md")[0].problem
