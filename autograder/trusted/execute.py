"""nbgrader's execution step, split: student code in the sandboxed kernel, tests in a trusted one.

`TrustedExecute` takes the place of nbgrader's `Execute` in `autograde`. For one submission:

1. the student's kernel starts (sandboxed), then the test process, which connects to it before
   any student code runs;
2. every code cell that is not a test runs in the student's kernel, in order (the instructor's
   read-only cells, restored by nbgrader's OverwriteCells, and the student's cells);
3. the test process runs the instructor's read-only cells again, for itself, and every test
   cell, visible and hidden, in order; the names a test reads from the student come over the
   channel as plain data or function proxies. Test outputs come from here; a hidden test keeps
   only its verdict, points and own message.

Test source never enters the student's kernel, and nothing the student's kernel prints while the
tests run is kept. The whole submission has one time budget; every cell that cannot run says why.
"""

from __future__ import annotations

import time

from jupyter_core.utils import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Bool, Dict, Integer, Unicode

from autograder.trusted.outputs import capped, hidden_outputs, is_hidden
from autograder.trusted.student_kernel import StudentKernel, fail_cell
from autograder.trusted.test_process import TestProcess, TestProcessStopped, test_env
from lab_kernels.cells import is_given, is_test
from lab_kernels.limits import GradingLimits
from lab_kernels.run import CellFailure, RunEnv
from lab_kernels.student_side import MAX_OUTPUT_ENV


class TrustedExecute(NbGraderPreprocessor):
    limits = Dict(help="GradingLimits of the unit, as a dict").tag(config=True)
    sandbox = Bool(True, help="run the student's kernel in the sandbox").tag(config=True)
    profile = Unicode("replay", help="lab profile for both processes").tag(config=True)
    fast = Bool(False, help="MICROFAB_FAST for both processes").tag(config=True)
    held_back = Unicode("", help="folder of held-back sessions, for the tests only").tag(
        config=True)
    tests_cwd = Unicode("", help="working folder of the test process").tag(config=True)
    worker_slot = Integer(0, help="picks this worker's sandbox uid").tag(config=True)

    def preprocess(self, nb: NotebookNode, resources: dict):
        return run_sync(self._preprocess)(nb, resources)

    async def _preprocess(self, nb: NotebookNode, resources: dict):
        limits = GradingLimits.from_dict(self.limits)
        deadline = time.monotonic() + limits.notebook_timeout_s
        work_dir = resources.get("metadata", {}).get("path") or "."
        student_env = RunEnv(self.profile, self.fast)  # the held-back lines stay on this side
        env = {**student_env.variables(),
               MAX_OUTPUT_ENV: str(int(limits.max_output_mb * 1e6))}
        student = StudentKernel(work_dir, limits, env, self.sandbox, self.worker_slot)
        tests = None
        try:
            await student.start(nb)
            tests = TestProcess(student.connection(deadline),
                                test_env(RunEnv(self.profile, self.fast, self.held_back)),
                                self.tests_cwd or work_dir)
            tests.lock()
            # the student's kernel runs everything but the tests, then only answers calls
            await student.run_cells(nb, [i for i, c in enumerate(nb.cells)
                                         if c.cell_type == "code" and not is_test(c)], deadline)
            student.detach()
            self._run_tests(nb, tests, limits, deadline, student)
        except Exception as exc:  # a kernel or process that could not start: every test fails
            reason = f"grading could not run this notebook: {type(exc).__name__}: {exc}"
            for cell in nb.cells:
                if is_test(cell) and not cell.get("outputs"):
                    fail_cell(cell, reason)
            student.stopped = student.stopped or reason
        finally:
            if tests is not None:
                tests.close()
            await student.shutdown()
        if student.stopped:
            nb.metadata.setdefault("microfab", {})["grading_stopped"] = student.stopped
        if student.incidents:
            nb.metadata.setdefault("microfab", {})["incidents"] = student.incidents
        return nb, resources

    def _run_tests(self, nb: NotebookNode, tests: TestProcess, limits: GradingLimits,
                   deadline: float, student: StudentKernel) -> None:
        stopped, count, problems = "", 0, []
        max_bytes = int(limits.max_output_mb * 1e6)
        for index, cell in enumerate(nb.cells):
            if not (is_test(cell) or is_given(cell)):
                continue
            if stopped:
                if is_test(cell):
                    fail_cell(cell, stopped)
                continue
            hidden = is_test(cell) and is_hidden(cell.source)
            timeout = max(1.0, deadline - time.monotonic()) + 10
            try:
                outputs, incidents = tests.run(cell.source, hidden, timeout)
            except TestProcessStopped as exc:
                stopped = f"the tests could not go on: {exc}"
                student.incident(stopped)
                if is_test(cell):
                    fail_cell(cell, stopped)
                continue
            for what in incidents:
                student.incident(what)
            if is_test(cell):
                count += 1
                cell.outputs = hidden_outputs(outputs) if hidden else capped(outputs, max_bytes)
                cell.execution_count = count
            else:
                failure = CellFailure.of(cell, index, outputs)
                if failure:
                    problems.append(failure.describe(evalue_chars=200))
        if problems:  # the instructor's cells failed in the test process: worth a look
            nb.metadata.setdefault("microfab", {})["test_process_errors"] = problems
