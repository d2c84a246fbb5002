import subprocess
import sys

import pytest
import yaml

from microfab.cli import build_parser, main


@pytest.mark.parametrize("argv", [[], ["unit"], ["unit", "check"], ["unit", "new"],
                                  ["book"], ["book", "build"]])
def test_help_explains_every_command(argv, capsys):
    with pytest.raises(SystemExit) as info:
        build_parser().parse_args([*argv, "--help"])
    assert info.value.code == 0
    assert len(capsys.readouterr().out.splitlines()) > 3


def test_unit_list_shows_the_sample_unit_with_metadata():
    out = subprocess.run([sys.executable, "-m", "microfab", "unit", "list"], check=True,
                         capture_output=True, text=True).stdout
    row = next(line for line in out.splitlines() if line.startswith("00-orientation"))
    for expected in ("1 edge development", "acquisition", "MV-ACQ-01", "camera", "45 min"):
        assert expected in row


def test_bad_unit_exits_non_zero_and_names_the_file(units_copy, capsys):
    path = units_copy / "00-orientation" / "unit.yaml"
    document = yaml.safe_load(path.read_text())
    del document["station"]
    path.write_text(yaml.safe_dump(document))
    assert main(["unit", "--units-dir", str(units_copy), "list"]) == 2
    err = capsys.readouterr().err
    assert str(path) in err and "'station' is a required property" in err


def test_unit_new_scaffolds_a_listed_unit(units_copy, capsys):
    from course_units.scaffold import TEMPLATE_DIR

    code = main(["unit", "--units-dir", str(units_copy), "new", "09-new-case",
                 "--brief", str(TEMPLATE_DIR / "brief.yaml")])
    assert code == 0
    folder = units_copy / "09-new-case"
    assert {p.name for p in folder.iterdir()} == {"unit.yaml", "lesson.md", "lab.md"}
    lesson = (folder / "lesson.md").read_text()
    for section in ("## Overview", "## Prerequisites", "Time to learn", "## Imports",
                    "## Summary", "## Exercises", "## What's next"):
        assert section in lesson
    assert main(["unit", "--units-dir", str(units_copy), "list"]) == 0
    assert "09-new-case" in capsys.readouterr().out


def test_unit_new_refuses_a_brief_with_unknown_competency(units_copy, tmp_path, capsys):
    from course_units.scaffold import TEMPLATE_DIR

    brief = yaml.safe_load((TEMPLATE_DIR / "brief.yaml").read_text())
    brief["competencies"] = ["MV-NOPE-01"]
    path = tmp_path / "brief.yaml"
    path.write_text(yaml.safe_dump(brief))
    assert main(["unit", "--units-dir", str(units_copy), "new", "09-x", "--brief",
                 str(path)]) == 2
    assert "MV-NOPE-01" in capsys.readouterr().err
    assert not (units_copy / "09-x").exists()


def test_check_of_unknown_unit_is_refused(capsys):
    assert main(["unit", "check", "99-nowhere"]) == 2
    assert "no unit '99-nowhere'" in capsys.readouterr().err


def test_check_refuses_a_duplicated_grade_id_naming_file_and_cell(units_copy, tmp_path, capsys):
    lab = units_copy / "00-orientation" / "lab.md"
    lab.write_text(lab.read_text().replace("grade_id: part_mask\n", "grade_id: gray_histogram\n"))
    code = main(["unit", "--units-dir", str(units_copy), "check", "--jobs", "1",
                 "--work", str(tmp_path / "gate"), "00-orientation"])
    assert code == 1
    captured = capsys.readouterr()
    assert "FAIL  00-orientation" in captured.out
    assert f"{lab} [cell " in captured.err
    assert "duplicated grade_id 'gray_histogram'" in captured.err
