"""Shared fixtures: a writable copy of the course units to break in tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "course_units"


@pytest.fixture
def units_copy(tmp_path: Path) -> Path:
    """course_units/ copied (units + framework) so a test can break one file."""
    root = tmp_path / "units"
    shutil.copytree(UNITS, root, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return root
