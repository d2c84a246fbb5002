"""Submissions are data: copied file by file, checked, never followed."""

from __future__ import annotations

import os

import pytest

from autograder.submission import BadSubmission, copy_submission, student_id_problem
from lab_kernels.limits import GradingLimits

LIMITS = GradingLimits(max_submission_mb=1, max_notebook_mb=1)


@pytest.fixture
def submission(tmp_path):
    folder = tmp_path / "submitted"
    folder.mkdir()
    (folder / "lab.ipynb").write_text("{}")
    (folder / "data").mkdir()
    (folder / "data" / "notes.txt").write_text("notes")
    return folder


def test_plain_files_and_folders_are_copied(submission, tmp_path):
    assert copy_submission(submission, tmp_path / "copy", LIMITS) == []
    assert (tmp_path / "copy" / "data" / "notes.txt").read_text() == "notes"


@pytest.mark.parametrize("make, words", [
    (lambda f: (f / "lab2.ipynb").symlink_to("/etc/passwd"), "symbolic link"),
    (lambda f: (f / "data" / "up").symlink_to(f.parent), "symbolic link"),
    (lambda f: os.mkfifo(f / "pipe"), "FIFO"),
    (lambda f: os.link(f / "lab.ipynb", f / "again.ipynb"), "hard link"),
    (lambda f: (f / "big.bin").write_bytes(b"x" * (2 * 2**20)), "MB"),
    (lambda f: (f / "bad\nname.txt").write_text("x"), "not a plain file name"),
])
def test_anything_but_plain_data_refuses_the_submission(submission, tmp_path, make, words):
    make(submission)
    with pytest.raises(BadSubmission, match=words):
        copy_submission(submission, tmp_path / "copy", LIMITS)


def test_a_malformed_timestamp_is_replaced_by_the_file_time(submission, tmp_path):
    (submission / "timestamp.txt").write_text("yesterday-ish\n")
    notes = copy_submission(submission, tmp_path / "copy", LIMITS)
    assert notes and "was not a time" in notes[0]
    from nbgrader.utils import parse_utc

    assert parse_utc((tmp_path / "copy" / "timestamp.txt").read_text())


@pytest.mark.parametrize("student, ok", [("alice", True), ("b.ob-2@x", True), ("eve\nbob", False),
                                         ("../up", False), ("", False), (".hidden", False)])
def test_student_ids(student, ok):
    assert (student_id_problem(student) == "") == ok
