"""Copies of the book's sources to build in tmp: one full build shared by the site tests, and a
small prepared book (one unit, nothing executed) that each bad-input test copies and breaks."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest

from course_units import load_catalogue, units_root
from microfab_book.build import BookBuild, build_book, prepare
from microfab_book.copy import copy_book_sources
from microfab_book.vendor import VendorError, ensure_node_modules

REPO = Path(__file__).resolve().parents[2]


def build_log(build: BookBuild, out: io.StringIO) -> str:
    tail = "\n".join(out.getvalue().splitlines()[-40:])
    return "problems:\n  " + "\n  ".join(build.problems) + f"\nlog tail:\n{tail}"


@pytest.fixture(scope="session")
def node_modules() -> Path:
    """The vendored JavaScript, installed once in the repository and linked into every copy."""
    try:
        ensure_node_modules(REPO, log=lambda message: None)
    except VendorError as exc:
        pytest.fail(f"the book needs its npm packages: {exc}")
    return REPO / "node_modules"


@pytest.fixture(scope="session")
def built_book(tmp_path_factory, node_modules) -> BookBuild:
    """The whole book, built once per session from a copy of the repository's sources."""
    root = copy_book_sources(REPO, tmp_path_factory.mktemp("book") / "repo", units_root(),
                             reuse_caches=True)
    out = io.StringIO()
    build = build_book(root, out=out)
    if not build.ok:
        pytest.fail(f"the book did not build (status {build.status}):\n{build_log(build, out)}")
    return build


HUB_URL = "https://hub.school.example"


@pytest.fixture(scope="session")
def hub_book(tmp_path_factory, node_modules) -> BookBuild:
    """The book as a department with a JupyterHub builds it (--jupyterhub-url), not executed:
    what differs is only the launch buttons."""
    root = copy_book_sources(REPO, tmp_path_factory.mktemp("hub-book") / "repo", units_root())
    out = io.StringIO()
    build = build_book(root, execute="off", jupyterhub_url=HUB_URL, out=out)
    if not build.ok:
        pytest.fail(f"the book did not build (status {build.status}):\n{build_log(build, out)}")
    return build


@pytest.fixture(scope="session")
def small_book_template(tmp_path_factory, node_modules) -> Path:
    """One unit, its lab released and the JavaScript vendored; copied by each test that breaks
    something, so those builds run no nbgrader and execute nothing."""
    first = load_catalogue(units_root()).units[0].folder.name
    root = copy_book_sources(REPO, tmp_path_factory.mktemp("small") / "repo", units_root(),
                             [first])
    prepare(root, expected_outputs=False, log=lambda message: None)
    return root


@pytest.fixture
def small_book(small_book_template, tmp_path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(small_book_template, root, symlinks=True)
    return root
