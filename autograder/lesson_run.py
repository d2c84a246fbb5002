"""Execute a lesson with papermill, injecting the hardware URI and the FAST flag."""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

import papermill

from course_units.notebooks import read_notebook, write_ipynb


@dataclass(frozen=True)
class LessonRun:
    ok: bool
    wall_s: float
    output: Path
    error: str = ""


def _describe_failure(exc: papermill.PapermillExecutionError, source: Path, executed: Path) -> str:
    lines = [line for line in (exc.source or "").strip().splitlines() if line.strip()]
    first_line = lines[0] if lines else ""
    return (f"{source}: code cell [{exc.exec_count}] (starting {first_line!r}) raised "
            f"{exc.ename}: {exc.evalue}. Run the lesson locally to see the traceback; the executed "
            f"notebook is kept at {executed}")


def run_lesson(source: Path, workdir: Path, camera_uri: str = "auto", fast: bool = True,
               timeout_s: int = 600) -> LessonRun:
    """Run lesson.md to an executed .ipynb in workdir; never raises for notebook errors."""
    notebook = read_notebook(source)
    unexecuted = write_ipynb(notebook, workdir / "lesson.ipynb")
    executed = workdir / "lesson.executed.ipynb"
    started = time.perf_counter()
    try:
        papermill.execute_notebook(
            str(unexecuted), str(executed),
            parameters={"camera_uri": camera_uri, "FAST": fast},
            kernel_name="python3", cwd=str(source.parent), progress_bar=False,
            execution_timeout=timeout_s,
        )
    except papermill.PapermillExecutionError as exc:
        wall_s = time.perf_counter() - started
        return LessonRun(False, wall_s, executed, _describe_failure(exc, source, executed))
    return LessonRun(True, time.perf_counter() - started, executed)
