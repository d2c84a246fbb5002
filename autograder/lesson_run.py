"""Execute a lesson through the notebook runner, its hardware URI injected as a parameter."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from course_units.notebooks import read_notebook
from lab_kernels.run import RunEnv, run_notebook


@dataclass(frozen=True)
class LessonRun:
    ok: bool
    wall_s: float
    output: Path
    error: str = ""


def run_lesson(source: Path, workdir: Path, env: RunEnv, camera_uri: str = "auto",
               timeout_s: int = 600) -> LessonRun:
    """Run lesson.md to an executed .ipynb in workdir; never raises for notebook errors."""
    executed = Path(workdir) / "lesson.executed.ipynb"
    executed.parent.mkdir(parents=True, exist_ok=True)
    run = run_notebook(read_notebook(source), env, cwd=source.parent,
                       parameters={"camera_uri": camera_uri}, timeout_s=timeout_s,
                       output=executed)
    if run.ok:
        return LessonRun(True, run.wall_s, executed)
    return LessonRun(False, run.wall_s, executed,
                     f"{run.failure.describe(source)}. Run the lesson locally to see the "
                     f"traceback; the executed notebook is kept at {executed}")
