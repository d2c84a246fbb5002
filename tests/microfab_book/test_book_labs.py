"""Labs as the book publishes them: nbgrader's student release, plus expected-output figures
drawn by the solution in a build folder."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import nbformat
import pytest

from course_units import load_catalogue, units_root
from microfab_book.labs import (
    EXPECTED_TAG,
    LabPublishError,
    publish_labs,
    student_page,
)
from microfab_book.layout import EXPECTED_RUNS_DIR, lab_page

EXPECTED_CELL = """
```{code-cell} ipython3
---
nbgrader:
  grade: false
  grade_id: expected_mask
  locked: true
  schema_version: 3
  solution: false
tags: [expected-output]
---
import matplotlib.pyplot as plt
print("solution printed this: " + "SECRET" + "-PRINT")
plt.imshow(part_mask(frame.image), cmap="gray")
plt.title("part mask");
```
"""


@pytest.fixture
def orientation(tmp_path) -> Path:
    """A book root holding only the orientation unit, its lab given an expected-output cell."""
    units = tmp_path / "repo" / "course_units"
    units.mkdir(parents=True)
    shutil.copy2(units_root() / "competencies.yaml", units / "competencies.yaml")
    shutil.copytree(units_root() / "00-orientation", units / "00-orientation")
    lab = units / "00-orientation" / "lab.md"
    text = lab.read_text()
    # after the part-mask solution, before Task 3
    marker = "+++ {\"nbgrader\": {\"grade\": false, \"grade_id\": \"task-report\""
    assert marker in text
    lab.write_text(text.replace(marker, EXPECTED_CELL.lstrip() + "\n" + marker))
    return tmp_path / "repo"


def test_expected_output_is_drawn_by_the_solution_and_only_its_image_is_kept(orientation):
    catalogue = load_catalogue(orientation / "course_units")
    unit = catalogue.get("00-orientation")
    result = publish_labs(orientation, catalogue, log=lambda m: None)
    assert result.made == ["00-orientation"] and result.executed == ["00-orientation"]
    page = nbformat.read(str(lab_page(orientation, unit)), as_version=4)
    tagged = [c for c in page.cells if EXPECTED_TAG in c.metadata.get("tags", [])]
    assert len(tagged) == 1
    outputs = tagged[0].outputs
    assert outputs and all(set(o["data"]) == {"image/png"} for o in outputs)
    assert "Expected output" in tagged[0].metadata["mystnb"]["figure"]["caption"]
    text = json.dumps(page)
    assert "SECRET-PRINT" not in text  # printed text of the solution run is not published
    assert "THRESH_OTSU" not in text  # the solution of part_mask
    assert "BEGIN SOLUTION" not in text and "HIDDEN TESTS" not in text
    assert all(not c.get("outputs") for c in page.cells if c not in tagged)
    assert (orientation / EXPECTED_RUNS_DIR / unit.id).is_dir()


def test_an_unchanged_lab_is_not_released_or_run_again(orientation):
    catalogue = load_catalogue(orientation / "course_units")
    publish_labs(orientation, catalogue, log=lambda m: None)
    again = publish_labs(orientation, catalogue, log=lambda m: None)
    assert again.made == [] and again.executed == [] and again.reused == ["00-orientation"]


def test_a_failing_expected_output_names_the_lab(orientation):
    lab = orientation / "course_units" / "00-orientation" / "lab.md"
    lab.write_text(lab.read_text().replace('plt.title("part mask");', "1 / 0"))
    with pytest.raises(LabPublishError, match=r"00-orientation/lab\.md: code cell \[\d+\] "
                                              r".*raised ZeroDivisionError"):
        publish_labs(orientation, load_catalogue(orientation / "course_units"),
                     log=lambda m: None)


def test_the_page_opens_with_a_note_after_the_title(orientation):
    unit = load_catalogue(orientation / "course_units").get("00-orientation")
    release = nbformat.v4.new_notebook(cells=[nbformat.v4.new_markdown_cell("# Lab: x"),
                                              nbformat.v4.new_code_cell("pass")])
    page = student_page(unit, release, None)
    assert page.cells[0].source == "# Lab: x"
    assert "student version" in page.cells[1].source
    assert "microfab grade validate 00-orientation.ipynb" in page.cells[1].source
