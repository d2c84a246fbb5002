"""Unit notebooks: MyST markdown sources read through jupytext, and the lab's nbgrader cells."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import nbformat

from course_units.errors import FormatError, UnitFormatError
from lab_kernels.cells import answer_ids, is_graded, is_test, test_ids

NBGRADER_SCHEMA_VERSION = 3
# nbgrader's markers: what the student release replaces or removes
MARKERS = {
    "solution": (r"#+\s*BEGIN SOLUTION", r"#+\s*END SOLUTION"),
    "hidden test": (r"#+\s*BEGIN HIDDEN TESTS", r"#+\s*END HIDDEN TESTS"),
    "mark scheme": (r"=+\s*BEGIN MARK SCHEME\s*=+", r"=+\s*END MARK SCHEME\s*=+"),
}



def read_notebook(path: Path) -> nbformat.NotebookNode:
    """A MyST (.md) or .ipynb source as an nbformat 4 notebook with cell ids."""
    import jupytext  # imported on first read: a process that only checks markers stays light

    try:
        notebook = jupytext.read(path)
    except Exception as exc:  # jupytext raises many types for a broken source
        raise UnitFormatError([FormatError(
            Path(path), "", f"cannot read the notebook ({exc})",
            "Check the MyST front matter and the ```{code-cell} fences",
        )]) from exc
    notebook.nbformat, notebook.nbformat_minor = 4, 5
    nbformat.validator.normalize(notebook)
    for index, cell in enumerate(notebook.cells):
        cell.setdefault("id", f"cell-{index}")
    return notebook


def write_ipynb(notebook: nbformat.NotebookNode, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(path))
    return path


def nbgrader_cells(notebook: nbformat.NotebookNode) -> list[tuple[int, dict]]:
    """(cell index, nbgrader metadata) for every cell nbgrader manages."""
    return [
        (index, cell.metadata["nbgrader"])
        for index, cell in enumerate(notebook.cells)
        if "nbgrader" in cell.get("metadata", {})
    ]


def check_lab(notebook: nbformat.NotebookNode, path: Path) -> list[FormatError]:
    """Problems that would make nbgrader or the gate fail, each naming its cell."""
    problems = []
    cells = nbgrader_cells(notebook)
    ids = Counter(meta.get("grade_id") for _, meta in cells)
    for index, meta in cells:
        grade_id = meta.get("grade_id")
        where = f"cell {index}" + (f", grade_id {grade_id!r}" if grade_id else "")
        if not grade_id:
            problems.append(FormatError(path, where, "nbgrader cell without a grade_id",
                                        "Give the cell a unique grade_id"))
        elif ids[grade_id] > 1:
            problems.append(FormatError(path, where, f"duplicated grade_id {grade_id!r}",
                                        "Give every nbgrader cell its own grade_id"))
        if meta.get("schema_version") != NBGRADER_SCHEMA_VERSION:
            problems.append(FormatError(
                path, where, f"nbgrader schema_version is {meta.get('schema_version')!r}",
                f"Set schema_version: {NBGRADER_SCHEMA_VERSION}"))
        cell = notebook.cells[index]
        if is_graded(cell) and not isinstance(meta.get("points"), int | float):
            problems.append(FormatError(path, where, "graded cell without points",
                                        "Add points: N (N > 0)"))
        if is_test(cell) and not meta.get("locked"):
            problems.append(FormatError(path, where, "test cell is not locked",
                                        "Set locked: true so students cannot edit the test"))
    if not test_ids(notebook):
        problems.append(FormatError(
            path, "", "the lab has no graded test cell",
            "Add a code cell with nbgrader grade: true, solution: false, locked: true, points > 0",
        ))
    if not answer_ids(notebook):
        problems.append(FormatError(
            path, "", "the lab has no solution cell",
            "Mark the cell the student completes with nbgrader solution: true",
        ))
    return problems


def check_lesson(notebook: nbformat.NotebookNode, path: Path) -> list[FormatError]:
    """A lesson needs a cell tagged 'parameters' so papermill can inject the URI and FAST flag."""
    tagged = [c for c in notebook.cells if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        return [FormatError(
            path, "", f"{len(tagged)} cells tagged 'parameters' (need exactly one)",
            "Tag the cell that sets camera_uri and FAST with :tags: [parameters]",
        )]
    return []


def cells_with_outputs(notebook: nbformat.NotebookNode) -> list[int]:
    return [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and c.get("outputs")]


def marked_regions(source: str, begin: str, end: str) -> tuple[list[str], list[str]]:
    """(lines inside begin/end markers, lines outside)."""
    inside, outside, within = [], [], False
    for line in source.splitlines():
        stripped = line.strip()
        if re.fullmatch(begin + r".*", stripped):
            within = True
        elif re.fullmatch(end + r".*", stripped):
            within = False
        else:
            (inside if within else outside).append(line)
    return inside, outside
