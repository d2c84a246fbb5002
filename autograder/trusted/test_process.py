"""The grading worker's handle on the trusted test process of one submission."""

from __future__ import annotations

import dataclasses
import os
import sys
import time
import types

from autograder.trusted import shell
from autograder.trusted.student import Connection
from lab_kernels.run import RunEnv


class TestProcessStopped(RuntimeError):
    """The test process died or stopped answering; the message says which."""


class TestProcess:
    __test__ = False  # not a pytest class

    def __init__(self, connection: Connection, env: dict, cwd: str, startup_timeout: float = 60):
        ctx = shell.context()
        self.pipe, child = ctx.Pipe()
        setup = {"connection": dataclasses.asdict(connection), "env": env, "cwd": cwd}
        self.process = ctx.Process(target=shell.serve, args=(child, setup), daemon=True)
        _start_child(self.process)
        child.close()
        started = self._receive(startup_timeout, "starting")
        if "failed" in started:
            self.kill()
            raise TestProcessStopped(f"the test process could not start: {started['failed']}")

    def _receive(self, timeout: float, what: str) -> dict:
        deadline = time.monotonic() + timeout
        while not self.pipe.poll(0.05):
            if not self.process.is_alive():
                raise TestProcessStopped(f"the test process stopped while {what} (exit code "
                                         f"{self.process.exitcode})")
            if time.monotonic() > deadline:
                self.kill()
                raise TestProcessStopped(f"the test process did not finish {what} within "
                                         f"{timeout:.0f} s")
        try:
            return self.pipe.recv()
        except (EOFError, OSError) as exc:
            raise TestProcessStopped(f"the test process stopped while {what} ({exc})") from None

    def lock(self) -> None:
        self.pipe.send({"op": "lock"})
        self._receive(30, "locking the connection")

    def run(self, source: str, hidden: bool, timeout: float) -> tuple[list[dict], list[str]]:
        """The cell's outputs as nbformat dicts, and what the student's calls ran into (the
        process enforces each call's own limit)."""
        self.pipe.send({"op": "run", "source": source, "hidden": hidden})
        reply = self._receive(timeout, "running a test")
        return reply["outputs"], reply.get("incidents", [])

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(5)

    def close(self) -> None:
        try:
            self.pipe.send({"op": "stop"})
        except OSError:
            pass
        self.process.join(5)
        self.kill()
        self.pipe.close()


def _start_child(process) -> None:
    """Start `process` even from a daemonic worker (Dask's and pebble's workers are daemons).

    multiprocessing refuses children of daemons because it cannot reap them at exit; the test
    process is reaped here (`close`) and dies with its parent (`shell.serve`), so it is safe.
    """
    import multiprocessing

    config = multiprocessing.current_process()._config
    daemon = config.pop("daemon", None)
    # the test process needs nothing of __main__; without this, every one re-runs the main
    # script (Python 3.11's forkserver never preloads it), which costs a second per submission
    main = sys.modules["__main__"]
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        process.start()
    finally:
        sys.modules["__main__"] = main
        if daemon is not None:
            config["daemon"] = daemon


def test_env(run_env: RunEnv) -> dict:
    """The test process's environment: a clean one, with the run's variables (for hidden tests,
    the held-back session folder)."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": os.environ.get("HOME", "/"),
            "MPLBACKEND": "module://matplotlib_inline.backend_inline"}
    for name in ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
        if name in os.environ:
            base[name] = os.environ[name]
    return run_env.kernel_env(base)
