"""What can be wrong with a data-set item, in one place every importer module shares."""

from __future__ import annotations

from typing import NamedTuple

from ...errors import ShimError


class Problem(NamedTuple):
    """One item not imported: where (relative to the data-set root), why, and its kind.

    `kind` groups like problems in the summary ("not an image", "no mask"...).
    """

    path: str
    reason: str
    kind: str = ""

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class BadItem(Exception):
    """One data-set item cannot be imported; the message names the file and the fix."""

    def __init__(self, message: str, kind: str = "") -> None:
        super().__init__(message)
        self.kind = kind


class LayoutError(ShimError, ValueError):
    """The folder is not laid out as the chosen layout expects: nothing to skip, nothing done.

    The message says which folders were found and what layout is expected.
    """
