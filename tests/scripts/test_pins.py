"""Pins from the registry only: the checker passes the project and fails on any direct reference."""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("pins", REPO / "scripts" / "pins.py")
pins = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(pins)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A temporary copy of the project's dependency files."""
    for name in ("constraints.txt", "pyproject.toml", "package.json", "package-lock.json"):
        shutil.copy2(REPO / name, tmp_path / name)
    return tmp_path


def test_the_project_pins_by_name_only():
    assert pins.check(REPO) == []


def test_torch_is_pinned_exactly():
    assert "torch==2.13.0" in (REPO / "constraints.txt").read_text().splitlines()


@pytest.mark.parametrize("line", [
    "onnx @ file:///tmp/dl/onnx-1.23.2-cp311-cp311-manylinux_2_28_x86_64.whl#sha256=c03e",
    "pybullet @ https://example.org/pybullet-3.2.7.tar.gz",
    "harvesters @ git+https://github.com/genicam/harvesters@v1.4.3",
    "./wheels/genicam-1.6.0-cp311-cp311-manylinux2014_x86_64.whl",
    "-e .",
])
def test_a_direct_reference_in_constraints_fails(project, line):
    with (project / "constraints.txt").open("a") as constraints:
        constraints.write(line + "\n")
    problems = pins.check(project)
    assert len(problems) >= 1 and all("constraints.txt" in p for p in problems)


@pytest.mark.parametrize("line", ["numpy>=2.4", "numpy", "numpy~=2.4.6", "numpy==2.4.*"])
def test_a_constraint_not_pinned_exactly_fails(project, line):
    with (project / "constraints.txt").open("a") as constraints:
        constraints.write(line + "\n")
    assert [p for p in pins.check(project) if "not pinned as name==version" in p]


def test_a_direct_reference_in_pyproject_fails(project):
    text = (project / "pyproject.toml").read_text()
    text = text.replace('"numpy>=2.4,<2.5",', '"numpy @ file:///tmp/numpy-2.4.6.whl",')
    (project / "pyproject.toml").write_text(text)
    assert any("numpy @ file:" in p for p in pins.check(project))


@pytest.mark.parametrize("spec", ["file:../mathjax", "git+https://github.com/mathjax/MathJax.git",
                                  "mathjax/MathJax#3.2.2", "https://example.org/mathjax.tgz"])
def test_a_direct_reference_in_package_json_fails(project, spec):
    package = json.loads((project / "package.json").read_text())
    package["dependencies"]["mathjax"] = spec
    (project / "package.json").write_text(json.dumps(package))
    assert any("dependencies.mathjax" in p for p in pins.check(project))


def test_a_local_package_in_the_npm_lock_fails(project):
    lock = json.loads((project / "package-lock.json").read_text())
    lock["packages"]["node_modules/mathjax"]["resolved"] = "file:../mathjax-3.2.2.tgz"
    (project / "package-lock.json").write_text(json.dumps(lock))
    assert any("node_modules/mathjax" in p for p in pins.check(project))


def test_any_requirements_file_is_checked(project):
    folder = project / "docs"
    folder.mkdir()
    (folder / "requirements-docs.txt").write_text("sphinx==7.4.7\nmyst @ file:///tmp/myst.whl\n")
    assert [p for p in pins.check(project) if "requirements-docs.txt:2" in p]


def test_freeze_writes_name_version_and_leaves_out_the_project_and_editables():
    written, notes = pins.freeze([
        {"name": "torch", "version": "2.13.0+cpu", "direct_url": None},
        {"name": "microfab", "version": "0.1.0", "direct_url": {"url": "file:///src"}},
        {"name": "mylib", "version": "1.0", "direct_url": {"url": "file:///src/mylib",
                                                         "dir_info": {"editable": True}}},
        {"name": "onnx", "version": "1.23.2",
         "direct_url": {"url": "file:///tmp/dl/onnx-1.23.2.whl", "archive_info": {}}},
        {"name": "NumPy", "version": "2.4.6", "direct_url": None},
    ])
    assert written == ["NumPy==2.4.6", "onnx==1.23.2", "torch==2.13.0"]
    assert any("editable" in n for n in notes) and any("onnx" in n for n in notes)


@pytest.mark.parametrize("version", ["file:///tmp/x.whl", "1.0 @ https://x", "../local"])
def test_freeze_refuses_what_is_not_a_plain_version(version):
    with pytest.raises(ValueError, match="refusing to pin"):
        pins.freeze([{"name": "weird", "version": version, "direct_url": None}])


def test_freeze_command_writes_only_pins(tmp_path):
    out = tmp_path / "constraints.txt"
    assert pins.main(["freeze", "--python", sys.executable,
                      "--out", str(out)]) == 0
    assert pins.constraint_problems(Path("constraints.txt"), out.read_text()) == []
