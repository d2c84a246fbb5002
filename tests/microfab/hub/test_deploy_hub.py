"""`microfab deploy hub` writes a JupyterHub configuration that JupyterHub's own loader reads:
where it binds, the groups, the limits, each role's server settings; bad input names the
option or file and writes nothing."""

from __future__ import annotations

import json
import re
import stat
from pathlib import Path

import pytest
from traitlets.config import PyFileConfigLoader

from microfab.cli import main
from microfab.commands import USAGE


def _deploy(*args: str) -> int:
    return main(["deploy", "hub", *args])


def _load(folder: Path, name: str = "jupyterhub_config.py"):
    return PyFileConfigLoader(name, str(folder)).load_config()


@pytest.fixture
def course(tmp_path):
    from autograder.course import NbgraderCourse

    return NbgraderCourse(tmp_path / "course", "vision-101").root


@pytest.fixture
def students(tmp_path):
    path = tmp_path / "students.txt"
    path.write_text("# class of spring\nalice\n\nbob  # late enrolment\n")
    return path


def _hub(tmp_path, course, students, *more: str) -> int:
    return _deploy("--course", str(course), "--out", str(tmp_path / "hub"), "--instructors",
                   "prof,ta", "--students-file", str(students), "--exchange",
                   str(tmp_path / "exchange"), *more)


def test_the_config_loads_in_jupyterhub_and_binds_where_asked(tmp_path, course, students,
                                                              capsys):
    assert _hub(tmp_path, course, students, "--port", "8123", "--hub-port", "8124",
                "--proxy-api-port", "8125", "--mem-limit", "1.5G", "--cpu-limit", "0.5") == 0
    config = _load(tmp_path / "hub")
    assert config.JupyterHub.bind_url == "http://127.0.0.1:8123/"
    assert config.JupyterHub.hub_bind_url == "http://127.0.0.1:8124/"
    assert config.ConfigurableHTTPProxy.api_url == "http://127.0.0.1:8125"
    assert config.Spawner.ip == "127.0.0.1"
    assert config.Spawner.mem_limit == "1.5G" and config.Spawner.cpu_limit == 0.5
    assert config.JupyterHub.authenticator_class == "jupyterhub.auth.PAMAuthenticator"
    assert config.JupyterHub.load_groups == {"instructors": {"users": ["prof", "ta"]},
                                             "students": {"users": ["alice", "bob"]}}
    assert set(config.Authenticator.allowed_users) == {"prof", "ta", "alice", "bob"}
    [role] = config.JupyterHub.load_roles
    assert role["groups"] == ["instructors"] and "list:users!group=students" in role["scopes"]
    assert not any("admin" in scope for scope in role["scopes"])
    assert callable(config.Spawner.pre_spawn_hook)
    out = capsys.readouterr().out
    assert "advisory with the local spawner" in out and "jupyterhub -f" in out
    text = (tmp_path / "hub" / "jupyterhub_config.py").read_text()
    assert "LocalProcessSpawner does NOT enforce these" in text
    assert stat.S_IMODE((tmp_path / "hub" / "state").stat().st_mode) == 0o700


def test_the_exchange_is_sticky_and_world_writable_and_the_course_private(tmp_path, course,
                                                                          students):
    course.chmod(0o755)
    assert _hub(tmp_path, course, students) == 0
    assert stat.S_IMODE((tmp_path / "exchange").stat().st_mode) == 0o1777
    assert stat.S_IMODE(course.stat().st_mode) == 0o700


def test_each_role_gets_its_extensions_and_the_same_exchange(tmp_path, course, students):
    assert _hub(tmp_path, course, students) == 0
    roles = tmp_path / "hub" / "jupyter"
    student = json.loads((roles / "students" / "jupyter_server_config.json").read_text())
    instructor = json.loads((roles / "instructors" / "jupyter_server_config.json").read_text())
    extensions = student["ServerApp"]["jpserver_extensions"]
    assert extensions["nbgrader.server_extensions.formgrader"] is False
    assert extensions["nbgrader.server_extensions.assignment_list"] is True
    assert extensions["nbgitpuller"] is True
    assert all(instructor["ServerApp"]["jpserver_extensions"].values())
    page = json.loads((roles / "students" / "labconfig" / "page_config.json").read_text())
    assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    for role in ("students", "instructors"):
        nbgrader = _load(roles / role, "nbgrader_config.py")
        assert nbgrader.Exchange.root == str(tmp_path / "exchange")
        assert nbgrader.CourseDirectory.course_id == "vision-101"
    assert _load(roles / "instructors", "nbgrader_config.py").CourseDirectory.root == str(course)
    assert "root" not in _load(roles / "students", "nbgrader_config.py").CourseDirectory
    kernels = tmp_path / "hub" / "share" / "jupyter" / "kernels"
    assert (kernels / "microfab-sim" / "kernel.json").is_file()
    assert stat.S_IMODE((kernels / "microfab-sim").stat().st_mode) == 0o755  # every user's
    assert _load(tmp_path / "hub").Spawner.environment["JUPYTER_PATH"] == str(kernels.parent)


def test_dummy_authentication_is_refused_without_the_flag(tmp_path, course, students, capsys):
    assert _hub(tmp_path, course, students, "--authenticator", "dummy") == USAGE
    assert "--insecure-test-auth" in capsys.readouterr().err
    assert not (tmp_path / "hub").exists() and not (tmp_path / "exchange").exists()
    assert _hub(tmp_path, course, students, "--authenticator", "dummy",
                "--insecure-test-auth") == 0
    config = _load(tmp_path / "hub")
    password = tmp_path / "hub" / "state" / "test-password"
    assert config.JupyterHub.authenticator_class == "jupyterhub.auth.DummyAuthenticator"
    assert config.DummyAuthenticator.password == password.read_text().strip()
    assert stat.S_IMODE(password.stat().st_mode) == 0o600


@pytest.mark.parametrize(("args", "named"), [
    (["--mem-limit", "lots"], "--mem-limit 'lots'"),
    (["--cpu-limit", "0"], "--cpu-limit 0"),
    (["--port", "70000"], "--port 70000"),
    (["--students", "Alice Smith"], "--students: 'Alice Smith'"),
    (["--students", "prof"], "both name prof"),
    (["--exchange", "relative/exchange"], "--exchange relative/exchange"),
])
def test_bad_options_are_named_and_nothing_is_written(tmp_path, course, students, capsys,
                                                      args, named):
    assert _hub(tmp_path, course, students, *args) == USAGE
    assert named in capsys.readouterr().err
    assert not (tmp_path / "hub").exists()


def test_a_bad_students_file_is_named_with_its_line(tmp_path, course, capsys):
    bad = tmp_path / "students.txt"
    bad.write_text("alice\nBob@school\n")
    assert _hub(tmp_path, course, bad) == USAGE
    assert f"{bad} line 2: 'Bob@school'" in capsys.readouterr().err
    assert _hub(tmp_path, course, tmp_path / "missing.txt") == USAGE
    assert "--students-file" in capsys.readouterr().err


def test_a_folder_that_is_not_a_built_course_is_refused(tmp_path, students, capsys):
    (tmp_path / "empty").mkdir()
    assert _hub(tmp_path, tmp_path / "empty", students) == USAGE
    err = capsys.readouterr().err
    assert "no nbgrader_config.py" in err and "microfab course build" in err
    assert not (tmp_path / "hub").exists()


def test_the_launch_link_pulls_the_book_with_nbgitpuller():
    from microfab.hub.links import pull_link

    link = pull_link("https://hub.example.edu/", "https://git.example.edu/microfab.git",
                     "main", "course_units/00-orientation/lesson.md")
    assert link == ("https://hub.example.edu/hub/user-redirect/git-pull?repo=https%3A%2F%2F"
                    "git.example.edu%2Fmicrofab.git&branch=main&urlpath=lab%2Ftree%2Fmicrofab"
                    "%2Fcourse_units%2F00-orientation%2Flesson.md")


def test_the_help_explains_each_option_limits_and_exit_status(capsys):
    with pytest.raises(SystemExit) as caught:
        _deploy("--help")
    assert caught.value.code == 0
    printed = " ".join(capsys.readouterr().out.split())
    for option in ("--course", "--out", "--hub-url", "--port", "--instructors",
                   "--students-file", "--mem-limit", "--cpu-limit", "--exchange",
                   "--insecure-test-auth"):
        assert option in printed
    assert "LocalProcessSpawner does not enforce them" in printed
    assert re.search(r"exit status: 0 .* 1 .* 2 bad usage or bad input", printed)


@pytest.mark.parametrize("review, message", [
    ("lab-review", "--review 'lab-review': give UNIT:MENTOR[,MENTOR...]"),
    ("no-unit:root", "--review no-unit: the course has no such assignment"),
    ("lab-review:alice", "--review lab-review: alice is also an instructor or a student"),
    ("lab-review:Bad Name", "--review lab-review: 'Bad Name' is not a Unix user name"),
    ("lab-review:mfnosuchmentor", "mentor mfnosuchmentor has no Unix account; create it first"),
])
def test_bad_reviews_name_the_option_and_write_nothing(tmp_path, course, students, capsys,
                                                      review, message):
    (course / "source" / "lab-review").mkdir(parents=True)
    assert _hub(tmp_path, course, students, "--review", review) == USAGE
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err
    assert not (tmp_path / "hub").exists()
