"""Submissions with one solution replaced by its student stub, to prove tests can fail."""

from __future__ import annotations

import copy

import nbformat

from course_units.notebooks import nbgrader_cells


def _cells_by_grade_id(notebook: nbformat.NotebookNode) -> dict[str, int]:
    return {meta["grade_id"]: index for index, meta in nbgrader_cells(notebook)}


def stub_one(source: nbformat.NotebookNode, release: nbformat.NotebookNode,
             grade_id: str) -> nbformat.NotebookNode:
    """The source notebook with only the solution cell `grade_id` taken from the release."""
    hybrid = copy.deepcopy(source)
    target = _cells_by_grade_id(hybrid)[grade_id]
    stub = release.cells[_cells_by_grade_id(release)[grade_id]]
    hybrid.cells[target].source = stub.source
    return hybrid
