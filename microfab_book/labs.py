"""The labs as the book publishes them: nbgrader's student release, plus the figures of cells
tagged `expected-output`, drawn by the instructor's solution in a build folder.

A lab asks for an expected output by tagging a code cell `expected-output` in lab.md (typically a
locked, ungraded cell that plots what the student's functions return). The book runs the source
lab -- solutions in, hidden tests out -- in _build/book/expected-output/<unit>/, up to the last
tagged cell, and copies only the image outputs of the tagged cells into the student release.
Everything else in the page comes from nbgrader's release: solutions are stubs, hidden tests are
gone, and nothing else of the source run is kept.
"""

from __future__ import annotations

import copy
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from course_units.catalogue import Catalogue, Unit
from course_units.errors import UnitFormatError
from course_units.notebooks import check_lab, read_notebook
from lab_kernels.run import run_notebook
from microfab_book.execute import BOOK_ENV, sessions_fingerprint
from microfab_book.layout import (
    COURSE_DIR,
    EXPECTED_RUNS_DIR,
    LAB_PAGES_DIR,
    lab_page,
    lesson_doc,
)

EXPECTED_TAG = "expected-output"
NOTE_TAG = "microfab-book-note"
IMAGE_TYPES = ("image/png", "image/jpeg", "image/svg+xml")
DIGESTS_FILE = "digests.json"
# Bump when the page this module writes changes, so every lab page is made again.
PAGE_FORMAT = "2"


class LabPublishError(RuntimeError):
    """A lab could not be published; the message names the lab file and the cell."""


@dataclass
class LabPublication:
    made: list[str] = field(default_factory=list)  # unit ids whose page was made again
    reused: list[str] = field(default_factory=list)  # unit ids whose page was up to date
    executed: list[str] = field(default_factory=list)  # unit ids whose source ran for figures
    removed: list[str] = field(default_factory=list)  # pages of units that no longer exist


def lab_digest(unit: Unit, expected_outputs: bool) -> str:
    digest = hashlib.sha256(unit.lab_path.read_bytes())
    digest.update(f"|{PAGE_FORMAT}|{expected_outputs}|".encode())
    if expected_outputs:
        digest.update(sessions_fingerprint())
    return digest.hexdigest()


def expected_cells(notebook: nbformat.NotebookNode) -> list[int]:
    return [i for i, cell in enumerate(notebook.cells)
            if cell.cell_type == "code" and EXPECTED_TAG in cell.metadata.get("tags", [])]


def run_expected_outputs(unit: Unit, source: nbformat.NotebookNode, work_dir: Path,
                         timeout_s: int = 300) -> list[list]:
    """Run the source lab (nbgrader's ClearHiddenTests applied) to its last expected-output
    cell; the image outputs of each expected-output cell, in order."""
    from nbgrader.preprocessors import ClearHiddenTests

    tagged = expected_cells(source)
    notebook = copy.deepcopy(source)
    notebook.cells = notebook.cells[: tagged[-1] + 1]
    notebook, _ = ClearHiddenTests().preprocess(notebook, {})
    work_dir.mkdir(parents=True, exist_ok=True)
    run = run_notebook(notebook, BOOK_ENV, cwd=work_dir, timeout_s=timeout_s,
                       output=work_dir / f"{unit.id}.source-run.ipynb")
    if not run.ok:
        raise LabPublishError(
            f"{run.failure.describe(unit.lab_path)}, while drawing the expected output from the "
            f"solution (the source run is kept in {work_dir})")
    executed = run.notebook.cells
    return [[_image_only(o) for o in executed[i].get("outputs", []) if _image_only(o)]
            for i in tagged]


def _image_only(output) -> nbformat.NotebookNode | None:
    """A display of images only; text, streams and errors are dropped."""
    if output.get("output_type") not in ("display_data", "execute_result"):
        return None
    images = {k: v for k, v in output.get("data", {}).items() if k in IMAGE_TYPES}
    if not images:
        return None
    metadata = {k: v for k, v in output.get("metadata", {}).items() if k in IMAGE_TYPES}
    return nbformat.v4.new_output("display_data", data=images, metadata=metadata)


def _note_cell(unit: Unit) -> nbformat.NotebookNode:
    text = (
        ":::{note}\n"
        "This is the **student version** of the lab: nbgrader took out the solutions and the "
        "hidden tests. Your instructor releases it to you through nbgrader (the *Assignments* "
        "tab on JupyterHub); to work on your own, download it with the download button at the "
        "top of this page. Complete every `YOUR CODE HERE` cell, then check your notebook "
        f"before you submit it: `microfab grade validate {unit.id}.ipynb`. The worked lesson "
        f"of this unit is {{doc}}`/{lesson_doc(unit)}`.\n"
        ":::"
    )
    cell = nbformat.v4.new_markdown_cell(text, metadata={"tags": [NOTE_TAG]})
    cell.id = "microfab-book-note"
    return cell


def student_page(unit: Unit, release: nbformat.NotebookNode,
                 expected: list[list] | None) -> nbformat.NotebookNode:
    """The release with the note after its title and the expected figures in place."""
    page = copy.deepcopy(release)
    tagged = expected_cells(page)
    if expected is not None and len(expected) != len(tagged):
        raise LabPublishError(
            f"{unit.lab_path}: {len(tagged)} expected-output cells in the student release but "
            f"{len(expected)} in the source; nbgrader must keep tagged cells")
    for n, index in enumerate(tagged):
        cell = page.cells[index]
        cell.outputs = expected[n] if expected is not None else []
        if cell.outputs:
            cell.metadata.setdefault("mystnb", {})["figure"] = {
                "caption": "Expected output, drawn by the instructor's solution: your "
                           "functions should produce the same."}
    title_first = page.cells and page.cells[0].cell_type == "markdown" and \
        page.cells[0].source.lstrip().startswith("#")
    page.cells.insert(1 if title_first else 0, _note_cell(unit))
    return page


def _read_digests(folder: Path) -> dict:
    try:
        return json.loads((folder / DIGESTS_FILE).read_text())
    except (OSError, ValueError):
        return {}


def publish_labs(root: Path, catalogue: Catalogue, expected_outputs: bool = True,
                 log=print) -> LabPublication:
    """book/generated/labs/<unit>.ipynb for every unit, made again only when lab.md changed."""
    from autograder.course import NbgraderCourse

    root = Path(root)
    folder = root / LAB_PAGES_DIR
    folder.mkdir(parents=True, exist_ok=True)
    digests = _read_digests(folder)
    result = LabPublication()
    todo = []
    for unit in catalogue.units:
        digest = lab_digest(unit, expected_outputs)
        if digests.get(unit.id) == digest and lab_page(root, unit).is_file():
            result.reused.append(unit.id)
        else:
            todo.append((unit, digest))
    if todo:
        course = NbgraderCourse(root / COURSE_DIR, course_id="microfab-book")
        for unit, digest in todo:
            source = read_notebook(unit.lab_path)
            problems = check_lab(source, unit.lab_path)
            if problems:
                raise UnitFormatError(problems)
            course.add_source(unit.id, source)
            log(f"book: nbgrader student release of {unit.id}")
            release = course.generate_assignment(unit.id)
            expected = None
            if expected_outputs and expected_cells(source):
                log(f"book: drawing the expected output of {unit.id} from its solution")
                expected = run_expected_outputs(unit, source, root / EXPECTED_RUNS_DIR / unit.id)
                result.executed.append(unit.id)
            page = student_page(unit, release, expected)
            text = nbformat.writes(page)
            path = lab_page(root, unit)
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                path.write_text(text, encoding="utf-8")
            digests[unit.id] = digest
            result.made.append(unit.id)
    known = {u.id for u in catalogue.units}
    for stale in sorted(folder.glob("*.ipynb")):
        if stale.stem not in known:
            stale.unlink()
            digests.pop(stale.stem, None)
            result.removed.append(stale.stem)
    digests = {k: v for k, v in digests.items() if k in known}
    (folder / DIGESTS_FILE).write_text(json.dumps(digests, indent=1, sort_keys=True))
    return result
