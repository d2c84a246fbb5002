"""Listing a data set's files: links followed, loops and dangling links refused, nothing dropped
without a record of why.

    listing = walk(root, exclude=("dataset.jpg",))
    listing.files      every regular file, sorted (links resolved, paths kept as found)
    listing.problems   broken links and link loops: the import refuses them by name
    listing.ignored    hidden and excluded entries: the summary counts them
"""

from __future__ import annotations

import errno
import fnmatch
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .problems import Problem

HIDDEN = "hidden file or folder"
EXCLUDED = "left out by --exclude"
BROKEN_LINK = "broken link"
NOT_A_FILE = "not a regular file"


@dataclass
class Listing:
    files: list[Path] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ignored: list[Problem] = field(default_factory=list)


def rel(path: Path, root: Path) -> str:
    """A path as the report shows it: relative to the data-set root, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def walk(root: Path, exclude: Iterable[str] = ()) -> Listing:
    """Every file under `root`, following links to files and folders (each folder once per
    path), minus hidden entries and `exclude` globs (matched against the relative path or
    the name); each left-out entry is recorded with its reason."""
    patterns = list(exclude)
    listing = Listing()
    # A folder reached again along its own path through a link is a loop, not more data.
    stack = [(root, "", frozenset({_identity(os.stat(root))}))]
    while stack:
        folder, prefix, ancestors = stack.pop()
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as exc:
            listing.problems.append(Problem(prefix.rstrip("/") or ".", (
                f"cannot list this folder ({exc.strerror}); check its permissions"),
                "unreadable folder"))
            continue
        for entry in entries:
            where = prefix + entry.name
            if entry.name.startswith("."):
                listing.ignored.append(Problem(where, "hidden (name starts with '.')", HIDDEN))
                continue
            if any(fnmatch.fnmatch(where, p) or fnmatch.fnmatch(entry.name, p)
                   for p in patterns):
                listing.ignored.append(Problem(where, "matches an --exclude pattern", EXCLUDED))
                continue
            info = _follow(entry, where, listing)
            if info is None:
                continue
            if stat.S_ISDIR(info.st_mode):
                key = _identity(info)
                if key in ancestors:
                    listing.problems.append(Problem(where, (
                        f"link to {os.readlink(entry.path)} leads back to a folder that "
                        "contains it (a link loop); remove the link or point it elsewhere"),
                        BROKEN_LINK))
                    continue
                stack.append((Path(entry.path), where + "/", ancestors | {key}))
            elif stat.S_ISREG(info.st_mode):
                listing.files.append(Path(entry.path))
            else:
                listing.ignored.append(Problem(where, "a FIFO, socket or device, not a file",
                                               NOT_A_FILE))
    listing.files.sort()
    return listing


def _identity(info: os.stat_result) -> tuple[int, int]:
    return info.st_dev, info.st_ino


def _follow(entry: os.DirEntry, where: str, listing: Listing) -> os.stat_result | None:
    """The entry's status, through any link; a dangling link or a link loop is a problem."""
    try:
        return entry.stat()  # follows links
    except OSError as exc:
        if not entry.is_symlink():
            listing.problems.append(Problem(where, (
                f"cannot read it ({exc.strerror}); check its permissions"), "unreadable file"))
            return None
        target = os.readlink(entry.path)
        if exc.errno == errno.ELOOP:
            reason = (f"link to {target} is a link loop (the links point at each other); "
                      "remove the link or point it at a real file")
        else:
            reason = (f"dangling link: its target {target} does not exist; fix the link or "
                      "remove it")
        listing.problems.append(Problem(where, reason, BROKEN_LINK))
        return None
