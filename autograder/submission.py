"""A submission is data: copied file by file, checked, never followed.

The grader copies a submission folder before anything reads it. Only plain files and folders
cross; a symbolic link, hard link, device, FIFO or socket refuses the whole submission with a
reason that names it; so do a name that is not a plain file name, a notebook over the size cap
and a folder over the submission cap. Student ids are checked the same way before a run uses
them. nbgrader's own `timestamp.txt` is read, and a malformed one replaced by the file's time,
so it cannot stop grading.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import UTC, datetime
from pathlib import Path

from lab_kernels.limits import GradingLimits

STUDENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}$")
FILE_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._ ()+,=-]{0,199}$")
MAX_DEPTH = 8
MAX_FILES = 2000
TIMESTAMP = "timestamp.txt"
# written by nbgrader itself (the exchange), never graded, never worth a warning
NBGRADER_FILES = {TIMESTAMP, "submission_secret.txt"}
_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class BadSubmission(ValueError):
    """The submission cannot be graded as it is; the message says what and what to do."""


def student_id_problem(student: str) -> str:
    """Why `student` cannot be used as an id in the gradebook, or ''."""
    if STUDENT_ID.match(student):
        return ""
    shown = student.encode("unicode_escape").decode()[:60]
    return (f"student folder {shown!r} is not a valid student id (letters, digits and . _ @ + - "
            "only, up to 128 characters); rename the folder in submitted/ and grade again")


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISLNK, "a symbolic link"), (stat.S_ISFIFO, "a FIFO"),
                       (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"),
                       (stat.S_ISBLK, "a device")):
        if test(mode):
            return name
    return "not a plain file"


def _copy_file(source: Path, target: Path, limit_bytes: int) -> int:
    fd = os.open(source, _NOFOLLOW)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise BadSubmission(f"{source.name} is {_kind(info.st_mode)}; only plain files are "
                                "graded")
        if info.st_nlink > 1:
            raise BadSubmission(f"{source.name} is a hard link to another file; submit a copy")
        if info.st_size > limit_bytes:
            raise BadSubmission(f"{source.name} is {info.st_size / 2**20:.1f} MB, over the "
                                f"{limit_bytes / 2**20:.0f} MB allowed; make it smaller")
        with open(target, "xb") as out, os.fdopen(fd, "rb", closefd=False) as handle:
            copied = 0
            while chunk := handle.read(2**20):
                copied += len(chunk)
                if copied > limit_bytes:
                    raise BadSubmission(f"{source.name} grew past "
                                        f"{limit_bytes / 2**20:.0f} MB while it was copied")
                out.write(chunk)
        os.utime(target, ns=(info.st_atime_ns, info.st_mtime_ns))
        return copied
    finally:
        os.close(fd)


def copy_submission(source: Path, target: Path, limits: GradingLimits) -> list[str]:
    """Copy the folder `source` to the new folder `target`; returns the notes worth showing."""
    budget = limits.max_submission_mb * 2**20
    notebook_cap = limits.max_notebook_mb * 2**20
    notes: list[str] = []
    files = 0
    info = os.lstat(source)
    if not stat.S_ISDIR(info.st_mode):
        raise BadSubmission(f"{source} is {_kind(info.st_mode)}, not a folder")

    def walk(folder: Path, into: Path, depth: int) -> None:
        nonlocal budget, files
        if depth > MAX_DEPTH:
            raise BadSubmission(f"{folder} is nested more than {MAX_DEPTH} folders deep")
        into.mkdir(parents=True, exist_ok=depth > 0)
        with os.scandir(folder) as entries:
            for entry in sorted(entries, key=lambda e: e.name):
                relative = os.path.relpath(entry.path, source)
                if not FILE_NAME.match(entry.name):
                    shown = entry.name.encode("unicode_escape").decode()[:60]
                    raise BadSubmission(f"{shown!r} is not a plain file name (letters, digits, "
                                        "spaces and . _ - ( ) only); rename it")
                mode = entry.stat(follow_symlinks=False).st_mode
                if stat.S_ISDIR(mode):
                    walk(Path(entry.path), into / entry.name, depth + 1)
                    continue
                if not stat.S_ISREG(mode):
                    raise BadSubmission(f"{relative} is {_kind(mode)}; only plain files are "
                                        "graded: submit the file itself")
                files += 1
                if files > MAX_FILES:
                    raise BadSubmission(f"the submission holds more than {MAX_FILES} files")
                cap = min(budget, notebook_cap if entry.name.endswith(".ipynb") else budget)
                try:
                    budget -= _copy_file(Path(entry.path), into / entry.name, cap)
                except BadSubmission as exc:
                    raise BadSubmission(f"{relative}: {exc}") from None
                if budget < 0:
                    raise BadSubmission(f"the submission is over {limits.max_submission_mb} MB")

    walk(Path(source), Path(target), 0)
    stamp = Path(target) / TIMESTAMP
    if stamp.exists():
        notes += repair_timestamp(stamp)
    return notes


def repair_timestamp(path: Path) -> list[str]:
    """Keep a readable nbgrader timestamp; replace a malformed one by the file's own time."""
    from nbgrader.utils import parse_utc

    text = path.read_text(encoding="utf-8", errors="replace").strip()
    try:
        parse_utc(text)
        return []
    except Exception:  # nbgrader raises several kinds for a malformed timestamp
        when = datetime.fromtimestamp(path.stat().st_mtime, tz=UTC)
        path.write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
        shown = text[:40].encode("unicode_escape").decode()
        return [f"{TIMESTAMP} was not a time ({shown!r}); the time it was written is used"]
