"""The student's kernel in a bubblewrap sandbox: no network, no grader files, a clean environment.

Student code is untrusted. Its kernel sees a read-only whitelist of the filesystem (system
folders, the Python environment, the packages labs import, the submission), has no network and
its own PID space, and writes only into a private, size-limited tmpfs (`/sandbox`: its work
folder, the call channel and the kernel's IPC sockets) that disappears with it. It runs as an
unprivileged user when the grader is root, under the address-space, process, CPU-time and
file-size limits of `lab_kernels.limits`, with an environment made from an allow-list only.

The grader reaches the sockets and the channel through `<link_dir>/root`, a link to the
sandbox's root seen through /proc (made once bubblewrap reports its child). The launcher dies
with the process that started it, and bubblewrap with the launcher, so a killed grading worker
leaves no sandbox behind.

    MICROFAB_SANDBOX_POLICY=/abs/policy.json python -m lab_kernels.sandbox -f /abs/kernel.json
"""

from __future__ import annotations

import argparse
import ctypes
import json
import os
import shutil
import signal
import subprocess
import sys
from dataclasses import asdict, dataclass, field
from importlib.util import find_spec
from pathlib import Path

from lab_kernels.limits import GradingLimits

POLICY_ENV = "MICROFAB_SANDBOX_POLICY"
INSIDE = "/sandbox"  # the private tmpfs: work/, channel/, ipc-* sockets
WORK = f"{INSIDE}/work"
CHANNEL = f"{INSIDE}/channel"
SUBMISSION = "/submission"  # the submission's files, read-only; copied into WORK at start
CONNECTION = "/run/microfab-kernel.json"
NOBODY = 65534
# Each grading worker's kernels run as their own unprivileged uid (no passwd entry needed), so
# one submission's fork storm cannot use up another's RLIMIT_NPROC.
SANDBOX_UID_BASE = 200_000
SANDBOX_UID_RANGE = 100_000
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib64", "/lib32", "/etc")
# Passed through when set: locale and numeric-library tuning, nothing that names a grader path.
ENV_PASSED = ("LANG", "LC_ALL", "TZ", "OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE",
              "OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")
PR_SET_PDEATHSIG = 1


class SandboxUnavailable(RuntimeError):
    """bubblewrap is missing or cannot create namespaces here."""


@dataclass
class SandboxPolicy:
    submission_dir: str  # bound read-only at /submission, copied into the work folder
    link_dir: str  # the grader's side: connection files, bubblewrap's info, the root link
    limits: dict = field(default_factory=dict)  # GradingLimits.as_dict()
    read_only: list[str] = field(default_factory=list)
    hidden: list[str] = field(default_factory=list)  # folders masked by an empty tmpfs
    env: dict = field(default_factory=dict)  # the kernel's environment, beyond the allow-list
    uid: int = NOBODY  # the unprivileged user the kernel runs as when the grader is root
    grader_pid: int = 0  # the process that starts the launcher; the sandbox dies with it

    @property
    def grading_limits(self) -> GradingLimits:
        return GradingLimits.from_dict(self.limits)

    @property
    def info_path(self) -> Path:
        return Path(self.link_dir) / "info.json"

    @property
    def root_link(self) -> Path:
        """Where the grader sees the sandbox's /sandbox once `link_root` has run."""
        return Path(self.link_dir) / "root"

    def save(self, path: Path) -> Path:
        Path(path).write_text(json.dumps(asdict(self), indent=1))
        return Path(path)

    @classmethod
    def load(cls, path: str | Path) -> SandboxPolicy:
        return cls(**json.loads(Path(path).read_text()))


def _package_dir(name: str) -> str | None:
    spec = find_spec(name)
    locations = list(spec.submodule_search_locations or []) if spec else []
    return str(Path(locations[0]).resolve()) if locations else None


# what a lab may import besides the environment: the shims, the grader's checks, and the course's
# libraries (the inspection database, process control, the cloud loop); never course_units
LAB_PACKAGES = ("hardware_shims", "autograder", "lab_kernels", "inspection_db",
                "process_control", "cloud_loop")


def python_read_only_dirs() -> list[str]:
    """What a kernel needs to import: the interpreter, the environment, and our packages."""
    dirs = {sys.base_prefix, sys.prefix}
    for package in LAB_PACKAGES:
        found = _package_dir(package)
        if found:
            dirs.add(found)
    return sorted(dirs)


def hidden_dirs() -> list[str]:
    """Folders inside the bound ones that a student must not read: the units' solutions."""
    found = _package_dir("course_units")
    return [found] if found else []


def kernel_env(policy: SandboxPolicy, source: dict | None = None) -> dict:
    """The whole environment of the student's kernel: the allow-list, then the policy's own."""
    source = os.environ if source is None else source
    env = {name: source[name] for name in ENV_PASSED if name in source}
    env.update({"PATH": f"{Path(sys.executable).parent}:/usr/local/bin:/usr/bin:/bin",
                "HOME": WORK, "MPLCONFIGDIR": WORK, "PYTHONDONTWRITEBYTECODE": "1",
                "MICROFAB_SANDBOX": "1", "MICROFAB_CHANNEL": CHANNEL})
    env.update(policy.env)
    return env


def bwrap_command(policy: SandboxPolicy, kernel_argv: list[str], as_root: bool,
                  inner_connection: str, info_fd: int) -> list[str]:
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable("bubblewrap (bwrap) is not installed; install the Debian "
                                 "package 'bubblewrap'")
    limits = policy.grading_limits
    # as root no user namespace: the kernel's uid must be real for RLIMIT_NPROC to bind
    unshare = (["--unshare-ipc", "--unshare-pid", "--unshare-net", "--unshare-uts",
                "--unshare-cgroup-try"] if as_root else ["--unshare-all"])
    command = [bwrap, "--die-with-parent", "--new-session", *unshare, "--info-fd", str(info_fd),
               "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--tmpfs", "/run"]
    read_only = [p for p in (*SYSTEM_DIRS, *policy.read_only) if Path(p).exists()]
    # parents such as /root would otherwise keep their 0700 mode and lock the kernel out
    parents = {str(a) for p in read_only for a in Path(p).parents if str(a) != "/"}
    for parent in sorted(parents, key=lambda a: a.count("/")):
        command += ["--perms", "0755", "--dir", parent]
    for path in read_only:
        command += ["--ro-bind", path, path]
    for path in policy.hidden:
        command += ["--tmpfs", path]
    command += ["--ro-bind", policy.submission_dir, SUBMISSION,
                "--ro-bind", inner_connection, CONNECTION,
                "--perms", "01777", "--size", str(limits.disk_mb * 2**20), "--tmpfs", INSIDE,
                # the call channel has a quota of its own: a full disk cannot silence the tests
                "--perms", "01777", "--size", str(2 * limits.max_result_mb * 2**20),
                "--tmpfs", CHANNEL,
                "--chdir", "/", "--clearenv"]
    for name, value in kernel_env(policy).items():
        command += ["--setenv", name, value]
    rlimits = ["prlimit", f"--as={limits.memory_mb * 2**20}", f"--cpu={limits.cpu_s}",
               f"--fsize={limits.max_file_mb * 2**20}", "--nofile=256"]
    if as_root:
        # leaving uid 0 clears the capabilities; the bounding set goes too
        drop = ["setpriv", f"--reuid={policy.uid}", f"--regid={policy.uid}", "--clear-groups",
                "--inh-caps=-all", "--bounding-set=-all"]
        rlimits.append(f"--nproc={limits.max_processes}")
    else:
        drop = []
        rlimits.append(f"--nproc={_processes_of_this_user() + limits.max_processes}")
    return [*command, "--", *drop, *rlimits, "--", *kernel_argv]


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
                            "--size", str(2**20), "--tmpfs", "/tmp", "true"],
                           capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        raise SandboxUnavailable(f"bubblewrap cannot create namespaces here: "
                                 f"{probe.stderr.strip()} (user namespaces disabled?)")


def link_root(policy: SandboxPolicy, timeout_s: float = 30.0) -> Path:
    """Wait for bubblewrap's report, then link the sandbox's /sandbox at `policy.root_link`."""
    import time

    deadline = time.monotonic() + timeout_s
    while True:
        try:
            info = json.loads(policy.info_path.read_text())
            break
        except (OSError, ValueError):
            if time.monotonic() > deadline:
                raise SandboxUnavailable(f"the sandbox did not start within {timeout_s:.0f} s "
                                         f"(no report in {policy.info_path})") from None
            time.sleep(0.01)
    link = policy.root_link
    if link.is_symlink():
        link.unlink()
    os.symlink(f"/proc/{int(info['child-pid'])}/root{INSIDE}", link)
    return link


def die_with_parent(parent_pid: int = 0) -> None:
    """SIGKILL this process when the one that started it (`parent_pid`, if known) dies."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):
        return
    # the parent died before the prctl took effect: an orphan goes to init or to a subreaper
    if os.getppid() == 1 or parent_pid and os.getppid() != parent_pid:
        os._exit(1)


def _inner_connection(connection_file: str, link_dir: Path) -> Path:
    """The same kernel connection, with its IPC sockets inside the sandbox's tmpfs."""
    info = json.loads(Path(connection_file).read_text())
    info.update(transport="ipc", ip=f"{INSIDE}/ipc")
    inner = link_dir / "inner-kernel.json"
    inner.write_text(json.dumps(info))
    inner.chmod(0o644)
    return inner


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Start an ipykernel inside the grader sandbox.")
    parser.add_argument("-f", dest="connection_file", required=True)
    args = parser.parse_args(argv)
    if POLICY_ENV not in os.environ:
        print(f"{POLICY_ENV} is not set: the grader names the sandbox policy file there",
              file=sys.stderr)
        return 2
    policy = SandboxPolicy.load(os.environ[POLICY_ENV])
    die_with_parent(policy.grader_pid)
    link_dir = Path(policy.link_dir)
    inner = _inner_connection(args.connection_file, link_dir)
    kernel = [sys.executable, "-m", "lab_kernels.boot", CONNECTION]
    as_root = os.geteuid() == 0
    # bubblewrap writes its report (the sandbox's pid) here once the sandbox exists
    info = os.open(policy.info_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.set_inheritable(info, True)
    command = bwrap_command(policy, kernel, as_root, str(inner), info)
    # the kernel's own console output (start-up banner, crashes) goes to a log, not the grader's
    log = os.open(link_dir / "kernel.log", os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    os.dup2(log, 1)
    os.dup2(log, 2)
    # exec, not a child: this process's death signal (set above) then covers bubblewrap itself,
    # and bubblewrap's --die-with-parent covers the sandbox, with no window in between
    os.execv(command[0], command)
    return 127


if __name__ == "__main__":
    sys.exit(main())
