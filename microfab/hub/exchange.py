"""nbgrader's shared exchange on one server, and the course folder kept from students.

The exchange root is world-writable with the sticky bit, as nbgrader documents: anyone may add,
only an owner may remove. nbgrader itself makes each course's inbound/ write-only for students
(0733: they can submit but not list, so nobody finds another's submission) and feedback/
traversable only (0711: a student fetches the file named by the hash of their own submission)."""

from __future__ import annotations

import stat
from pathlib import Path

EXCHANGE_MODE = 0o1777
COURSE_MODE = 0o700


class ExchangeError(OSError):
    """The exchange cannot be created or given its permissions; the message says how."""


def prepare_exchange(root: Path) -> Path:
    """Create the exchange root (and its parents) with mode 1777; an existing one keeps its
    contents and gets the mode."""
    try:
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(EXCHANGE_MODE)
    except OSError as exc:
        raise ExchangeError(
            f"--exchange {root}: cannot create it or set mode 1777 ({exc.strerror}); run "
            f"`microfab deploy hub` as root, or create it first: `sudo mkdir -p {root} && "
            f"sudo chmod 1777 {root}`") from None
    return root


def exchange_mode(root: Path) -> int:
    return stat.S_IMODE(root.stat().st_mode)


def make_course_private(course: Path) -> bool:
    """Only the course's owner may enter it (source with solutions, gradebook, held-back
    seed, every submission); True when the mode was changed."""
    mode = stat.S_IMODE(course.stat().st_mode)
    if mode & 0o077 == 0:
        return False
    try:
        course.chmod(COURSE_MODE)
    except OSError as exc:
        raise ExchangeError(f"--course {course}: cannot make it private to its owner "
                            f"({exc.strerror}); run `chmod 700 {course}` as its owner") from None
    return True
