"""The grader's sandboxed kernel: bubblewrap + prlimit around ipykernel, talking over IPC.

Student code is untrusted. The kernel sees a read-only whitelist of the filesystem (system
folders, the Python installation, the packages labs import), no network, its own PID space, and
two writable folders: its work folder (the notebook's directory) and its socket folder. It runs
as an unprivileged user when the grader is root, under address-space, process, CPU-time, file
size and open-file limits. The grader writes the policy file and names it in
MICROFAB_SANDBOX_POLICY; the kernelspec passes the connection file.

    MICROFAB_SANDBOX_POLICY=/abs/policy.json python -m lab_kernels.sandbox -f /abs/kernel.json
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path

POLICY_ENV = "MICROFAB_SANDBOX_POLICY"
# run before any student code: remember the real library functions (lab_kernels.integrity)
SNAPSHOT = "--IPKernelApp.exec_lines=import lab_kernels.integrity as _mi; _mi.snapshot()"
NOBODY = 65534
# Each grading worker's kernels run as their own unprivileged uid (no passwd entry needed), so
# one submission's fork storm cannot use up another's RLIMIT_NPROC.
SANDBOX_UID_BASE = 200_000
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@dataclass
class SandboxPolicy:
    work_dir: str  # the notebook's folder: the only place student code may write
    socket_dir: str  # connection file and IPC sockets
    read_only: list[str] = field(default_factory=list)
    memory_mb: int = 2048
    max_processes: int = 64
    cpu_s: int = 600
    max_file_mb: int = 64
    max_open_files: int = 256
    uid: int = NOBODY  # the unprivileged user the kernel runs as when the grader is root

    def save(self, path: Path) -> Path:
        Path(path).write_text(json.dumps(asdict(self), indent=1))
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> SandboxPolicy:
        return cls(**json.loads(Path(path).read_text()))


def python_read_only_dirs() -> list[str]:
    """What a kernel needs to import: the interpreter, the environment, and our packages."""
    import autograder
    import hardware_shims
    import lab_kernels

    dirs = {sys.base_prefix, sys.prefix}
    for package in (hardware_shims, autograder, lab_kernels):
        dirs.add(str(Path(package.__file__).resolve().parent))
    return sorted(dirs)


def bwrap_command(policy: SandboxPolicy, kernel_argv: list[str], as_root: bool,
                  connection_file: str) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; install the Debian "
                                 "package 'bubblewrap'")
    # as root no user namespace: nobody must be a real uid for RLIMIT_NPROC to bind
    unshare = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"] if as_root else ["--unshare-all"])
    command = [bwrap, "--die-with-parent", "--new-session", *unshare,
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"]
    read_only = [p for p in (*SYSTEM_DIRS, *policy.read_only) if Path(p).exists()]
    writable = [policy.work_dir, policy.socket_dir, str(Path(connection_file).parent)]
    # parents such as /root would otherwise keep their 0700 mode and lock nobody out
    parents = {str(a) for p in read_only + writable for a in Path(p).parents if str(a) != "/"}
    for parent in sorted(parents, key=lambda a: a.count("/")):
        command += ["--perms", "0755", "--dir", parent]
    for path in read_only:
        command += ["--ro-bind", path, path]
    # mounts apply in order: writable folders last, so nothing read-only shadows them
    command += ["--ro-bind", connection_file, connection_file,
                "--bind", policy.work_dir, policy.work_dir,
                "--bind", policy.socket_dir, policy.socket_dir,
                "--chdir", policy.work_dir,
                "--unsetenv", "JPY_PARENT_PID",  # its parent is not in the new PID namespace
                "--setenv", "HOME", policy.work_dir,
                "--setenv", "MPLCONFIGDIR", policy.work_dir,
                "--setenv", "MICROFAB_SANDBOX", "1"]
    limits = ["prlimit", f"--as={policy.memory_mb * 2**20}", f"--cpu={policy.cpu_s}",
              f"--fsize={policy.max_file_mb * 2**20}", f"--nofile={policy.max_open_files}"]
    if as_root:
        # RLIMIT_NPROC does not bind root: the kernel runs as nobody, a real unprivileged user
        # leaving uid 0 clears the capabilities; the bounding set goes too
        drop = ["setpriv", f"--reuid={policy.uid}", f"--regid={policy.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all"]
        limits.append(f"--nproc={policy.max_processes}")
    else:
        drop = []
        limits.append(f"--nproc={_processes_of_this_user() + policy.max_processes}")
    return [*command, "--", *drop, *limits, "--", *kernel_argv]


def _processes_of_this_user() -> int:
    uid = os.getuid()
    return sum(1 for p in Path("/proc").iterdir() if p.name.isdigit() and _owner(p) == uid)


def _owner(path: Path) -> int:
    try:
        return path.stat().st_uid
    except OSError:
        return -1


def check_sandbox() -> None:
    """Raise SandboxUnavailable with the reason if bubblewrap cannot start here."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; install the Debian "
                                 "package 'bubblewrap'")
    probe = subprocess.run([bwrap, "--ro-bind", "/", "/", "--unshare-all", "--die-with-parent",
                            "true"], capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here: "
                                 f"{probe.stderr.strip()} (user namespaces disabled?)")


def prepare_dirs(policy: SandboxPolicy) -> None:
    """Make the writable folders the kernel's own (it runs as nobody under a root grader)."""
    if os.geteuid() == 0:
        for folder in (policy.work_dir, policy.socket_dir):
            for root, dirs, files in os.walk(folder):
                for name in [root, *(os.path.join(root, n) for n in dirs + files)]:
                    os.chown(name, policy.uid, policy.uid)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start an ipykernel inside the grader sandbox.")
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)
    if POLICY_ENV not in os.environ:
        print(f"{POLICY_ENV} is not set: the grader names the sandbox policy file there",
              file=sys.stderr)
        return 2
    policy = SandboxPolicy.load(os.environ[POLICY_ENV])
    connection_file = str(Path(args.connection_file).resolve())
    kernel = [sys.executable, "-m", "ipykernel_launcher", "-f", connection_file,
              "--HistoryManager.hist_file=:memory:", SNAPSHOT]
    as_root = os.geteuid() == 0
    if as_root:
        prepare_dirs(policy)
        os.chown(connection_file, policy.uid, policy.uid)
    command = bwrap_command(policy, kernel, as_root, connection_file)
    # the kernel's own console output (start-up banner, crashes) goes to a log, not the grader's
    log = os.open(Path(policy.socket_dir) / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.execv(command[0], command)
    return 127


if __name__ == "__main__":
    sys.exit(main())
