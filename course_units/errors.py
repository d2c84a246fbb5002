"""Errors that name the file, the key or cell, and what to do next."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class FormatError:
    """One problem in one file: where it is, what is wrong, what to do."""

    path: Path
    where: str  # a key path ("enterprise_case.acceptance.takt_s"), a cell ("cell 4, grade_id 'x'")
    problem: str
    fix: str

    def __str__(self) -> str:
        where = f" [{self.where}]" if self.where else ""
        return f"{self.path}{where}: {self.problem}. {self.fix}"


class UnitFormatError(Exception):
    """Raised with every problem found, so an author fixes them in one pass."""

    def __init__(self, errors: list[FormatError]):
        self.errors = list(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
