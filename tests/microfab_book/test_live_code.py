"""Live code in the book: the vendored thebe, run against `microfab serve`'s local server.

One small book (one unit, nothing executed: the lesson's code cells are still there) is built
and served; headless Chromium presses "Live Code" on the lesson, runs a cell that reads a frame
through the shims and sees its output in the page, and no request leaves 127.0.0.1 (the
browser's network is off but for loopback)."""

from __future__ import annotations

import base64
import io
import json
import socket
import time
from pathlib import Path

import pytest

from course_units import units_root
from microfab.cli import main
from microfab_book.audit import external_assets
from microfab_book.build import build_book
from microfab_book.copy import copy_book_sources
from microfab_book.layout import HTML_DIR
from microfab_book.serve import ServeError, check_book, start_server

REPO = Path(__file__).resolve().parents[2]
UNIT = "00-orientation"
LESSON = f"course_units/{UNIT}/lesson.html"
CELL = ('from hardware_shims import open_camera\n'
        'with open_camera("replay://orientation/sample") as camera:\n'
        '    frame = camera.read()\n'
        'print("live frame", frame.image.shape)')
KERNEL_WAIT_S = 120  # the first kernel imports numpy and OpenCV on a busy machine
RUN_WAIT_S = 60
# the first live cell with its output, which thebe writes beside its editor
FIRST_CELL_TEXT = "document.querySelector('.thebe-cell')?.closest('div.cell')?.innerText"


@pytest.fixture(scope="module")
def live_book(node_modules, tmp_path_factory) -> Path:
    """The orientation unit's book, built once for this module, not executed (the small book
    of the other tests, named by unit: the cell below reads that unit's recorded session)."""
    root = copy_book_sources(REPO, tmp_path_factory.mktemp("live") / "repo", units_root(),
                             [UNIT])
    out = io.StringIO()
    build = build_book(root, execute="off", out=out)
    if not build.ok:
        pytest.fail(f"the book did not build (status {build.status}): {build.problems}\n"
                    + "\n".join(out.getvalue().splitlines()[-40:]))
    return root


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def live_server(live_book):
    server = start_server(live_book / HTML_DIR, port=_free_port(), root_dir=live_book,
                          timeout_s=90)
    try:
        yield server
    finally:
        server.stop()


def test_pages_name_no_remote_thebe(live_book):
    site = live_book / HTML_DIR
    assert external_assets(site) == []
    lesson = (site / LESSON).read_text()
    assert "unpkg.com" not in lesson and "THEBE_JS_URL" not in lesson
    assert "mybinder.org" not in lesson
    assert "initThebeSBT()" in lesson  # the Live Code button
    assert lesson.count("microfab live code") == 1  # the book's own loader, once
    assert (site / "vendor/thebe/index.js").is_file()
    assert (site / "vendor/thebe/thebe.css").is_file()
    chunks = list((site / "vendor/thebe").glob("*.index.js"))
    assert len(chunks) > 50, "thebe's webpack chunks must sit beside its index.js"
    assert "cdnjs.cloudflare.com/ajax/libs/require.js" not in \
        (site / "vendor/thebe/index.js").read_text()
    # labs have no live code: their release has no solutions to run against
    lab = next((site / "book/generated/labs").glob("*.html")).read_text()
    assert "microfab live code" not in lab


def _evaluate(browser, session: str, expression: str):
    reply = browser.send("Runtime.evaluate", {"expression": expression, "returnByValue": True},
                         session)
    return reply.get("result", {}).get("value")


def _wait_for(browser, session: str, expression: str, timeout_s: float):
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        value = _evaluate(browser, session, expression)
        if value:
            return value
        time.sleep(0.5)
    return None


def _requests(browser, session: str) -> tuple[list[str], list[str]]:
    """(URLs the page requested, websockets it opened)."""
    requests = [e["params"]["request"]["url"] for e in browser.events
                if e.get("method") == "Network.requestWillBeSent"
                and e.get("sessionId") == session]
    sockets = [e["params"]["url"] for e in browser.events
               if e.get("method") == "Network.webSocketCreated" and e.get("sessionId") == session]
    return requests, sockets


def _go_live(browser, server, page: str) -> str:
    """Open page from the server, press Live Code, wait for the kernel; the tab's session."""
    target = browser.send("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
        "sessionId"]
    for method in ("Network.enable", "Page.enable"):
        browser.send(method, {}, session)
    browser.send("Page.navigate", {"url": f"{server.url}book/{page}?token={server.token}"},
                 session)
    assert browser.wait_event("Page.loadEventFired", session, 30), f"{page} did not load"
    pressed = _evaluate(browser, session, """(() => {
        const button = document.querySelector('button.btn-launch-thebe');
        if (button) button.click();
        return Boolean(button); })()""")
    where = _evaluate(browser, session, "location.href + ' ' + document.title")
    assert pressed, f"no Live Code button on {where}"
    status = _wait_for(browser, session, """(() => {
        const s = document.querySelector('.thebe-launch-button')?.dataset.microfabLive;
        return (s === 'ready' || s === 'failed') ? s : null; })()""", KERNEL_WAIT_S)
    text = _evaluate(browser, session, "document.querySelector('.thebe-launch-button')"
                     "?.textContent")
    assert status == "ready", f"the kernel did not start: {text!r}\n{server.log_tail()}"
    return session


def _screenshot(browser, session: str, path: Path) -> None:
    shot = browser.send("Page.captureScreenshot", {"format": "png"}, session)
    path.write_bytes(base64.b64decode(shot["data"]))


def _stayed_local(browser, session: str, server) -> None:
    requests, sockets = _requests(browser, session)
    assert any("vendor/thebe/index.js" in r for r in requests)
    assert sockets and all(s.startswith(f"ws://127.0.0.1:{server.port}/") for s in sockets), \
        sockets
    assert [r for r in requests if not r.startswith((server.url, "data:", "blob:"))] == []


def test_live_code_runs_a_lesson_cell_against_the_local_server(loopback_browser, live_server,
                                                              tmp_path):
    browser = loopback_browser
    session = _go_live(browser, live_server, LESSON)
    ran = _evaluate(browser, session, f"""(() => {{
        const cell = document.querySelector('.thebe-cell');
        cell.querySelector('.CodeMirror').CodeMirror.setValue({json.dumps(CELL)});
        cell.querySelector('.thebe-run-button').click();
        return true; }})()""")
    assert ran
    printed = r"/live frame \(\d+, \d+/"
    output = _wait_for(browser, session, f"(() => {{ const text = {FIRST_CELL_TEXT} || '';"
                       f" return {printed}.test(text) ? text : null; }})()", RUN_WAIT_S)
    _screenshot(browser, session, tmp_path / "live-code.png")
    cell_text = _evaluate(browser, session, FIRST_CELL_TEXT)
    assert output, f"no frame printed in the page: {cell_text!r}\n{live_server.log_tail()}"
    _stayed_local(browser, session, live_server)


def test_live_code_draws_the_try_it_slider_with_the_vendored_requirejs(loopback_browser,
                                                                      live_server, tmp_path):
    """thebe's widget manager loads RequireJS before any widget: the vendored one, patched to
    take the book's copy, not a CDN's."""
    browser = loopback_browser
    session = _go_live(browser, live_server, "book/try-it.html")
    assert _evaluate(browser, session, "document.querySelectorAll('.widget-slider').length") \
        == 0  # not executed: no saved slider
    _evaluate(browser, session, "document.querySelector('.thebe-runall-button').click()")
    sliders = _wait_for(browser, session, "document.querySelectorAll('.widget-slider').length",
                        RUN_WAIT_S)
    _screenshot(browser, session, tmp_path / "try-it-live.png")
    assert sliders, f"no live slider: {_evaluate(browser, session, 'document.body.innerText')!r}"
    _stayed_local(browser, session, live_server)


def test_serve_refuses_a_book_that_is_not_built(tmp_path):
    with pytest.raises(ServeError, match="make book"):
        check_book(tmp_path)


def test_serve_help(capsys):
    with pytest.raises(SystemExit) as done:
        main(["serve", "--help"])
    assert done.value.code == 0
    usage = " ".join(capsys.readouterr().out.split())  # as wrapped to any width
    for words in ("--port", "--book-dir", "--no-browser", "127.0.0.1", "make book", "Exits 2"):
        assert words in usage
    assert main(["serve", "--no-browser", "--book-dir", "nowhere"]) == 2
    assert "run `make book`" in capsys.readouterr().err
