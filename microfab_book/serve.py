"""One local Jupyter server for a self-learner's live code (`microfab serve`).

It serves the built book under /book/ and runs the pages' cells in the lab kernels, bound to
127.0.0.1 only and guarded by a random token. The book and the kernels share one origin, so the
pages' live code talks to the server that sent them and no other origin is let in (no CORS is
opened; a page opened from file:// cannot reach it). The token travels in the address the
command prints: the first page sets the login cookie and keeps the token for the tab.

The same module is the server extension that adds the /book/ route inside the server process.
"""

from __future__ import annotations

import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

HOST = "127.0.0.1"  # never another interface: the kernels run the reader's code
DEFAULT_PORT = 8765
BOOK_ROUTE = "book"  # the book's pages are at http://127.0.0.1:PORT/book/
BOOK_DIR_ENV = "MICROFAB_SERVE_BOOK"  # how the server process learns where the book is
DEFAULT_KERNEL = "microfab-replay"  # recorded sessions: runs anywhere, no hardware
START_TIMEOUT_S = 60.0


class ServeError(RuntimeError):
    """The book is not built, or the server did not start."""


def check_book(book_dir: Path) -> Path:
    book_dir = Path(book_dir).resolve()
    if not (book_dir / "index.html").is_file():
        raise ServeError(f"the book is not built: {book_dir / 'index.html'} is missing; run "
                         "`make book` (or `microfab book build`) first, or pass --book-dir")
    return book_dir


def write_kernelspecs(data_dir: Path) -> list[str]:
    """Every lab kernel as data_dir/kernels/<name>/kernel.json; nothing is installed."""
    from hardware_shims.profiles import PROFILES
    from lab_kernels.kernelspecs import kernel_name, kernelspec

    names = []
    for profile in PROFILES:
        folder = Path(data_dir) / "kernels" / kernel_name(profile)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "kernel.json").write_text(json.dumps(kernelspec(profile), indent=1))
        names.append(kernel_name(profile))
    return names


@dataclass
class LiveServer:
    """A running server; `stop()` ends it and its kernels."""

    process: subprocess.Popen
    port: int
    token: str
    log_path: Path
    _workdir: tempfile.TemporaryDirectory | None = field(default=None, repr=False)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/"

    @property
    def book_url(self) -> str:
        """The address to open: the book's first page, with the token that logs in."""
        return f"{self.url}{BOOK_ROUTE}/index.html?token={self.token}"

    def log_tail(self, lines: int = 30) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s: float = 15.0) -> None:
        """SIGTERM (the server shuts its kernels down), SIGKILL if it does not end in time."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        if self._workdir is not None:
            self._workdir.cleanup()
            self._workdir = None


def _answers(url: str, token: str) -> bool:
    request = urllib.request.Request(url, headers={"Authorization": f"token {token}"})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


def start_server(book_dir: Path, *, port: int = DEFAULT_PORT, root_dir: Path | None = None,
                 timeout_s: float = START_TIMEOUT_S) -> LiveServer:
    """Start `jupyter server` on 127.0.0.1:port serving book_dir, kernels at root_dir (default:
    the current folder); returns once it answers. Raises ServeError."""
    book_dir = check_book(book_dir)
    workdir = tempfile.TemporaryDirectory(prefix="microfab-serve-")
    data_dir = Path(workdir.name) / "share"
    write_kernelspecs(data_dir)
    token = secrets.token_urlsafe(24)
    env = {**os.environ, BOOK_DIR_ENV: str(book_dir),
           "JUPYTER_TOKEN": token,  # not on the command line, where `ps` shows it
           "JUPYTER_PATH": os.pathsep.join(p for p in (str(data_dir),
                                                        os.environ.get("JUPYTER_PATH")) if p),
           "JUPYTER_RUNTIME_DIR": str(Path(workdir.name) / "runtime")}
    command = [sys.executable, "-m", "jupyter_server", f"--ServerApp.ip={HOST}",
               f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
               "--ServerApp.open_browser=False", "--ServerApp.allow_remote_access=False",
               f"--ServerApp.root_dir={Path(root_dir or Path.cwd()).resolve()}",
               f"--MappingKernelManager.default_kernel_name={DEFAULT_KERNEL}",
               "--ServerApp.jpserver_extensions={'microfab_book.serve': True}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--ServerApp.allow_root=True")  # containers run as root; still loopback
    log_path = Path(workdir.name) / "server.log"
    with open(log_path, "wb") as log:
        # its own session: Ctrl-C reaches only `microfab serve`, which stops it cleanly
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    server = LiveServer(process, port, token, log_path, workdir)
    deadline = time.monotonic() + timeout_s
    while not _answers(f"{server.url}api/status", token):
        if process.poll() is not None or time.monotonic() > deadline:
            why = "exited" if process.poll() is not None else f"did not answer in {timeout_s} s"
            tail = server.log_tail()
            server.stop()
            raise ServeError(f"the Jupyter server on {HOST}:{port} {why}"
                             + (" (is the port in use? try --port)" if "in use" in tail else "")
                             + f":\n{tail}")
        time.sleep(0.25)
    return server


def _book_handler():
    from jupyter_server.base.handlers import JupyterHandler
    from tornado import web

    class BookHandler(JupyterHandler, web.StaticFileHandler):
        """The built book, only to the holder of the token: its pages run code here."""

        auth_resource = "contents"

        @web.authenticated
        def get(self, path: str, include_body: bool = True):
            self.xsrf_token  # noqa: B018 -- sets the _xsrf cookie live code sends back
            return web.StaticFileHandler.get(self, path, include_body)

        @web.authenticated
        def head(self, path: str):
            return web.StaticFileHandler.head(self, path)

        def compute_etag(self) -> str | None:
            return None  # a rebuilt book is served at once

    return BookHandler


def _jupyter_server_extension_points() -> list[dict]:
    return [{"module": "microfab_book.serve"}]


def _load_jupyter_server_extension(serverapp) -> None:
    from jupyter_server.utils import url_path_join
    from tornado import web

    book_dir = os.environ.get(BOOK_DIR_ENV)
    if not book_dir:
        return  # not started by `microfab serve`: nothing to serve
    base = url_path_join(serverapp.base_url, BOOK_ROUTE)
    serverapp.web_app.add_handlers(".*$", [
        (base, web.RedirectHandler, {"url": base + "/"}),
        (base + "/(.*)", _book_handler(), {"path": book_dir, "default_filename": "index.html"}),
    ])
    serverapp.log.info(f"microfab: the book in {book_dir} at {base}/")


def open_in_browser(url: str) -> bool:
    import webbrowser

    return webbrowser.open(url)
