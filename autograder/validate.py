"""`validate` as the student runs it: nbgrader's Validator over the grader's own execution step.

The visible tests run exactly as grading runs them -- student code in its own kernel, tests in a
trusted process (`TrustedExecute`) -- without the sandbox, which a student's laptop may lack.
What validate says is what autograde will say of the visible tests, named as the lab names them:
task, test and points.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lab_kernels.limits import GradingLimits
from lab_kernels.run import RunEnv

ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
# IPython's traceback names each frame "Cell In[4], line 4, in part_mask(image)"
FRAME = re.compile(r"\bin (\w+)\(")
STUB_CALLED = re.compile(r"your (\w+) raised NotImplementedError")


@dataclass(frozen=True)
class Problem:
    """One reason a notebook is not ready to submit, as the student sees the lab."""
    kind: str  # "failed", "changed" or "type_changed" (nbgrader's keys)
    task: str  # the heading above the cell ("Task 2: separate the part from the conveyor")
    test: str  # the cell's grade id ("test_part_mask")
    points: float
    reason: str  # one line, no colour codes

    def describe(self) -> str:
        what = {"failed": "fails", "changed": "is a read-only cell that was edited",
                "type_changed": "is a cell whose type was changed"}[self.kind]
        points = f" ({self.points:g} point{'s' * (self.points != 1)})" if self.points else ""
        where = f"{self.task} \u2014 " if self.task else ""
        return f"{where}{self.test or 'a cell'}{points} {what}" + \
            (f"\n    {self.reason}" if self.reason else "")

def plain(text: str) -> str:
    """Text without terminal colour codes (IPython colours every traceback)."""
    return ANSI.sub("", text)


def failure_reason(raw_error: str) -> str:
    """The one line a student needs: the error, or which function is still a stub."""
    text = plain(raw_error).strip()
    last = text.splitlines()[-1].strip() if text else ""
    # the grader's channel says "your part_mask raised NotImplementedError: ..."
    called = STUB_CALLED.search(last)
    frames = FRAME.findall(text)
    if called or last.rstrip(":").strip() == "NotImplementedError":
        name = called.group(1) if called else (frames[-1] if frames else "")
        if name:
            return (f"{name} is not implemented yet: replace its "
                    "`raise NotImplementedError()` with your code")
        return "a function this test calls is not implemented yet (it raises NotImplementedError)"
    return last


def validate_notebook(path: Path, env: RunEnv) -> list[Problem]:
    """Every problem nbgrader's Validator finds in one notebook (none: ready to submit); raises
    what nbgrader raises for an unreadable notebook or a kernel that fails."""
    import nbformat
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
    from nbgrader.validator import Validator
    from traitlets.config import Config

    from autograder.trusted.execute import TrustedExecute
    from lab_kernels.cells import grade_id, task_heading

    class NamingValidator(Validator):
        """Keeps the cells nbgrader judged, so each result can be named by its grade id."""

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.judged: dict[str, list] = {}

        def _keep(self, kind, cells):
            self.judged[kind] = cells
            return cells

        def _get_failed_cells(self, nb):
            return self._keep("failed", super()._get_failed_cells(nb))

        def _get_changed_cells(self, nb):
            return self._keep("changed", super()._get_changed_cells(nb))

        def _get_type_changed_cells(self, nb):
            return self._keep("type_changed", super()._get_type_changed_cells(nb))

    path = Path(path).resolve()
    config = Config()
    config.TrustedExecute.sandbox = False
    config.TrustedExecute.limits = GradingLimits().as_dict()
    config.TrustedExecute.profile = env.profile
    config.TrustedExecute.fast = env.fast
    config.TrustedExecute.tests_cwd = str(path.parent)
    validator = NamingValidator(config=config)
    # not a configurable trait of nbgrader's Validator: config would leave its plain Execute
    validator.preprocessors = [ClearOutput, CheckCellMetadata, TrustedExecute]
    results = validator.validate(str(path))
    notebook = nbformat.read(str(path), as_version=nbformat.NO_CONVERT)
    index_of = {grade_id(cell): i for i, cell in enumerate(notebook.cells) if grade_id(cell)}
    problems = []
    for kind in ("failed", "changed", "type_changed"):
        for cell, result in zip(validator.judged.get(kind, []), results.get(kind, []),
                                strict=False):
            gid = grade_id(cell)
            index = index_of.get(gid)
            problems.append(Problem(
                kind, task_heading(notebook, index) if index is not None else "", gid,
                float(cell.metadata.get("nbgrader", {}).get("points") or 0),
                failure_reason(result.get("raw_error", "")) if kind == "failed" else ""))
    return problems
