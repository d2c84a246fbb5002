"""Release and collect through one exchange: the one nbgrader_config.py names, or --exchange."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import nbformat
import pytest

from autograder.course import load_config

ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py


def _grade(course, *args, **env):
    return subprocess.run([sys.executable, "-m", "microfab", "grade", *args, "--course",
                           str(course.root)], capture_output=True, text=True,
                          env={**os.environ, **env})


def _submit(course, exchange, student, tmp_path):
    """A student's `nbgrader submit`, as the hub's Assignments tab runs it."""
    home = tmp_path / student / ASSIGNMENT
    home.mkdir(parents=True)
    shutil.copy(course.release_path(ASSIGNMENT), home / f"{ASSIGNMENT}.ipynb")
    course_id = load_config(course.root).CourseDirectory.course_id
    done = subprocess.run([sys.executable, "-m", "nbgrader", "submit", ASSIGNMENT,
                           f"--course={course_id}", f"--Exchange.root={exchange}",
                           f"--student={student}",  # on a hub, the student's Unix name
                           f"--Exchange.cache={tmp_path / student / 'cache'}"],
                          cwd=tmp_path / student, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


@pytest.fixture
def course(lab_course_factory):
    course = lab_course_factory("exchange")
    assert not (course.root / "exchange").exists()
    return course


def test_collect_before_any_release_says_what_to_do_without_a_traceback(course):
    collect = _grade(course, "collect", ASSIGNMENT)
    assert collect.returncode == 2
    assert f"the exchange {course.root / 'exchange'} does not exist" in collect.stderr
    assert "microfab grade release" in collect.stderr
    assert "Traceback" not in collect.stderr and "contact your instructor" not in collect.stderr


def test_release_and_collect_use_the_exchange_the_config_names(course, tmp_path):
    exchange = course.root / "exchange"  # c.Exchange.root of the course's nbgrader_config.py
    release = _grade(course, "release", ASSIGNMENT)
    assert release.returncode == 0, release.stderr
    assert f"the exchange {exchange}" in release.stdout
    assert oct(exchange.stat().st_mode & 0o777) == "0o777"  # students write their submissions
    assert list(exchange.glob(f"*/outbound/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
    nothing = _grade(course, "collect", ASSIGNMENT)
    assert nothing.returncode == 0 and "no submissions of lab-double" in nothing.stdout
    _submit(course, exchange, "alice", tmp_path)
    collect = _grade(course, "collect", ASSIGNMENT)
    assert collect.returncode == 0, collect.stderr
    assert "1 student(s)" in collect.stdout
    submitted = course.root / "submitted" / "alice" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    assert nbformat.read(str(submitted), as_version=4).cells


def test_an_exchange_that_cannot_be_created_is_a_clear_error(course, tmp_path):
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")
    release = _grade(course, "release", ASSIGNMENT, "--exchange", str(blocked / "exchange"))
    assert release.returncode == 1
    assert f"the exchange {blocked / 'exchange'} cannot be created" in release.stderr
    assert "sudo mkdir -p" in release.stderr and "Traceback" not in release.stderr
