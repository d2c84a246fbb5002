"""Execute a lesson through the notebook runner, its hardware URI injected as a parameter."""

from __future__ import annotations

from pathlib import Path

from course_units.notebooks import read_notebook
from lab_kernels.run import RunEnv, RunResult, run_notebook


def run_lesson(source: Path, workdir: Path, env: RunEnv, camera_uri: str = "auto",
               timeout_s: int = 600) -> RunResult:
    """Run lesson.md to workdir/lesson.executed.ipynb; never raises for notebook errors."""
    executed = Path(workdir) / "lesson.executed.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    return run_notebook(read_notebook(source), env, cwd=source.parent,
                        parameters={"camera_uri": camera_uri}, timeout_s=timeout_s,
                        output=executed)


def lesson_problem(source: Path, run: RunResult) -> str:
    """What the author of a failing lesson reads."""
    return (f"{run.failure.describe(source)}. Run the lesson locally to see the traceback; the "
            f"executed notebook is kept at {run.output}")
