"""The student's kernel as the grading worker drives it: started sandboxed, cells run with caps.

`StudentKernel.start()` starts an ipykernel in the bubblewrap sandbox of `lab_kernels.sandbox`
(or, with the sandbox off, as a plain local process with a clean environment) and connects to
it before any student code runs; from then on no socket reconnects. `run_cells` executes the
student's and the instructor's non-test cells in order, each within the cell limit and what is
left of the submission's budget, keeping at most `max_output_mb` of output: past that, the cell
is interrupted, and a message too large to receive stops the kernel instead of the grader.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import zmq
import zmq.asyncio
from jupyter_client import AsyncKernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient
from nbclient.exceptions import DeadKernelError
from nbformat import NotebookNode

from autograder.trusted.student import CHANNEL_NAME, Connection
from lab_kernels.boot import STARTUP
from lab_kernels.limits import OUTPUT_NOTE, GradingLimits
from lab_kernels.sandbox import (
    POLICY_ENV,
    SANDBOX_UID_BASE,
    SANDBOX_UID_RANGE,
    SandboxPolicy,
    hidden_dirs,
    kernel_env,
    link_root,
    python_read_only_dirs,
)

KERNEL = "microfab-student"
STOP_ENAME = "GradingStopped"
TIMEOUT_MESSAGE = "the cell ran past its time limit and was interrupted"
BUDGET_SPENT = "the time budget was spent"


class StudentClient(NotebookClient):
    """nbclient for the student's kernel: output capped, no heartbeat, no reconnects."""

    def __init__(self, nb, km, max_output_bytes: int, **kw):
        # error_on_timeout: after one interrupt the cell ends; without it nbclient waits for the
        # reply of an interrupted kernel, and interrupts again, for ever
        timeout_reply = {"ename": "CellTimeoutError", "evalue": TIMEOUT_MESSAGE,
                         "traceback": [f"CellTimeoutError: {TIMEOUT_MESSAGE}"]}
        super().__init__(nb, km=km, allow_errors=True, interrupt_on_timeout=True,
                         error_on_timeout=timeout_reply, record_timing=False, iopub_timeout=5,
                         **kw)
        self.timed_out = False
        self.max_output_bytes = max_output_bytes
        self.output_bytes = 0
        self.output_capped = False
        self.kernel_capped = False

    async def async_start_new_kernel_client(self):
        self.kc = self.km.client()
        self.kc.start_channels(hb=False)
        await self.kc.wait_for_ready(timeout=self.startup_timeout)
        for stream in (self.kc.shell_channel, self.kc.iopub_channel, self.kc.control_channel,
                       self.kc.stdin_channel):
            stream.socket.setsockopt(zmq.RECONNECT_IVL, -1)
        self.kc.allow_stdin = False
        return self.kc

    async def _async_handle_timeout(self, timeout, cell=None):
        self.timed_out = True
        return await super()._async_handle_timeout(timeout, cell)

    def output(self, outs, msg, display_id, cell_index):
        content = msg.get("content", {})
        if OUTPUT_NOTE in str(content.get("text", "")):
            self.kernel_capped = True  # the kernel's own cap (lab_kernels.student_side) struck
        self.output_bytes += len(json.dumps(content, default=str))
        if self.output_bytes <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if not self.output_capped:
            self.output_capped = True
            outs.append(NotebookNode(
                output_type="stream", name="stderr",
                text=f"\n[microfab grader: output stopped after {self.max_output_bytes:,} bytes; "
                     f"the cell was interrupted. Print less.]\n"))
            asyncio.ensure_future(self.km.interrupt_kernel())
        return None


class StudentKernel:
    def __init__(self, work_dir: Path, limits: GradingLimits, env: dict, sandbox: bool = True,
                 worker_slot: int = 0):
        self.work_dir = Path(work_dir)
        self.limits = limits
        self.env = env
        self.sandbox = sandbox
        self.scratch = Path(tempfile.mkdtemp(prefix="mf-"))  # short: Unix socket paths
        self.root_dir = self.scratch / "root" if sandbox else self.scratch / "private"
        self.uid = SANDBOX_UID_BASE + worker_slot % SANDBOX_UID_RANGE
        self.client: StudentClient | None = None
        self.stopped = ""
        self.incidents: list[str] = []  # what the grader did about this submission, in words

    def incident(self, what: str) -> None:
        if what not in self.incidents:
            self.incidents.append(what)

    # --- start and stop -----------------------------------------------------------------------

    def _kernelspec(self) -> KernelSpecManager:
        folder = self.scratch / "kernels" / KERNEL
        folder.mkdir(parents=True)
        if self.sandbox:
            argv = [sys.executable, "-m", "lab_kernels.sandbox", "-f", "{connection_file}"]
        else:
            argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                    "--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={STARTUP}"]
        spec = {"argv": argv, "display_name": "microfab student", "language": "python",
                "interrupt_mode": "message"}  # a signal would stop at bubblewrap
        (folder / "kernel.json").write_text(json.dumps(spec))
        return KernelSpecManager(kernel_dirs=[str(self.scratch / "kernels")])

    def _launch_env(self) -> dict:
        """What the launcher process gets: a clean environment, never the grader's."""
        base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        if self.sandbox:
            policy = SandboxPolicy(str(self.work_dir), str(self.scratch), self.limits.as_dict(),
                                   python_read_only_dirs(), hidden_dirs(), self.env, self.uid,
                                   grader_pid=os.getpid())
            if os.geteuid() == 0:
                os.chown(self.scratch, 0, 0)
            return {**base, POLICY_ENV: str(policy.save(self.scratch / "policy.json"))}
        (self.root_dir / CHANNEL_NAME).mkdir(parents=True)
        policy = SandboxPolicy(str(self.work_dir), str(self.scratch), env=self.env)
        return {**kernel_env(policy), "HOME": str(self.work_dir),
                "MPLCONFIGDIR": str(self.scratch), "MICROFAB_CHANNEL":
                    str(self.root_dir / CHANNEL_NAME)}

    async def start(self, nb: NotebookNode, startup_timeout: int = 60) -> None:
        context = zmq.asyncio.Context()
        # one message may exceed the output cap (it is then cut), but never the grader's memory
        context.setsockopt(zmq.MAXMSGSIZE, int(self.limits.max_output_mb * 2**20) + 2**23)
        ip = str((self.root_dir if self.sandbox else self.scratch) / "ipc")
        km = AsyncKernelManager(kernel_name=KERNEL, kernel_spec_manager=self._kernelspec(),
                                transport="ipc", ip=ip, context=context)
        self.client = StudentClient(nb, km, int(self.limits.max_output_mb * 1e6),
                                    startup_timeout=startup_timeout)
        await self.client.async_start_new_kernel(env=self._launch_env(), cwd=str(self.work_dir))
        if self.sandbox:
            policy = SandboxPolicy.load(self.scratch / "policy.json")
            await asyncio.get_running_loop().run_in_executor(None, link_root, policy,
                                                             float(startup_timeout))
        await self.client.async_start_new_kernel_client()

    def connection(self, deadline: float) -> Connection:
        """What the test process needs to reach this kernel (call after `start`)."""
        info = self.client.km.get_connection_info(session=False)
        info = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in info.items()}
        return Connection(info, str(self.root_dir), self.limits.max_result_mb,
                          float(self.limits.cell_timeout_s), deadline)

    async def shutdown(self) -> None:
        if self.client is not None and self.client.km is not None:
            try:
                if self.client.kc is not None:
                    self.client.kc.stop_channels()
                await self.client.km.shutdown_kernel(now=True)
            except Exception:  # already gone: nothing to stop
                pass
        shutil.rmtree(self.scratch, ignore_errors=True)

    def detach(self) -> None:
        """Stop listening (the kernel keeps running for the tests' calls)."""
        if self.client is not None and self.client.kc is not None:
            self.client.kc.stop_channels()

    # --- cells --------------------------------------------------------------------------------

    async def run_cells(self, nb: NotebookNode, indices: list[int], deadline: float) -> None:
        """Execute `indices` of `nb` in order; a stopped kernel fails what is left, with why."""
        self.client.nb = nb
        for count, index in enumerate(indices, 1):
            cell = nb.cells[index]
            left = deadline - time.monotonic()
            if self.stopped or left <= 0:
                if not self.stopped:
                    self.incident(BUDGET_SPENT)
                    budget = self.limits.notebook_timeout_s
                    self.stopped = (f"the submission's time budget ({budget} s for the whole "
                                    "notebook) was spent before this cell")
                fail_cell(cell, self.stopped)
                continue
            self.client.timeout = max(1, int(min(self.limits.cell_timeout_s, left)))
            self.client.timed_out = False
            try:
                await self.client.async_execute_cell(cell, index, execution_count=count)
            except DeadKernelError as exc:
                self.stopped = (f"the kernel stopped ({exc}): it ran out of memory or time, or "
                                "the code exited the kernel")
                self.incident(self.stopped)
                fail_cell(cell, self.stopped)
            except Exception as exc:  # nbclient's own errors: record against the cell, go on
                fail_cell(cell, f"{type(exc).__name__}: {exc}")
            if any(o.get("ename") == "MemoryError" for o in cell.get("outputs", [])):
                self.incident("memory limit reached")
            if self.client.output_capped or self.client.kernel_capped:
                self.incident("output limit exceeded")
            if self.client.timed_out:
                self.incident("a cell ran past its time limit")
                cell.outputs.append(NotebookNode(
                    output_type="error", ename="CellTimeoutError", evalue=TIMEOUT_MESSAGE,
                    traceback=[f"CellTimeoutError: {TIMEOUT_MESSAGE}"]))
            if self.client.output_capped and not await self.client.km.is_alive():
                self.stopped = "the kernel stopped after printing more than the output limit"
                self.incident(self.stopped)


def fail_cell(cell: NotebookNode, reason: str) -> None:
    """Give `cell` one error output that says why it did not run (it scores zero)."""
    cell.outputs = [NotebookNode(output_type="error", ename=STOP_ENAME, evalue=reason,
                                 traceback=[f"{STOP_ENAME}: {reason}"])]
