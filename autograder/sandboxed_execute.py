"""nbgrader's Execute, hardened for untrusted submissions.

- before every graded test cell, library functions the submission replaced are restored
  (lab_kernels.integrity), so a verdict never rests on a monkeypatched numpy;
- output beyond `max_output_bytes` is dropped and the kernel interrupted, so printing gigabytes
  costs the grader nothing;
- a kernel that dies (memory, exit, a killed process group) or stops answering does not stop
  grading: every cell that did not run gets an error output saying why, so it scores zero.
"""

from __future__ import annotations

import asyncio
import json

from jupyter_core.utils import run_sync
from nbformat import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Integer, Unicode

RESTORE_LINE = "import lab_kernels.integrity as _microfab_integrity; _microfab_integrity.restore()"
STOP_ENAME = "GradingStopped"


def _is_graded_test(cell: NotebookNode) -> bool:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")


class SandboxedExecute(Execute):
    max_output_bytes = Integer(2_000_000, help="Output kept per notebook; the rest is "
                               "dropped and the kernel interrupted.").tag(config=True)
    stop_reason = Unicode("")

    def preprocess(self, nb, resources=None, km=None):
        self._output_bytes = 0
        self._output_capped = False
        self.stop_reason = ""
        try:
            return super().preprocess(nb, resources, km)
        except Exception as exc:  # a dead kernel must still leave a gradeable notebook
            self.stop_reason = f"{type(exc).__name__}: {exc}".strip()
            self._mark_unexecuted(nb)
            nb.metadata.setdefault("microfab", {})["grading_stopped"] = self.stop_reason
            return nb, resources

    def _mark_unexecuted(self, nb: NotebookNode) -> None:
        reason = (f"the notebook stopped before this cell ran ({self.stop_reason}); common "
                  "causes: the kernel ran out of memory or time, or the code exited the kernel")
        for cell in nb.cells:
            if cell.cell_type == "code" and cell.get("execution_count") is None:
                cell.outputs = [NotebookNode(output_type="error", ename=STOP_ENAME,
                                             evalue=reason, traceback=[f"{STOP_ENAME}: {reason}"])]

    async def async_execute_cell(self, cell, cell_index, execution_count=None,
                                 store_history=True):
        if not _is_graded_test(cell):
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        original = cell.source
        cell.source = f"{RESTORE_LINE}\n{original}"
        try:
            return await super().async_execute_cell(cell, cell_index, execution_count,
                                                    store_history)
        finally:
            cell.source = original  # the saved notebook shows the instructor's test as written

    # nbclient's synchronous entry point is bound to its own async method: rebind it to ours
    execute_cell = run_sync(async_execute_cell)

    def output(self, outs, msg, display_id, cell_index):
        size = len(json.dumps(msg.get("content", {}), default=str))
        self._output_bytes += size
        if self._output_bytes <= self.max_output_bytes:
            return super().output(outs, msg, display_id, cell_index)
        if not self._output_capped:
            self._output_capped = True
            outs.append(NotebookNode(
                output_type="stream", name="stderr",
                text=f"\n[microfab grader: output stopped after {self.max_output_bytes:,} bytes; "
                     f"the cell was interrupted. Print less.]\n"))
            if self.km is not None:
                asyncio.ensure_future(self.km.interrupt_kernel())
        return None
