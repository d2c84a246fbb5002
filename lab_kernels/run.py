"""The one way microfab runs a notebook, and how it says that a cell failed.

`run_notebook` is papermill with an engine of its own: papermill injects the parameters and
records each cell's run; nbclient executes; the kernel gets `RunEnv`'s variables in its own
environment, never through this process's `os.environ`. Lessons (the gate, `microfab unit
run`), the book's pages and the labs' expected figures all run here. Grading and validation run
nbgrader's `autograde`/`Validator`, whose execution step (`TrustedExecute`) starts its kernels
with the same `RunEnv`. `CellFailure` is the one description of a failed cell for all of them.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from nbformat import NotebookNode

from hardware_shims.profiles import DEFAULT_PROFILE, FAST_ENV, PROFILE_ENV, SESSIONS_PATH_ENV
from lab_kernels.cells import grade_id

ENGINE = "microfab"
NOTEBOOK_TIMEOUT_S = 600


@dataclass(frozen=True)
class RunEnv:
    """What a notebook's kernel is told: the lab profile, FAST, and extra session folders."""

    profile: str = DEFAULT_PROFILE
    fast: bool = False
    sessions_path: str = ""  # held-back lines: for trusted processes only, never a student's

    def variables(self) -> dict[str, str]:
        env = {PROFILE_ENV: self.profile, FAST_ENV: "1" if self.fast else "0"}
        if self.sessions_path:
            env[SESSIONS_PATH_ENV] = self.sessions_path
        return env

    def kernel_env(self, base: Mapping[str, str] | None = None) -> dict[str, str]:
        """A kernel's whole environment: `base` (this process's by default) plus the variables.
        Session folders are never inherited: only a RunEnv that names them passes them on."""
        base = os.environ if base is None else base
        inherited = {k: v for k, v in base.items() if k != SESSIONS_PATH_ENV}
        return {**inherited, **self.variables()}

    def fingerprint(self) -> str:
        """Changes whenever a notebook run under this environment could come out differently."""
        return hashlib.sha256(repr(sorted(self.variables().items())).encode()).hexdigest()[:16]


@dataclass(frozen=True)
class CellFailure:
    """A code cell that raised: which one, how it starts, and what it raised."""

    index: int
    ename: str
    evalue: str
    first_line: str = ""
    execution_count: int | None = None
    grade_id: str = ""

    @classmethod
    def of(cls, cell: NotebookNode, index: int, outputs: list | None = None
           ) -> CellFailure | None:
        """The first error among `outputs` (the cell's own by default), or None."""
        for output in cell.get("outputs", []) if outputs is None else outputs:
            if output.get("output_type") == "error":
                lines = [line for line in cell.source.splitlines() if line.strip()]
                return cls(index, output.get("ename", ""), str(output.get("evalue", "")),
                           lines[0].strip() if lines else "", cell.get("execution_count"),
                           grade_id(cell))
        return None

    @property
    def where(self) -> str:
        if self.grade_id:
            return f"cell {self.grade_id!r}"
        if self.execution_count:  # the n-th code cell: indices shift when parameters are injected
            return f"code cell [{self.execution_count}]"
        return f"cell {self.index}"

    def describe(self, source: Path | str | None = None, evalue_chars: int = 300) -> str:
        """One line: `lesson.md: code cell [5] (starting 'x = f()') raised KeyError: 'mm'`."""
        starting = f" (starting {self.first_line[:80]!r})" if self.first_line else ""
        evalue = self.evalue if len(self.evalue) <= evalue_chars else \
            self.evalue[:evalue_chars] + "…"
        prefix = f"{source}: " if source else ""
        return f"{prefix}{self.where}{starting} raised {self.ename}: {evalue}"


def cell_failures(notebook: NotebookNode, cells=None) -> list[CellFailure]:
    """Every failed code cell of `notebook` (of `cells`, indices, when given), in order."""
    indices = range(len(notebook.cells)) if cells is None else cells
    found = (CellFailure.of(notebook.cells[i], i) for i in indices
             if notebook.cells[i].cell_type == "code")
    return [failure for failure in found if failure is not None]


@dataclass
class RunResult:
    notebook: NotebookNode  # executed, outputs in place (papermill's error marker on failure)
    wall_s: float
    failure: CellFailure | None = None
    output: Path | None = None  # where the executed notebook was written, if anywhere

    @property
    def ok(self) -> bool:
        return self.failure is None


def run_notebook(notebook: NotebookNode, env: RunEnv, *, cwd: Path | str,
                 parameters: Mapping | None = None, timeout_s: int = NOTEBOOK_TIMEOUT_S,
                 kernel_name: str = "python3", output: Path | None = None) -> RunResult:
    """Execute `notebook` (a copy) in a new kernel under `env`; never raises for a failing cell.

    `parameters` are injected after the cell tagged `parameters` (papermill's convention);
    the run stops at the first failing cell; `output`, when given, is written as cells finish."""
    import papermill

    _register_engine()
    started = time.perf_counter()
    kept: list[NotebookNode] = []  # the engine's notebook: papermill raises before returning it
    failure = None
    try:
        papermill.execute_notebook(
            notebook, str(output) if output else None, parameters=dict(parameters or {}),
            engine_name=ENGINE, kernel_name=kernel_name, progress_bar=False,
            execution_timeout=timeout_s, kernel_env=env.kernel_env(), kernel_cwd=str(cwd),
            keep=kept)
    except papermill.PapermillExecutionError as exc:
        lines = [line for line in (exc.source or "").splitlines() if line.strip()]
        failure = CellFailure(exc.cell_index, exc.ename, str(exc.evalue),
                              lines[0].strip() if lines else "", exc.exec_count)
    return RunResult(kept[0] if kept else notebook, time.perf_counter() - started, failure,
                     Path(output) if output else None)


_registered = False


@cache
def _ipc_kernel_manager():
    """A KernelManager whose kernels talk over IPC sockets in a private folder of this process:
    no TCP port, and no unencrypted-transport warning from ipykernel. nbclient owns (and shuts
    down) every kernel it makes with it."""
    import atexit
    import shutil
    import tempfile

    from jupyter_client.manager import KernelManager
    from traitlets import default

    sockets = tempfile.mkdtemp(prefix="mf-k-")  # short: Unix socket paths are limited
    atexit.register(shutil.rmtree, sockets, ignore_errors=True)

    class IpcKernelManager(KernelManager):
        @default("transport")
        def _transport_default(self):
            return "ipc"

        @default("ip")
        def _ip_default(self):
            return os.path.join(sockets, "kernel")

    return IpcKernelManager


def _register_engine() -> None:
    global _registered
    if _registered:
        return
    from papermill.clientwrap import PapermillNotebookClient
    from papermill.engines import NBClientEngine, papermill_engines

    class MicrofabEngine(NBClientEngine):
        """papermill's nbclient engine, with the kernel's environment passed to the kernel."""

        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, log_output=False,
                                     stdout_file=None, stderr_file=None, start_timeout=60,
                                     execution_timeout=None, kernel_env=None, kernel_cwd=None,
                                     keep=None, **kwargs):
            kwargs.pop("input_path", None)
            if keep is not None:
                keep.append(nb_man.nb)
            # the kernel starts in kernel_cwd: papermill's own `cwd` would chdir this process
            client = PapermillNotebookClient(
                nb_man, timeout=execution_timeout, startup_timeout=start_timeout,
                kernel_name=kernel_name, log_output=log_output, stdout_file=stdout_file,
                stderr_file=stderr_file, resources={"metadata": {"path": kernel_cwd}},
                kernel_manager_class=_ipc_kernel_manager(), **kwargs)
            return client.execute(env=dict(kernel_env or os.environ))

    papermill_engines.register(ENGINE, MicrofabEngine)
    _registered = True
