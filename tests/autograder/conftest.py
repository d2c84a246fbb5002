"""A tiny lab course for grading tests: fast to execute, easy to attack."""

from __future__ import annotations

import nbformat
import pytest

ASSIGNMENT = "lab-double"

SETUP = "import numpy as np"
SOLUTION = """def double(x):
    ### BEGIN SOLUTION
    return 2 * x
    ### END SOLUTION"""
TEST_VISIBLE = """assert double(2) == 4, "double(2) should be 4"
"""
TEST_ARRAY = """expected = np.array([0, 2, 4])
assert np.array_equal(double(np.arange(3)), expected), "double each element"
### BEGIN HIDDEN TESTS
# hint: check negative numbers too
assert double(-7) == -14, "double(-7) should be -14"
### END HIDDEN TESTS"""


def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    if nbgrader:
        cell.metadata["nbgrader"] = {"schema_version": 3, **nbgrader}
    return cell


def new_rubric_cell(grade_id: str = "explain", points: int = 1,
                    question: str = "Why does `double` work on arrays too?"
                    ) -> nbformat.NotebookNode:
    """A manually graded written answer (nbgrader: grade and solution, in markdown)."""
    cell = nbformat.v4.new_markdown_cell(question)
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": True, "solution": True,
                                 "locked": False, "points": points, "grade_id": grade_id}
    return cell


@pytest.fixture(scope="session")
def rubric_cell():
    """new_rubric_cell(grade_id, points, question) -> a manually graded markdown cell."""
    return new_rubric_cell


def lab_notebook() -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                       "language": "python"}
    notebook.cells = [
        _cell(SETUP, grade=False, solution=False, locked=True, grade_id="setup"),
        _cell(SOLUTION, grade=False, solution=True, locked=False, grade_id="double"),
        _cell(TEST_VISIBLE, grade=True, solution=False, locked=True, points=1,
              grade_id="test_visible"),
        _cell(TEST_ARRAY, grade=True, solution=False, locked=True, points=2,
              grade_id="test_array"),
    ]
    return notebook


@pytest.fixture(scope="session")
def sandbox_available():
    from lab_kernels.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
    except SandboxUnavailable as exc:
        pytest.skip(f"grading sandbox unavailable here: {exc}")


@pytest.fixture(scope="session")
def lab_course_factory(tmp_path_factory, sandbox_available):
    """Make a released nbgrader course with the tiny lab: factory(name) -> NbgraderCourse."""
    from autograder.course import NbgraderCourse

    def make(name: str = "course"):
        course = NbgraderCourse(tmp_path_factory.mktemp(name), "test-course")
        course.add_source(ASSIGNMENT, lab_notebook())
        course.generate_assignment(ASSIGNMENT)
        return course

    return make
