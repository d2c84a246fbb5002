"""Inside the sandbox: lay out the private tmpfs, then become the student's ipykernel.

    python -m lab_kernels.boot CONNECTION_FILE

The submission's files are copied from the read-only /submission into the work folder, so the
notebook's own files are where its code expects them, and whatever the code writes stays in the
size-limited tmpfs that disappears with the sandbox. The kernel's first line imports the
student side of the call channel (`lab_kernels.student_side`).
"""

from __future__ import annotations

import os
import shutil
import signal
import sys

from lab_kernels.sandbox import CHANNEL, SUBMISSION, WORK

STARTUP = "import lab_kernels.student_side as __microfab__"


def kernel_argv(connection_file: str) -> list[str]:
    return [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file,
            "--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={STARTUP}"]


def main() -> None:
    connection_file = sys.argv[1]
    # past the file-size limit a write fails (EFBIG) instead of killing the kernel
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    os.makedirs(WORK, exist_ok=True)
    os.makedirs(CHANNEL, exist_ok=True)
    if os.path.isdir(SUBMISSION):
        shutil.copytree(SUBMISSION, WORK, dirs_exist_ok=True, symlinks=True)
    os.chdir(WORK)
    os.execv(sys.executable, kernel_argv(connection_file))


if __name__ == "__main__":
    main()
