"""Enterprise reviewers on the hub: a group of mentors per unit, whose servers run only nbgrader's
formgrader, on a review folder that holds that unit's autograded submissions and nothing else.

The folder belongs to the course's owner and to a Unix group of the mentors (mode 2770: setgid,
so what the instructor and the mentors write there stays the group's). Everything else of the
course stays private to its owner; `microfab grade review open` fills the folder."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
import subprocess
from pathlib import Path

from microfab.hub.settings import HubConfigError, Review, check_names

REVIEW_MODE = 0o2770
UNIT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class ReviewSetupError(OSError):
    """The mentors' Unix group or review folder cannot be made; the message says how."""


def parse_review(text: str) -> Review:
    """`UNIT:mentor,mentor` from --review."""
    unit, _, names = text.partition(":")
    unit = unit.strip()
    if not UNIT.match(unit) or not names.strip():
        raise HubConfigError(f"--review {text!r}: give UNIT:MENTOR[,MENTOR...], e.g. "
                             "--review 10-line-integration:li_wei,chen_jing")
    mentors = check_names([n.strip() for n in names.split(",") if n.strip()],
                          f"--review {unit}")
    return Review(unit, mentors)


def check_reviews(reviews: tuple[Review, ...], course: Path, others: set[str]) -> None:
    """Each review names a unit of the course; a mentor has a Unix account, reviews one unit
    and is nobody else."""
    seen: dict[str, str] = {}
    for review in reviews:
        if not (course / "source" / review.unit).is_dir():
            raise HubConfigError(f"--review {review.unit}: the course has no such assignment "
                                 f"({course / 'source' / review.unit} is missing)")
        for mentor in review.mentors:
            if mentor in others:
                raise HubConfigError(f"--review {review.unit}: {mentor} is also an instructor "
                                     "or a student; a mentor is a separate account")
            if mentor in seen:
                raise HubConfigError(f"--review: {mentor} reviews both {seen[mentor]} and "
                                     f"{review.unit}; one server opens one unit's review")
            seen[mentor] = review.unit
            try:
                pwd.getpwnam(mentor)
            except KeyError:
                raise HubConfigError(f"--review {review.unit}: mentor {mentor} has no Unix "
                                     f"account; create it first (`useradd -m {mentor}`)") from None


def _run(command: list[str], hint: str) -> None:
    if shutil.which(command[0]) is None:
        raise ReviewSetupError(f"{command[0]} is not installed: {hint}")
    done = subprocess.run(command, capture_output=True, text=True, timeout=60)
    if done.returncode != 0:
        raise ReviewSetupError(f"`{' '.join(command)}` failed ({done.stderr.strip()}): {hint}")


def prepare_review(review: Review, root: Path, course: Path, course_id: str) -> Path:
    """The mentors' Unix group (exactly these members) and their review folder."""
    hint = f"run `microfab deploy hub` as root (it creates the group {review.unix_group})"
    _run(["groupadd", "--force", review.unix_group], hint)
    _run(["gpasswd", "-M", ",".join(review.mentors), review.unix_group], hint)
    folder = review.folder(root, course_id)
    try:
        root.mkdir(parents=True, exist_ok=True)
        root.chmod(0o755)
        folder.mkdir(exist_ok=True)
        os.chown(folder, course.stat().st_uid, grp.getgrnam(review.unix_group).gr_gid)
        folder.chmod(REVIEW_MODE)
    except OSError as exc:
        raise ReviewSetupError(f"--review-root {root}: cannot make {folder} ({exc.strerror}); "
                               f"{hint}") from None
    return folder
