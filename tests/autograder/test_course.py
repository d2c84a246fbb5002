"""The course folder's nbgrader configuration: the exchange it is given stays through rebuilds."""
from autograder.course import NbgraderCourse, configured_exchange, load_config


def test_a_course_names_its_own_exchange_by_default(tmp_path):
    course = NbgraderCourse(tmp_path / "course")
    assert load_config(course.root).Exchange.root == str(course.root / "exchange")


def test_a_shared_exchange_given_once_survives_a_rebuild(tmp_path):
    shared = tmp_path / "srv" / "nbgrader" / "exchange"
    NbgraderCourse(tmp_path / "course", exchange=shared)
    rebuilt = NbgraderCourse(tmp_path / "course")  # `microfab course build` again, no option
    assert configured_exchange(rebuilt.root) == str(shared)
    assert load_config(rebuilt.root).Exchange.root == str(shared)


def test_the_command_line_writes_the_exchange_and_says_where_it_is(tmp_path, capsys):
    from microfab.cli import main

    shared = tmp_path / "exchange"
    course = tmp_path / "course"
    assert main(["course", "build", "00-orientation", "--course", str(course),
                 "--exchange", str(shared)]) == 0
    assert f"exchange: {shared}" in capsys.readouterr().out
    assert configured_exchange(course) == str(shared)
