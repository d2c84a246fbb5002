"""`validate` as the student runs it: nbgrader's Validator over the grader's own execution step.

The visible tests run exactly as grading runs them -- student code in its own kernel, tests in a
trusted process (`TrustedExecute`) -- without the sandbox, which a student's laptop may lack.
What validate says is what autograde will say of the visible tests.
"""

from __future__ import annotations

from pathlib import Path

from lab_kernels.limits import GradingLimits
from lab_kernels.run import RunEnv


def validate_notebook(path: Path, env: RunEnv) -> dict:
    """nbgrader's validation results ('failed', 'changed', 'type_changed', 'passed') for one
    notebook; raises what nbgrader raises for an unreadable notebook or a kernel that fails."""
    from nbgrader.preprocessors import CheckCellMetadata, ClearOutput
    from nbgrader.validator import Validator
    from traitlets.config import Config

    from autograder.trusted.execute import TrustedExecute

    path = Path(path).resolve()
    config = Config()
    config.Validator.preprocessors = [ClearOutput, CheckCellMetadata, TrustedExecute]
    config.TrustedExecute.sandbox = False
    config.TrustedExecute.limits = GradingLimits().as_dict()
    config.TrustedExecute.profile = env.profile
    config.TrustedExecute.fast = env.fast
    config.TrustedExecute.tests_cwd = str(path.parent)
    return Validator(config=config).validate(str(path))
