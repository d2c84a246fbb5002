"""Shared fixtures: a writable copy of the course units to break in tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "course_units"


@pytest.fixture
def units_copy(tmp_path: Path) -> Path:
    """The framework, the template and the sample unit, copied so a test can break one file."""
    root = tmp_path / "units"
    root.mkdir()
    shutil.copy2(UNITS / "competencies.yaml", root)
    for folder in ("_template", "00-orientation"):
        shutil.copytree(UNITS / folder, root / folder)
    return root
