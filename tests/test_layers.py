"""The layers hold: import-linter's contracts in pyproject.toml pass, and fail on a forbidden
import added to a copy of the packages."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGES = ("microfab", "microfab_book", "autograder", "lab_kernels", "course_units",
            "hardware_shims")
LINT = Path(sys.executable).parent / "lint-imports"


def _lint(root: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(root))
    return subprocess.run([str(LINT), "--config", str(root / "pyproject.toml"), "--no-cache"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=300)


@pytest.fixture
def copy(tmp_path: Path) -> Path:
    shutil.copy2(REPO / "pyproject.toml", tmp_path)
    for package in PACKAGES:
        shutil.copytree(REPO / package, tmp_path / package,
                        ignore=lambda folder, names: [n for n in names if not (
                            n.endswith(".py") or (Path(folder) / n).is_dir())])
    return tmp_path


def test_the_contracts_hold():
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("importer, line", [
    ("hardware_shims/cameras/base.py", "import autograder.jobs"),  # shims: nothing of the grader
    ("autograder/gate.py", "import microfab.cli"),  # the grader knows nothing of the CLI
    ("autograder/gate.py", "import microfab_book.build"),  # nor of the book
    ("microfab_book/build.py", "import microfab.cli"),  # the book sits under the CLI
    ("course_units/catalogue.py", "from autograder import course"),
    ("hardware_shims/recording/datasets.py",
     "from hardware_shims.recording.importers import elpv"),  # a cycle
])
def test_a_forbidden_import_breaks_a_contract(copy, importer, line):
    path = copy / importer
    path.write_text(path.read_text() + f"\n{line}  # added by the test\n")
    result = _lint(copy)
    assert result.returncode != 0 and "BROKEN" in result.stdout, result.stdout
