"""Cell roles as nbgrader defines them."""

from __future__ import annotations

import nbformat

from lab_kernels import cells
from lab_kernels.cells import grade_id, is_answer, is_given, is_graded, is_solution, is_test


def _cell(kind: str = "code", **nbgrader) -> nbformat.NotebookNode:
    make = nbformat.v4.new_code_cell if kind == "code" else nbformat.v4.new_markdown_cell
    cell = make("x")
    if nbgrader:
        cell.metadata.nbgrader = {"schema_version": 3, "grade": False, "solution": False,
                                  "locked": False, **nbgrader}
    return cell


def test_each_role_is_told_apart():
    test = _cell(grade_id="t", grade=True, locked=True, points=1)
    answer = _cell(grade_id="a", solution=True)
    given = _cell(grade_id="g", locked=True)
    written = _cell("markdown", grade_id="w", solution=True, grade=True, points=2)
    plain = _cell()
    assert [is_test(c) for c in (test, answer, given, written, plain)] == \
        [True, False, False, False, False]
    assert [is_answer(c) for c in (test, answer, given, written, plain)] == \
        [False, True, False, False, False]
    assert [is_given(c) for c in (test, answer, given, written, plain)] == \
        [False, False, True, False, False]
    assert [is_solution(c) for c in (test, answer, given, written, plain)] == \
        [False, True, False, True, False]
    assert [is_graded(c) for c in (test, answer, given, written, plain)] == \
        [True, False, False, True, False]
    assert grade_id(plain) == "" and grade_id(test) == "t"
    notebook = nbformat.v4.new_notebook(cells=[test, answer, given, written, plain])
    assert cells.test_ids(notebook) == ["t"] and cells.answer_ids(notebook) == ["a"]


def test_the_task_heading_is_the_last_heading_above_the_cell():
    import nbformat

    from lab_kernels.cells import task_heading

    notebook = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_markdown_cell("# Lab: the line"),
        nbformat.v4.new_markdown_cell("## Task 2: the part mask (2 points)\n\nWrite it."),
        nbformat.v4.new_markdown_cell("No heading here."),
        nbformat.v4.new_code_cell("assert True"),
    ])
    assert task_heading(notebook, 3) == "Task 2: the part mask (2 points)"
    assert task_heading(notebook, 0) == ""
