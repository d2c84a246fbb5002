"""A standard nbgrader course directory, driven through nbgrader's own API."""

from __future__ import annotations

import logging
import os
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path

import nbformat
from traitlets.config import Config, PyFileConfigLoader

from course_units.notebooks import write_ipynb

CONFIG_HEADER = ("# nbgrader configuration written by microfab; plain `nbgrader` commands work "
                 "in this folder.\n")


def course_config(root: Path, course_id: str, cell_timeout_s: int,
                  exchange: str | Path | None = None) -> Config:
    """The course's nbgrader configuration, as nbgrader's own traitlets objects."""
    config = Config()
    config.CourseDirectory.course_id = course_id
    config.CourseDirectory.root = str(root)
    config.CourseDirectory.db_url = f"sqlite:///{root / 'gradebook.db'}"
    config.Execute.timeout = cell_timeout_s
    config.Execute.interrupt_on_timeout = True
    config.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
    # a local exchange unless the course names the shared one of its JupyterHub
    config.Exchange.root = str(exchange or root / "exchange")
    return config


def configured_exchange(root: Path) -> str | None:
    """The exchange the course's nbgrader_config.py names, if it has one."""
    if not (Path(root) / "nbgrader_config.py").is_file():
        return None
    root_value = load_config(root).get("Exchange", {}).get("root")
    return str(root_value) if root_value else None


def config_file(config: Config) -> str:
    """`nbgrader_config.py` text for `config` (plain values only), as nbgrader reads it."""
    lines = [CONFIG_HEADER, "c = get_config()  # noqa: F821"]
    for section, values in sorted(config.items()):
        for key, value in sorted(values.items()):
            lines.append(f"c.{section}.{key} = {value!r}")
    return "\n".join(lines) + "\n"


def _env_bin_on_path() -> None:
    """nbgrader runs `alembic` from PATH; make it this environment's, even when not activated."""
    env_bin = os.path.dirname(sys.executable)
    if env_bin not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = env_bin + os.pathsep + os.environ.get("PATH", "")


class NbgraderError(RuntimeError):
    """nbgrader reported a failure; the message carries its log."""


def load_config(root: Path, overrides: Config | None = None) -> Config:
    """The course's nbgrader_config.py, with `overrides` merged on top."""
    config = Config()
    if (Path(root) / "nbgrader_config.py").is_file():
        config = PyFileConfigLoader("nbgrader_config.py", str(root)).load_config()
    if overrides is not None:
        config.merge(overrides)
    return config


def nbgrader_api(config: Config):
    from nbgrader.apps import NbGraderAPI
    from sqlalchemy.exc import SAWarning

    # nbgrader's own gradebook code triggers this harmless autoflush warning on every grade.
    warnings.filterwarnings("ignore", message=".*not in session.*", category=SAWarning)
    _env_bin_on_path()
    api = NbGraderAPI(config=config)
    api.log.setLevel(logging.ERROR)
    return api


def run_nbgrader(root: Path, action: str, *args, overrides: Config | None = None, **kwargs):
    """Run one NbGraderAPI action (autograde, generate_feedback, ...) in course `root`."""
    api = nbgrader_api(load_config(Path(root), overrides))
    result = getattr(api, action)(*args, **kwargs)
    if not result.get("success"):
        raise NbgraderError(f"nbgrader {action} {' '.join(map(str, args))} failed in {root}:\n"
                            f"{result.get('error') or ''}\n{result.get('log') or ''}")
    return result


@dataclass(frozen=True)
class CellScore:
    grade_id: str
    score: float
    max_score: float


class NbgraderCourse:
    """One course folder: source/, release/, submitted/, autograded/ and a SQLite gradebook."""

    def __init__(self, root: Path, course_id: str = "microfab", cell_timeout_s: int = 120,
                 exchange: str | Path | None = None):
        _env_bin_on_path()
        self.root = Path(root).resolve()
        self.root.mkdir(parents=True, exist_ok=True)
        self.db_url = f"sqlite:///{self.root / 'gradebook.db'}"
        # a rebuild keeps the exchange the course was given (a hub's shared one)
        self.exchange = str(exchange) if exchange else configured_exchange(self.root)
        config = course_config(self.root, course_id, cell_timeout_s, self.exchange)
        (self.root / "nbgrader_config.py").write_text(config_file(config))


    def source_path(self, assignment: str) -> Path:
        return self.root / "source" / assignment / f"{assignment}.ipynb"

    def release_path(self, assignment: str) -> Path:
        return self.root / "release" / assignment / f"{assignment}.ipynb"

    def submission_path(self, assignment: str, student: str) -> Path:
        return self.root / "submitted" / student / assignment / f"{assignment}.ipynb"

    def autograded_path(self, assignment: str, student: str) -> Path:
        return self.root / "autograded" / student / assignment / f"{assignment}.ipynb"

    def add_source(self, assignment: str, notebook: nbformat.NotebookNode) -> Path:
        return write_ipynb(notebook, self.source_path(assignment))

    def generate_assignment(self, assignment: str) -> nbformat.NotebookNode:
        """Strip solutions and hidden tests with nbgrader; return the student version."""
        run_nbgrader(self.root, "generate_assignment", assignment, force=True, create=True)
        return nbformat.read(str(self.release_path(assignment)), as_version=4)

    def submit(self, assignment: str, student: str, notebook: nbformat.NotebookNode) -> Path:
        return write_ipynb(notebook, self.submission_path(assignment, student))

    def autograde(self, assignment: str, student: str) -> list[CellScore]:
        """Grade one submission with nbgrader autograde; scores per graded cell."""
        run_nbgrader(self.root, "autograde", assignment, student, force=True, create=True)
        return self.scores(assignment, student)

    def scores(self, assignment: str, student: str) -> list[CellScore]:
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url) as gradebook:
            notebook = gradebook.find_submission_notebook(assignment, assignment, student)
            return [CellScore(g.name, float(g.score or 0), float(g.max_score))
                    for g in notebook.grades]


def assignment_scores(root: Path, assignment: str) -> dict[str, tuple[float, float]]:
    """student -> (score, max score) of every graded submission of `assignment`, as nbgrader's
    gradebook holds them (late penalties and manual grades included)."""
    from nbgrader.api import Gradebook, MissingEntry

    with Gradebook(f"sqlite:///{Path(root) / 'gradebook.db'}") as gradebook:
        try:
            submissions = gradebook.find_assignment(assignment).submissions
        except MissingEntry:
            return {}
        return {s.student.id: (float(s.score or 0), float(s.max_score or 0))
                for s in submissions}
