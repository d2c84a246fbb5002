"""The gate over the shipped units, and the failures it must catch."""

from pathlib import Path

import pytest

from autograder.gate import check_unit, check_units
from course_units import load_catalogue
from course_units.scaffold import TEMPLATE_DIR, scaffold_unit

pytestmark = pytest.mark.gate


@pytest.mark.parametrize("profile", ["replay", "sim"])
def test_every_shipped_unit_passes_the_gate_with_both_cores_busy(tmp_path, profile):
    units = load_catalogue().units
    results = check_units(units, tmp_path, jobs=2, profile=profile)
    assert [r.unit_id for r in results] == [u.id for u in units]
    for result in results:
        assert result.passed, "\n".join(result.problems)
        assert result.source_score == result.max_score > 0
        assert result.release_score == 0
        assert result.run_s <= result.budget_s


@pytest.fixture
def scaffolded(units_copy: Path):
    """A fresh unit made by `microfab unit new` from the template brief."""
    scaffold_unit(units_copy, "09-scaffolded", TEMPLATE_DIR / "brief.yaml")
    return load_catalogue(units_copy).get("09-scaffolded")


def test_a_scaffolded_unit_passes_the_gate(scaffolded, tmp_path):
    result = check_unit(scaffolded, tmp_path)
    assert result.passed, "\n".join(result.problems)


def test_a_test_that_passes_on_the_stub_is_reported_vacuous(scaffolded, tmp_path):
    lab = scaffolded.lab_path
    weak = "assert mean_grey is not None, 'define mean_grey'"
    text = lab.read_text()
    start = text.index("assert abs(mean_grey(np.array")
    end = text.index("```", start)
    lab.write_text(text[:start] + weak + "\n" + text[end:])
    result = check_unit(scaffolded, tmp_path)
    assert not result.passed
    assert result.vacuous_tests == ["test_mean_grey"]
    assert result.untested_solutions == ["mean_grey"]
    assert result.release_score > 0
    assert any("vacuous test" in p and "test_mean_grey" in p for p in result.problems)


def test_a_lesson_that_raises_names_the_file_cell_and_error(scaffolded, tmp_path):
    lesson = scaffolded.lesson_path
    lesson.write_text(lesson.read_text().replace(
        "print(frame.part_id", "raise RuntimeError('camera cable unplugged')\nprint(frame.part_id"))
    result = check_unit(scaffolded, tmp_path)
    assert not result.passed
    problem = next(p for p in result.problems if str(lesson) in p)
    assert "RuntimeError: camera cable unplugged" in problem and "code cell" in problem


def test_a_lab_without_graded_cells_is_refused_before_running(scaffolded, tmp_path):
    lab = scaffolded.lab_path
    lab.write_text(lab.read_text().replace("grade: true", "grade: false"))
    result = check_unit(scaffolded, tmp_path)
    assert any("no graded test cell" in p and str(lab) in p for p in result.problems)
    assert result.lesson_s == 0  # refused before anything executed
