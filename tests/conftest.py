"""Shared fixtures: a writable copy of the course units to break in tests; a headless browser
with the network off (`browser`) for tests that open pages the project builds (the book, the
feedback HTML).

Chromium is driven over --remote-debugging-pipe: the DevTools protocol as NUL-separated JSON on
file descriptors 3 and 4, so no driver or websocket package is needed.
"""

from __future__ import annotations

import base64
import json
import os
import re
import select
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
UNITS = REPO / "course_units"


@pytest.fixture
def units_copy(tmp_path: Path) -> Path:
    """The framework, the template and the sample unit, copied so a test can break one file."""
    root = tmp_path / "units"
    root.mkdir()
    shutil.copy2(UNITS / "competencies.yaml", root)
    for folder in ("_template", "00-orientation"):
        shutil.copytree(UNITS / folder, root / folder)
    return root


# Skips a complete set-up still has: hardware this machine lacks, an SDK the README does not
# install, a simulator feature that does not exist, a data set that lives beside the project.
EXPECTED_SKIPS = re.compile(
    r"(cuda|jetson|ascend)://\S* (not available|cannot run this model) here"
    r"|viky\.cti cannot unplug|xarm-python-sdk not installed|data set not found at")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Under MICROFAB_REQUIRE_COMPLETE=1 (.ci/run), a skip for what the set-up installs fails."""
    outcome = yield
    report = outcome.get_result()
    if not (report.skipped and os.environ.get("MICROFAB_REQUIRE_COMPLETE") == "1"):
        return
    if hasattr(report, "wasxfail"):
        return
    reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else str(report.longrepr)
    if not EXPECTED_SKIPS.search(reason):
        report.outcome = "failed"
        report.longrepr = (f"skipped, but `make book`/`make test` should have installed what it "
                           f"needs: {reason}")


@pytest.fixture(autouse=True)
def _fresh_binding_banners():
    """Each test starts as a fresh kernel does: no binding shown yet."""
    from hardware_shims import banner

    banner._shown.clear()
    yield


BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars",
         # network off: every host resolves to nothing, and the proxy is a closed port
         "--proxy-server=127.0.0.1:9", "--host-resolver-rules=MAP * ~NOTFOUND"]
PROBE = """({
  title: document.title,
  mathjax: document.querySelectorAll('mjx-container').length,
  sliders: document.querySelectorAll('.widget-slider').length,
  widgets: document.querySelectorAll('.jupyter-widgets').length,
  images: Array.from(document.images).filter(i => i.complete && i.naturalWidth > 0).length,
  broken: Array.from(document.images).filter(i => i.complete && i.naturalWidth === 0)
                .map(i => i.getAttribute('src')),
  text: document.body ? document.body.innerText : ''
})"""


def chromium_flags(loopback: bool = False) -> list[str]:
    """FLAGS; with `loopback`, 127.0.0.1 still resolves (a server under test), nothing else."""
    if not loopback:
        return FLAGS
    return [f"{flag}, EXCLUDE 127.0.0.1" if flag.startswith("--host-resolver-rules=") else flag
            for flag in FLAGS]


def _browser() -> str | None:
    override = os.environ.get("MICROFAB_CHROMIUM")
    if override:
        return override
    return next((path for name in BROWSERS if (path := shutil.which(name))), None)


class Chromium:
    """A tiny DevTools-protocol client over Chromium's debugging pipe."""

    def __init__(self, binary: str, profile: Path, loopback: bool = False):
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def onto_3_and_4():
            reader, writer = os.dup(to_browser_r), os.dup(from_browser_w)
            os.dup2(reader, 3)
            os.dup2(writer, 4)

        self.process = subprocess.Popen(
            [binary, *chromium_flags(loopback), f"--user-data-dir={profile}",
             "--remote-debugging-pipe",
             "about:blank"], preexec_fn=onto_3_and_4, close_fds=False,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []

    def _read(self, deadline: float) -> dict | None:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([self._from_browser], [], [], left)[0]:
                return None
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("the browser closed its debugging pipe")
            self._buffer += chunk
        message, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(message)

    def send(self, method: str, params: dict | None = None, session: str | None = None,
             timeout_s: float = 30) -> dict:
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        deadline = time.monotonic() + timeout_s
        while (reply := self._read(deadline)) is not None:
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)
        raise TimeoutError(f"no reply to {method} in {timeout_s} s")

    def wait_event(self, method: str, session: str, timeout_s: float) -> bool:
        deadline = time.monotonic() + timeout_s
        seen = lambda: any(e.get("method") == method and e.get("sessionId") == session  # noqa: E731
                           for e in self.events)
        while not seen():
            event = self._read(deadline)
            if event is None:
                return False
            self.events.append(event)
        return True

    def visit(self, url: str, screenshot: Path, ready: str, scroll_to: str | None = None,
              timeout_s: float = 30, probe: str = PROBE) -> dict:
        """Open url, wait until the JS expression `ready` holds (or time out), screenshot it;
        what `probe` found, plus every URL the page requested."""
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"]
        for method, params in [("Network.enable", {}), ("Page.enable", {}),
                               ("Emulation.setDeviceMetricsOverride",
                                {"width": 1280, "height": 1600, "deviceScaleFactor": 1,
                                 "mobile": False})]:
            self.send(method, params, session)
        self.send("Page.navigate", {"url": url}, session)
        self.wait_event("Page.loadEventFired", session, timeout_s)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = self.send("Runtime.evaluate", {"expression": f"Boolean({ready})",
                                                  "returnByValue": True}, session)
            if done.get("result", {}).get("value"):
                break
            time.sleep(0.25)
        if scroll_to:
            self.send("Runtime.evaluate", {"expression": f"document.querySelector({scroll_to!r})"
                                           "?.scrollIntoView({block: 'center'})"}, session)
        time.sleep(0.5)  # let the last layout settle before the picture
        found = self.send("Runtime.evaluate", {"expression": probe, "returnByValue": True},
                          session)["result"]["value"]
        shot = self.send("Page.captureScreenshot", {"format": "png"}, session)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        found["requests"] = [e["params"]["request"]["url"] for e in self.events
                             if e.get("method") == "Network.requestWillBeSent"
                             and e.get("sessionId") == session]
        self.send("Target.closeTarget", {"targetId": target})
        return found

    def close(self) -> None:
        try:
            self.send("Browser.close", timeout_s=5)
        except (RuntimeError, TimeoutError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


def _chromium(loopback: bool):
    binary = _browser()
    if binary is None:
        pytest.skip("headless Chromium is not installed (apt-get install chromium, or set "
                    "MICROFAB_CHROMIUM to a Chromium or Chrome binary)")
    with tempfile.TemporaryDirectory(prefix="microfab-chromium-") as profile:
        chromium = Chromium(binary, Path(profile), loopback)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def browser():
    """Headless Chromium with the network off: a page that reaches for any host fails."""
    yield from _chromium(loopback=False)


@pytest.fixture
def loopback_browser():
    """The same Chromium, network still off, but 127.0.0.1 reachable (a local server)."""
    yield from _chromium(loopback=True)
