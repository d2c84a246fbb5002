"""The trusted test process: instructor cells in an IPython shell of their own, outputs as nbformat.

One process per submission, forked from a warm server (`multiprocessing` forkserver) so it
starts in milliseconds with numpy, OpenCV and the grading helpers already imported. It runs the
instructor's read-only cells and the test cells, visible and hidden, in order; before each one
it binds the student names the cell reads (`autograder.trusted.student.bind`). It talks to the
grading worker over a pipe; only this process and the worker ever see the tests' source.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import time
import traceback

PRELOAD = ["numpy", "cv2", "matplotlib", "matplotlib.pyplot", "IPython",
           "matplotlib_inline.backend_inline", "jupyter_client", "hardware_shims",
           "autograder.checks", "autograder.trusted.student", "autograder.trusted.names"]


def context() -> multiprocessing.context.BaseContext:
    """The forkserver that test processes fork from, with the libraries labs use preloaded."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload([*PRELOAD, "autograder.trusted.shell"])
    return ctx


def _make_shell():
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.interactiveshell import InteractiveShell

    class RecordingHook(DisplayHook):
        """The value of a cell's last expression becomes an execute_result output."""

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            self.shell.recorded.append({"output_type": "execute_result", "data": format_dict,
                                        "metadata": md_dict or {}, "execution_count": None})

    class RecordingPublisher(DisplayPublisher):
        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs):
            self.shell.flush_streams()
            self.shell.recorded.append({"output_type": "display_data", "data": data,
                                        "metadata": metadata or {}})

        def clear_output(self, wait=False):
            self.shell.recorded.clear()

    class TrustedShell(InteractiveShell):
        displayhook_class = RecordingHook
        display_pub_class = RecordingPublisher

        recorded: list = []

        def enable_gui(self, gui=None):
            pass  # no event loop: figures are captured by the inline backend

        def _showtraceback(self, etype, evalue, stb):
            self.flush_streams()
            # the test cell's own frames only: the grader's files are nobody's business
            frames = [entry for entry in stb[:-1] if not entry.lstrip().startswith("File ")]
            self.recorded.append({"output_type": "error", "ename": etype.__name__,
                                  "evalue": str(evalue), "traceback": frames + stb[-1:]})

        def flush_streams(self):
            for name, stream in (("stdout", sys.stdout), ("stderr", sys.stderr)):
                text = stream.getvalue() if hasattr(stream, "getvalue") else ""
                if text:
                    stream.seek(0)
                    stream.truncate()
                    self.recorded.append({"output_type": "stream", "name": name, "text": text})

    shell = TrustedShell.instance(colors="nocolor")
    shell.recorded = []
    shell.enable_matplotlib("inline")
    return shell


def _run(shell, student, source: str, hidden: bool) -> list[dict]:
    import io

    from autograder.trusted.names import free_names
    from autograder.trusted.student import StudentCodeFailed, bind

    shell.recorded = []
    saved = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = io.StringIO(), io.StringIO()
    student.hidden = hidden
    student.cell_deadline = time.monotonic() + student.connection.cell_timeout_s
    try:
        try:
            bind(student, shell.user_ns, free_names(source))
        except StudentCodeFailed as exc:
            return [{"output_type": "error", "ename": "StudentCodeFailed", "evalue": str(exc),
                     "traceback": [f"StudentCodeFailed: {exc}"]}]
        shell.run_cell(source, store_history=False, silent=False)
        shell.flush_streams()
        return shell.recorded
    finally:
        sys.stdout, sys.stderr = saved
        student.hidden = False
        student.cell_deadline = float("inf")


def serve(pipe, setup: dict) -> None:
    """The test process: run what the worker sends until it says stop (or the pipe closes)."""
    from autograder.trusted.student import Connection, StudentKernel
    from lab_kernels.sandbox import die_with_parent

    die_with_parent()
    try:
        os.environ.clear()
        os.environ.update(setup["env"])
        os.chdir(setup["cwd"])
        student = StudentKernel(Connection(**setup["connection"]))
        shell = _make_shell()
    except Exception as exc:  # say why to the worker rather than die silently
        pipe.send({"failed": f"{type(exc).__name__}: {exc}"})
        return
    pipe.send({"ready": True})
    while True:
        try:
            order = pipe.recv()
        except EOFError:
            break
        if order.get("op") == "lock":
            student.lock()
            pipe.send({"ok": True})
        elif order.get("op") == "run":
            try:
                outputs = _run(shell, student, order["source"], order.get("hidden", False))
            except BaseException as exc:  # the worker records it against this cell
                outputs = [{"output_type": "error", "ename": type(exc).__name__,
                            "evalue": str(exc), "traceback": traceback.format_exc().split("\n")}]
            pipe.send({"outputs": outputs, "incidents": student.incidents})
            student.incidents = []
        else:
            break
    student.close()
