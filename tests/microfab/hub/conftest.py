"""A real JupyterHub on loopback for the classroom tests: Unix users made and removed by the
test, a Python every user may run, the hub and its proxy started and stopped with bounded
waits, and a small client for the hub's REST API and each user's server behind the proxy."""

from __future__ import annotations

import importlib.util
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
PROXY = REPO / "node_modules" / ".bin" / "configurable-http-proxy"

# the tiny lab of the grading tests (and its sandbox check), shared rather than copied
_spec = importlib.util.spec_from_file_location(
    "microfab_autograder_conftest", REPO / "tests" / "autograder" / "conftest.py")
autograder_conftest = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(autograder_conftest)
sandbox_available = autograder_conftest.sandbox_available


def pytest_configure(config):
    config.addinivalue_line("markers", "hub: starts a real JupyterHub on 127.0.0.1 with Unix "
                            "users (root only; select with -m hub)")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(check, timeout_s: float, what: str, interval_s: float = 0.25):
    """check() until it returns something truthy; fail naming `what` after timeout_s."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(interval_s)
    raise TimeoutError(f"{what}: not within {timeout_s:g} s")


@pytest.fixture(scope="session")
def hub_machine():
    """Skip, saying why, where a hub with Unix users cannot run."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0:
        pytest.skip("the classroom hub test runs as root: it creates Unix users and the hub "
                    "starts each user's server as that user")
    for tool in ("useradd", "userdel", "runuser"):
        if shutil.which(tool) is None:
            pytest.skip(f"{tool} is not installed: the test makes one Unix user per student")
    if not PROXY.is_file() and shutil.which("configurable-http-proxy") is None:
        pytest.skip("configurable-http-proxy is not installed (npm install, as `make` does)")
    return str(PROXY if PROXY.is_file() else shutil.which("configurable-http-proxy"))


@pytest.fixture(scope="session")
def shared_root():
    """A folder every test user may enter (pytest's own tmp folders are root's alone)."""
    root = Path(tempfile.mkdtemp(prefix="microfab-hub-"))
    root.chmod(0o755)
    yield root
    shutil.rmtree(root, ignore_errors=True)


def _reachable_by_others(path: Path) -> bool:
    """Whether a user other than root can reach and run `path` (every folder searchable)."""
    for folder in [*reversed(path.parents)]:
        if not folder.stat().st_mode & 0o001:
            return False
    return bool(path.stat().st_mode & 0o005 == 0o005)


@pytest.fixture(scope="session")
def users_python(shared_root):
    """(python, environment) that every user's server runs: this environment's own when other
    users can reach it, else a hard-linked copy of its interpreter and standard library beside
    links to its site-packages (when Python was installed under root's home; a real hub
    installs its environment in a shared prefix such as /opt)."""
    python = Path(sys.executable)
    if _reachable_by_others(Path(os.path.realpath(python))):
        return str(python), {}
    base, env = shared_root / "python", shared_root / "env"
    version = f"python{sys.version_info.major}.{sys.version_info.minor}"
    stdlib = Path(sys.base_prefix) / "lib" / version
    link = os.link if os.stat(sys.base_prefix).st_dev == os.stat(shared_root).st_dev \
        else shutil.copy2
    shutil.copytree(Path(sys.base_prefix) / "bin", base / "bin", copy_function=link,
                    symlinks=True)
    shutil.copytree(stdlib, base / "lib" / version, copy_function=link,
                    ignore=shutil.ignore_patterns("site-packages", "test", "idlelib"))
    for library in (Path(sys.base_prefix) / "lib").glob("libpython*"):
        if library.is_file() and not library.is_symlink():
            link(library, base / "lib" / library.name)
    (env / "bin").mkdir(parents=True)
    (env / "lib" / version).mkdir(parents=True)
    (env / "pyvenv.cfg").write_text(f"home = {base / 'bin'}\ninclude-system-site-packages = "
                                    f"false\nversion = {sys.version.split()[0]}\n")
    (env / "bin" / "python").symlink_to(base / "bin" / version)
    (env / "lib" / version / "site-packages").symlink_to(
        Path(sys.prefix) / "lib" / version / "site-packages")
    for shared in ("etc", "share"):  # the server extensions enabled in this environment
        (env / shared).symlink_to(Path(sys.prefix) / shared)
    subprocess.run(["chmod", "-R", "a+rX", str(base), str(env)], check=True)
    return str(env / "bin" / "python"), {"LD_LIBRARY_PATH": str(base / "lib")}


@pytest.fixture(scope="module")
def unix_users(hub_machine):
    """make(role) -> a new Unix user's name; every one is removed (with its home) at the end."""
    made: list[str] = []
    tag = f"{os.getpid() % 10000:04d}{secrets.token_hex(1)}"

    def make(role: str) -> str:
        name = f"mf{role[:4]}{len(made)}{tag}"
        subprocess.run(["useradd", "--create-home", "--shell", "/bin/sh", name], check=True,
                       capture_output=True, timeout=30)
        made.append(name)
        return name

    yield make
    for name in made:
        stop_processes_of(name)
        subprocess.run(["userdel", "--remove", name], capture_output=True, timeout=30)
        subprocess.run(["groupdel", name], capture_output=True, timeout=30)


def stop_processes_of(user: str) -> None:
    """Stop what is left running as a user this test made (a server the hub did not stop)."""
    try:
        uid = pwd.getpwnam(user).pw_uid
    except KeyError:
        return
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass


def run_as(user: str, *command: str) -> subprocess.CompletedProcess:
    return subprocess.run(["runuser", "-u", user, "--", *command], capture_output=True,
                          text=True, timeout=30)


class Hub:
    """One `jupyterhub` process (and the proxy it starts), on 127.0.0.1."""

    def __init__(self, config: Path, url: str, log: Path, token: str):
        self.config, self.url, self.log_path, self.token = config, url.rstrip("/"), log, token
        self.process: subprocess.Popen | None = None

    def start(self, timeout_s: float = 60) -> Hub:
        log = self.log_path.open("a")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(self.config)],
            cwd=self.config.parent, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True)
        log.close()
        wait_for(self._ready, timeout_s, f"the hub at {self.url} (log: {self.log_path})")
        return self

    def _ready(self) -> bool:
        import requests

        if self.process.poll() is not None:
            raise RuntimeError(f"the hub exited ({self.process.returncode}):\n{self.log()}")
        try:
            return requests.get(f"{self.url}/hub/api/", timeout=2).ok
        except requests.ConnectionError:
            return False

    def stop(self, timeout_s: float = 30) -> None:
        """SIGTERM (the hub stops users' servers and its proxy), SIGKILL after timeout_s."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace")[-6000:]

    def api(self, method: str, path: str, token: str | None = None, **kwargs):
        import requests

        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.url}/hub/api{path}", headers=headers,
                                timeout=30, **kwargs)


class UserServer:
    """One user's single-user server, reached through the hub's proxy with their own token."""

    def __init__(self, hub: Hub, name: str, token: str):
        self.hub, self.name, self.token = hub, name, token

    def start(self, timeout_s: float = 90) -> UserServer:
        started = self.hub.api("POST", f"/users/{self.name}/server", token=self.token)
        assert started.status_code in (201, 202), started.text

        def ready():
            model = self.hub.api("GET", f"/users/{self.name}", token=self.token).json()
            server = model.get("servers", {}).get("", {})
            return server.get("ready")

        wait_for(ready, timeout_s, f"{self.name}'s server (hub log: {self.hub.log_path})", 0.5)
        return self

    def request(self, method: str, path: str, token: str | None = None, **kwargs):
        import requests

        kwargs.setdefault("timeout", 120)
        kwargs.setdefault("allow_redirects", False)  # a redirect to the login page is an answer
        headers = {"Authorization": f"token {token or self.token}"}
        return requests.request(method, f"{self.hub.url}/user/{self.name}/{path.lstrip('/')}",
                                headers=headers, **kwargs)

    def assignments(self, action: str, assignment: str, course_id: str) -> dict:
        """nbgrader's assignment-list extension: fetch, submit or fetch_feedback."""
        done = self.request("POST", f"assignments/{action}",
                            data={"assignment_id": assignment, "course_id": course_id})
        assert done.status_code == 200, f"{action} as {self.name}: {done.status_code} {done.text}"
        reply = done.json()
        assert reply.get("success"), f"{action} as {self.name}: {reply}"
        return reply


@pytest.fixture(scope="module")
def start_hub(hub_machine, users_python, shared_root):
    """start(out) -> a Hub on free loopback ports over the configuration in `out`, with an
    API token for the test; every hub started is stopped at the end."""
    started: list[Hub] = []

    def start(out: Path, port: int) -> Hub:
        token = secrets.token_hex(32)
        python, environment = users_python
        test_config = out / "test_config.py"
        test_config.write_text(
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(out / 'jupyterhub_config.py')!r})  # noqa: F821\n"
            "# every user's server runs a Python they may reach\n"
            f"c.Spawner.cmd = [{python!r}, '-m', 'jupyterhub.singleuser']\n"
            f"c.Spawner.environment.update({environment!r})\n"
            "c.Spawner.start_timeout = 90\nc.Spawner.http_timeout = 90\n"
            "# the test drives the hub's API as a service\n"
            f"c.JupyterHub.services = [{{'name': 'classroom-test', 'api_token': {token!r}}}]\n"
            "c.JupyterHub.load_roles.append({'name': 'classroom-test', 'services': "
            "['classroom-test'], 'scopes': ['admin:users', 'admin:servers', 'tokens', "
            "'access:servers', 'list:users', 'read:users', 'read:groups']})\n")
        test_config.chmod(0o600)
        hub = Hub(test_config, f"http://127.0.0.1:{port}", out / "state" / "hub.log", token)
        started.append(hub)
        return hub.start()

    yield start
    for hub in started:
        hub.stop()


@pytest.fixture(scope="session")
def kit():
    """This folder's helpers for its test modules (conftest modules are not importable);
    `lab` is the tiny lab of the grading tests (lab_notebook, new_rubric_cell)."""
    import types

    return types.SimpleNamespace(free_port=free_port, wait_for=wait_for, run_as=run_as,
                                 UserServer=UserServer, lab=autograder_conftest)
