"""Submissions with one solution replaced, to prove the tests can fail: by its student stub, or
by a mutant (a plausible wrong answer declared in unit.yaml)."""

from __future__ import annotations

import copy

import nbformat

from course_units.notebooks import nbgrader_cells
from lab_kernels.cells import is_answer


def _cells_by_grade_id(notebook: nbformat.NotebookNode) -> dict[str, int]:
    return {meta["grade_id"]: index for index, meta in nbgrader_cells(notebook)}


def replace_solution(source: nbformat.NotebookNode, grade_id: str, code: str
                     ) -> nbformat.NotebookNode:
    """The source notebook with only the solution cell `grade_id` replaced by `code`; KeyError
    when `grade_id` is no solution cell."""
    hybrid = copy.deepcopy(source)
    cells = _cells_by_grade_id(hybrid)
    if grade_id not in cells or not is_answer(hybrid.cells[cells[grade_id]]):
        raise KeyError(grade_id)
    hybrid.cells[cells[grade_id]].source = code
    return hybrid


def stub_one(source: nbformat.NotebookNode, release: nbformat.NotebookNode,
             grade_id: str) -> nbformat.NotebookNode:
    """The source notebook with only the solution cell `grade_id` taken from the release."""
    stub = release.cells[_cells_by_grade_id(release)[grade_id]]
    return replace_solution(source, grade_id, stub.source)
