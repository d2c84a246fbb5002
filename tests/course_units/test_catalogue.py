from pathlib import Path

import pytest
import yaml

from course_units import UnitFormatError, load_catalogue
from course_units.schema import STATIONS

SAMPLE = "00-orientation"


def _edit_unit(root: Path, unit: str, **changes) -> Path:
    path = root / unit / "unit.yaml"
    document = yaml.safe_load(path.read_text())
    for key, value in changes.items():
        if value is None:
            document.pop(key)
        else:
            document[key] = value
    path.write_text(yaml.safe_dump(document))
    return path


def _only_error(root: Path):
    with pytest.raises(UnitFormatError) as info:
        load_catalogue(root)
    assert len(info.value.errors) == 1, info.value.errors
    return info.value.errors[0]


def test_shipped_catalogue_loads_sample_unit():
    catalogue = load_catalogue()
    unit = catalogue.get(SAMPLE)
    assert unit.stage == 1 and unit.station in STATIONS
    assert unit.lesson_path.is_file() and unit.lab_path.is_file()


def test_every_unit_competency_maps_to_a_certification():
    catalogue = load_catalogue()
    for unit in catalogue.units:
        for comp in unit.competencies:
            assert catalogue.competencies[comp]["certifications"]


def test_malformed_yaml_names_file_and_line(units_copy):
    path = units_copy / SAMPLE / "unit.yaml"
    path.write_text(path.read_text() + "\nbroken: [unclosed\n")
    error = _only_error(units_copy)
    assert error.path == path and error.where.startswith("line ")
    assert "malformed YAML" in error.problem


def test_missing_key_is_named(units_copy):
    path = _edit_unit(units_copy, SAMPLE, ci_budget_s=None)
    error = _only_error(units_copy)
    assert error.path == path and "'ci_budget_s' is a required property" in error.problem
    assert "Add the key" in error.fix


def test_unknown_competency_names_the_id_and_known_ones(units_copy):
    _edit_unit(units_copy, SAMPLE, competencies=["MV-ACQ-01", "MV-XYZ-99"])
    error = _only_error(units_copy)
    assert error.where == "competencies.1" and "MV-XYZ-99" in error.problem
    assert "MV-ACQ-01" in error.fix


def test_out_of_range_stage_lists_the_valid_values(units_copy):
    _edit_unit(units_copy, SAMPLE, stage=4)
    error = _only_error(units_copy)
    assert error.where == "stage" and "1, 2, 3" in error.fix


def test_id_must_equal_folder(units_copy):
    _edit_unit(units_copy, SAMPLE, id="01-other")
    assert _only_error(units_copy).where == "id"


def test_unknown_prerequisite(units_copy):
    _edit_unit(units_copy, SAMPLE, prerequisites=["07-nowhere"])
    assert _only_error(units_copy).where == "prerequisites.0"


def test_missing_lesson(units_copy):
    (units_copy / SAMPLE / "lesson.md").unlink()
    assert "lesson.md is missing" in _only_error(units_copy).problem


def test_framework_certification_must_exist(units_copy):
    path = units_copy / "competencies.yaml"
    document = yaml.safe_load(path.read_text())
    document["competencies"]["MV-ACQ-01"]["certifications"].append("NOPE")
    path.write_text(yaml.safe_dump(document))
    error = _only_error(units_copy)
    assert error.path == path and "NOPE" in error.problem


def test_grading_limits_are_validated_and_loaded(units_copy):
    from lab_kernels.limits import GradingLimits

    _edit_unit(units_copy, SAMPLE, grading={"cell_timeout_s": 30, "memory_mb": 4096})
    unit = load_catalogue(units_copy).get(SAMPLE)
    assert GradingLimits.from_unit(unit).memory_mb == 4096
    _edit_unit(units_copy, SAMPLE, grading={"memory_mb": 1})
    assert _only_error(units_copy).where == "grading.memory_mb"
