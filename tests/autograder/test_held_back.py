"""Held-back lines: never shipped, rendered per course from its own secret seed."""

from __future__ import annotations

import pytest

from autograder.held_back import course_seed, ensure_held_back, held_back_dir
from hardware_shims.cameras.replay import available_sessions, resolve_session
from hardware_shims.errors import SessionError
from hardware_shims.profiles import SESSIONS_PATH_ENV


def test_the_project_ships_no_held_back_line(monkeypatch):
    monkeypatch.delenv(SESSIONS_PATH_ENV, raising=False)
    assert "backboard/grading" not in available_sessions()
    with pytest.raises(SessionError):
        resolve_session("backboard/grading")


def test_each_course_draws_its_own_seed_and_keeps_it_private(tmp_path):
    first, second = course_seed(tmp_path / "a"), course_seed(tmp_path / "b")
    assert first != second and course_seed(tmp_path / "a") == first
    assert (held_back_dir(tmp_path / "a") / "seed").stat().st_mode & 0o077 == 0
    assert held_back_dir(tmp_path / "a").stat().st_mode & 0o077 == 0


def test_the_line_is_found_only_through_the_course_folder(tmp_path, monkeypatch):
    folder = ensure_held_back(tmp_path, seed=5)
    monkeypatch.setenv(SESSIONS_PATH_ENV, str(folder))
    path = resolve_session("backboard/grading")
    assert path.is_relative_to(folder)
    mtime = path.stat().st_mtime_ns
    ensure_held_back(tmp_path)  # the same seed: nothing is rendered again
    assert path.stat().st_mtime_ns == mtime


def test_a_damaged_seed_file_says_what_to_do(tmp_path):
    course_seed(tmp_path)
    (held_back_dir(tmp_path) / "seed").write_text("oops")
    with pytest.raises(ValueError, match="restore it"):
        course_seed(tmp_path)
