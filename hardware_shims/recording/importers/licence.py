"""The licence a data-set folder states: a LICENSE/LICENCE/COPYING file, or README lines.

Sessions made from a data set inherit its terms, so the import summary shows them (or
says that none was found) before anyone shares the session.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_LICENCE_FILES = ("LICENSE", "LICENCE", "COPYING")
_MENTION = re.compile(r"licen[cs]e|copyright|creative commons|\bcc[ -]by", re.IGNORECASE)
_SHOWN_LINES = 3
_READ_BYTES = 64 * 1024  # a licence's name is in its first lines; a huge README is not read


@dataclass(frozen=True)
class LicenceNote:
    """Where the terms were found and their first lines (a licence's name comes first)."""

    file: str
    lines: tuple[str, ...]

    def __str__(self) -> str:
        return f"{self.file}: " + " / ".join(self.lines)


def find_licence(root: Path) -> LicenceNote | None:
    """The licence file at the data set's root, else README lines that mention a licence."""
    try:
        names = sorted(p for p in root.iterdir() if p.is_file())
    except OSError:
        return None
    for path in names:
        if path.name.upper().startswith(_LICENCE_FILES):
            lines = _first_lines(_text(path))
            if lines:
                return LicenceNote(path.name, lines)
    for path in names:
        if path.name.upper().startswith("README"):
            mentions = [line for line in _first_lines(_text(path), limit=None)
                        if _MENTION.search(line)]
            if mentions:
                return LicenceNote(path.name, tuple(mentions[:_SHOWN_LINES]))
    return None


def _text(path: Path) -> str:
    try:
        with open(path, "rb") as f:
            return f.read(_READ_BYTES).decode("utf-8", errors="replace")
    except OSError:
        return ""


def _first_lines(text: str, limit: int | None = _SHOWN_LINES) -> tuple[str, ...]:
    lines = [" ".join(line.strip(" #*=-_>\t").split()) for line in text.splitlines()]
    lines = [line[:100] for line in lines if line]
    return tuple(lines if limit is None else lines[:limit])
