"""The share of a lab's solution lines that stand in its lesson, on normalised tokens."""

from __future__ import annotations

import nbformat

from course_units.verbatim import shape, verbatim_share


def _lab(solution: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell(solution)
    cell.metadata.nbgrader = {"grade_id": "f", "solution": True, "grade": False,
                              "locked": False, "schema_version": 3}
    return nbformat.v4.new_notebook(cells=[cell])


def _lesson(*sources: str) -> nbformat.NotebookNode:
    return nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])


def test_renamed_variables_and_changed_numbers_are_still_the_same_line():
    assert shape("blur = cv2.GaussianBlur(image, (5, 5), 0)") == \
        shape("smooth = cv2.GaussianBlur(img,   (3, 3), 1.5)  # less noise")
    assert shape("blur = cv2.GaussianBlur(image, (5, 5), 0)") != \
        shape("blur = cv2.medianBlur(image, 5)")  # another method is another line


def test_imports_short_lines_and_bare_returns_are_not_counted():
    for line in ("import numpy as np", "from math import pi", "return mask", "h, w = img.shape",
                 "# a comment", ""):
        assert shape(line) is None


BLUR_AND_EDGES = ("def f(image):\n"
                  "    ### BEGIN SOLUTION\n"
                  "    smooth = cv2.GaussianBlur(image, (5, 5), 0)\n"
                  "    edges = cv2.Canny(smooth, 50, 150, L2gradient=True)\n"
                  "    return edges\n"
                  "    ### END SOLUTION\n")


def test_the_share_counts_solution_lines_found_in_the_lesson():
    lab = _lab(BLUR_AND_EDGES)
    lesson = _lesson("blurred = cv2.GaussianBlur(frame, (7, 7), 0)\nplt.imshow(blurred)")
    share = verbatim_share(lab, lesson)
    assert share.counted == 2 and share.found == ["smooth = cv2.GaussianBlur(image, (5, 5), 0)"]
    assert share.share == 0.5
    assert verbatim_share(lab, _lesson("print('nothing alike here at all, none')")).share == 0


def test_a_share_over_the_limit_is_a_problem_that_names_the_files_and_lines():
    lab = _lab(BLUR_AND_EDGES)
    copied = verbatim_share(lab, _lesson("blurred = cv2.GaussianBlur(frame, (7, 7), 0)"))
    problem = copied.problem("units/09/lab.md", "units/09/lesson.md")
    assert "units/09/lab.md" in problem and "units/09/lesson.md" in problem
    assert "1 of the lab's 2 solution lines (50%)" in problem and "variant" in problem
    assert "    smooth = cv2.GaussianBlur(image, (5, 5), 0)" in problem
    assert verbatim_share(lab, _lesson("print('nothing alike here at all, none')")) \
        .problem("lab.md", "lesson.md") is None
