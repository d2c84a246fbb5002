"""What a notebook cell is to nbgrader: a test, an answer, or the instructor's given code.

One place asks nbgrader (`nbgrader.utils`) about cell roles; every runner, checker and grader
reads them from here.
"""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nbformat import NotebookNode


@cache
def _nbgrader():
    """nbgrader.utils, imported on first use: importing nbgrader costs half a second."""
    from nbgrader import utils

    return utils


def grade_id(cell: NotebookNode) -> str:
    """The cell's nbgrader grade_id, or "" for a cell nbgrader does not manage."""
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id") or ""


def is_test(cell: NotebookNode) -> bool:
    """An autograded test: graded code that the student does not write."""
    nbgrader = _nbgrader()
    return cell.cell_type == "code" and nbgrader.is_grade(cell) and not nbgrader.is_solution(cell)


def is_solution(cell: NotebookNode) -> bool:
    """A cell nbgrader replaces in the student release: code or a written answer."""
    return _nbgrader().is_solution(cell)


def is_answer(cell: NotebookNode) -> bool:
    """Code the student writes (nbgrader's autograded answer)."""
    return cell.cell_type == "code" and _nbgrader().is_solution(cell)


def is_given(cell: NotebookNode) -> bool:
    """The instructor's read-only code: locked, neither a test nor an answer."""
    nbgrader = _nbgrader()
    return (cell.cell_type == "code" and nbgrader.is_locked(cell) and not nbgrader.is_grade(cell)
            and not nbgrader.is_solution(cell))


def is_graded(cell: NotebookNode) -> bool:
    """Any cell that carries points (tests, and answers graded by hand)."""
    return _nbgrader().is_grade(cell)


def test_ids(notebook: NotebookNode) -> list[str]:
    return [grade_id(cell) for cell in notebook.cells if is_test(cell)]


def answer_ids(notebook: NotebookNode) -> list[str]:
    return [grade_id(cell) for cell in notebook.cells if is_answer(cell)]


def task_heading(notebook: NotebookNode, index: int) -> str:
    """The heading a student reads above cell `index` ("Task 2: the part mask"), or ""."""
    for cell in reversed(notebook.cells[:index]):
        if cell.cell_type == "markdown":
            heading = next((line.lstrip("#").strip() for line in cell.source.splitlines()
                            if line.startswith("#")), "")
            if heading:
                return heading
    return ""
