"""Held-back lines: never shipped, rendered per course from its own secret seed."""

from __future__ import annotations

import json

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


def test_the_calibration_line_shows_boards_then_covers_through_one_seeded_lens(tmp_path,
                                                                               monkeypatch):
    from hardware_shims import open_camera
    from hardware_shims.tools.calibration_lines import HELD_BACK_CALIBRATION as line

    monkeypatch.setenv(SESSIONS_PATH_ENV, str(ensure_held_back(tmp_path, seed=5)))
    with open_camera("replay://calibration/grading") as camera:
        frames = [camera.read() for _ in range(line.parts)]
    boards, covers = frames[:line.views], frames[line.views:]
    assert all(f.extra["target"] == "checkerboard" and len(f.extra["corners_px"]) == 88
               for f in boards)
    assert all("target" not in f.extra and f.light == "dark-field" for f in covers)
    lenses = {tuple(f.extra["dist_coeffs"]) for f in frames}
    assert len(lenses) == 1 and any(lenses.pop())
    other = ensure_held_back(tmp_path / "other", seed=6)
    monkeypatch.setenv(SESSIONS_PATH_ENV, str(other))
    with open_camera("replay://calibration/grading") as camera:
        assert camera.read().extra["dist_coeffs"] != frames[0].extra["dist_coeffs"]


def test_only_a_missing_or_changed_line_is_rendered_again(tmp_path):
    folder = ensure_held_back(tmp_path, seed=5)
    inspection, calibration = (folder / "backboard" / "grading.mcap",
                               folder / "calibration" / "grading.mcap")
    kept = inspection.stat().st_mtime_ns
    calibration.unlink()
    ensure_held_back(tmp_path)
    assert calibration.is_file() and inspection.stat().st_mtime_ns == kept
    manifest = json.loads((folder / "manifest.json").read_text())
    manifest["backboard/grading"]["made_from"]["uris_sha"] = "an older line definition"
    (folder / "manifest.json").write_text(json.dumps(manifest))
    kept = calibration.stat().st_mtime_ns
    ensure_held_back(tmp_path)
    rendered = json.loads((folder / "manifest.json").read_text())
    assert rendered["backboard/grading"]["made_from"]["uris_sha"] != "an older line definition"
    assert rendered["calibration/grading"] == manifest["calibration/grading"]
    assert calibration.stat().st_mtime_ns == kept
