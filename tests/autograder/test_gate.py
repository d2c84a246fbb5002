"""The gate over the shipped units, and the failures it must catch."""

from pathlib import Path

import pytest

from autograder.gate import check_unit, check_units
from course_units import load_catalogue
from course_units.scaffold import TEMPLATE_DIR, scaffold_unit

pytestmark = pytest.mark.gate


# The whole gate on recorded data; on the twin, every lesson and lab runs and grades alike, but
# the stubs and mutants are not graded again: their verdicts judge the tests, which read the
# held-back line whatever the profile. Both profiles whole took 16 of the gate's 20 minutes on 2
# cores with units 00-10 alone (`microfab unit check --profile sim` still runs it whole).
@pytest.mark.parametrize("profile, strength", [("replay", True), ("sim", False)])
def test_every_shipped_unit_passes_the_gate_with_both_cores_busy(tmp_path, profile, strength):
    units = load_catalogue().units
    results = check_units(units, tmp_path, jobs=2, profile=profile, strength=strength)
    assert [r.unit_id for r in results] == [u.id for u in units]
    for result in results:
        assert result.passed, "\n".join(result.problems)
        assert result.source_score == result.max_score > 0
        assert result.release_score == 0
        assert result.run_s <= result.budget_s
        assert result.strength_checked == strength
        assert result.mutants == (len(next(u for u in units if u.id == result.unit_id).mutants)
                                  if strength else 0)


@pytest.fixture
def scaffolded(units_copy: Path):
    """A fresh unit made by `microfab unit new` from the template brief."""
    scaffold_unit(units_copy, "09-scaffolded", TEMPLATE_DIR / "brief.yaml")
    return load_catalogue(units_copy).get("09-scaffolded")


def test_a_scaffolded_unit_passes_the_gate(scaffolded, tmp_path):
    result = check_unit(scaffolded, tmp_path)
    assert result.passed, "\n".join(result.problems)
    quick = check_unit(scaffolded, tmp_path / "quick", strength=False)  # `unit check --quick`
    assert quick.passed and quick.source_score == quick.max_score > 0
    assert quick.release_score == 0 and quick.mutants == 0 and not quick.strength_checked


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


def test_a_lab_whose_solution_stands_in_its_lesson_fails_naming_the_lines(scaffolded, tmp_path):
    lesson = scaffolded.lesson_path
    # the lab's one solution line, renamed: still the same line
    lesson.write_text(lesson.read_text() + "\n```{code-cell} ipython3\ndef brightness(img):\n"
                      "    return float(img.mean())\n```\n")
    result = check_unit(scaffolded, tmp_path)
    assert not result.passed and result.verbatim_share == 1.0
    problem = next(p for p in result.problems if "over the limit of 10%" in p)
    assert str(scaffolded.lab_path) in problem and "return float(image.mean())" in problem


def test_a_lab_without_graded_cells_is_refused_before_running(scaffolded, tmp_path):
    lab = scaffolded.lab_path
    lab.write_text(lab.read_text().replace("grade: true", "grade: false"))
    result = check_unit(scaffolded, tmp_path)
    assert any("no graded test cell" in p and str(lab) in p for p in result.problems)
    assert result.lesson_s == 0  # refused before anything executed


def _declare_mutants(unit, *mutants):
    import yaml

    path = unit.folder / "unit.yaml"
    document = yaml.safe_load(path.read_text())
    keys = ("name", "replaces", "why", "code")
    document["mutants"] = [dict(zip(keys, m, strict=True)) for m in mutants]
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    return load_catalogue(unit.folder.parent).get(unit.id)


def test_a_declared_mutant_must_fail_a_graded_test(scaffolded, tmp_path):
    unit = _declare_mutants(
        scaffolded,
        ("first-row-only", "mean_grey", "averages only the first row of the image",
         "def mean_grey(image):\n    return float(image[0].mean())\n"),
        ("median-not-mean", "mean_grey", "takes the median grey level, not the mean",
         "import numpy as np\n\ndef mean_grey(image):\n    return float(np.median(image))\n"),
        ("exact-copy", "mean_grey", "the right answer, renamed: no test can catch it",
         "def mean_grey(image):\n    return float(image.mean())\n"))
    result = check_unit(unit, tmp_path)
    assert result.mutants == 3
    assert result.surviving_mutants == ["exact-copy"]
    assert any("mutants: exact-copy" in p and "scores full marks" in p for p in result.problems)


def test_a_mutant_of_a_cell_that_is_no_solution_is_named(scaffolded, tmp_path):
    unit = _declare_mutants(scaffolded, ("wrong-cell", "setup", "replaces the wrong cell",
                                         "pass\n"))
    result = check_unit(unit, tmp_path)
    assert any("mutants: wrong-cell" in p and "no solution cell" in p and "mean_grey" in p
               for p in result.problems)
