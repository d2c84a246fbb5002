"""The grader survives any submission: one attack per student, all graded in one sandboxed run.

Each attack must end with a recorded score and reason, and the submissions after it graded.
Network attacks target a server on this machine's loopback only.
"""

from __future__ import annotations

import copy
import json
import socket
import threading

import nbformat
import pytest

from autograder.autograde import autograde
from autograder.ingest import graded_log
from lab_kernels.limits import GradingLimits

ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py

pytestmark = pytest.mark.gate
LIMITS = GradingLimits(cell_timeout_s=8, memory_mb=1536, max_processes=48, max_output_mb=0.2)
WRONG = "def double(x):\n    return x"


def _with_solution(source, code):
    notebook = copy.deepcopy(source)
    cell = next(c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == "double")
    cell.source = code
    return notebook


def _attacks(source, course_root, port):
    right = source.cells[1].source
    source_path = course_root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    tampered_tests = copy.deepcopy(_with_solution(source, WRONG))
    for cell in tampered_tests.cells:
        if cell.metadata["nbgrader"].get("grade"):
            cell.source = "pass"
    deleted = copy.deepcopy(source)
    deleted.cells = [c for c in deleted.cells if c.metadata["nbgrader"]["grade_id"] != "test_array"]
    duplicated = copy.deepcopy(source)
    duplicated.cells.insert(2, copy.deepcopy(duplicated.cells[1]))
    return {
        "honest": source,
        "infinite-loop": _with_solution(source, "while True:\n    pass\n" + right),
        "memory": _with_solution(source, "blob = bytearray(50 * 2**30)\n" + right),
        "fork-storm": _with_solution(source, (
            "import os, time\nfor _ in range(5000):\n    try:\n        if os.fork() == 0:\n"
            "            time.sleep(30)\n            os._exit(0)\n    except OSError:\n"
            "        break\n") + right),
        "kill-parent": _with_solution(source, (
            "import os, signal\ntry:\n    os.kill(os.getppid(), signal.SIGKILL)\n"
            "except OSError:\n    pass\ntry:\n    os.kill(-1, signal.SIGKILL)\n"
            "except OSError:\n    pass\nos.killpg(0, signal.SIGKILL)\n") + right),
        "exit-kernel": _with_solution(source, "import os\nos._exit(3)\n" + right),
        "print-gigabytes": _with_solution(source, "while True:\n    print('x' * 10_000)\n"
                                          + right),
        "tamper-tests": tampered_tests,
        "delete-test": deleted,
        "duplicate-cells": duplicated,
        "monkeypatch": _with_solution(source, WRONG + "\nimport numpy\n"
                                      "numpy.array_equal = lambda *a, **k: True\n"
                                      "import builtins\nbuiltins.AssertionError = Warning\n"),
        "read-instructor-files": _with_solution(source, (
            f"import json\nnb = json.load(open({str(source_path)!r}))\n"
            f"open({str(course_root / 'gradebook.db')!r}, 'rb').read()\n"
            "exec(''.join(nb['cells'][1]['source']))\n")),
        "network": _with_solution(source, (
            f"import socket\nsocket.create_connection(('127.0.0.1', {port}), timeout=3).close()\n"
            + right)),
        "write-outside": _with_solution(source, (
            f"open({str(course_root / 'gradebook.db')!r}, 'wb').write(b'gone')\n" + right)),
    }


@pytest.fixture(scope="module")
def graded(lab_course_factory):
    course = lab_course_factory("attacks")
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    server = socket.create_server(("127.0.0.1", 0))
    port = server.getsockname()[1]
    accepted = []
    threading.Thread(target=lambda: accepted.append(server.accept()), daemon=True).start()
    for student, notebook in _attacks(source, course.root, port).items():
        course.submit(ASSIGNMENT, student, notebook)
    raw = {"invalid-json": b"{not json", "not-a-notebook": b"\x89PNG\r\n\x1a\n\x00\x00"}
    for student, payload in raw.items():
        folder = course.root / "submitted" / student / ASSIGNMENT
        folder.mkdir(parents=True)
        (folder / f"{ASSIGNMENT}.ipynb").write_bytes(payload)
    missing = course.root / "submitted" / "missing-notebook" / ASSIGNMENT
    missing.mkdir(parents=True)
    (missing / "answer.py").write_text("print('my answer')")
    run = autograde(course.root, ASSIGNMENT, workers=2, limits=LIMITS, progress=False)
    server.close()
    log = graded_log(course.root)
    return course, run, log, accepted


def _score(course, student):
    return sum(c.score for c in course.scores(ASSIGNMENT, student))


def _reason(log, student):
    return log[(ASSIGNMENT, student)]["reason"]


def test_every_submission_got_a_score(graded):
    course, run, log, _ = graded
    students = {p.name for p in (course.root / "submitted").iterdir()}
    assert {s for (_, s) in log} == students
    assert len(run.results) == len(students)


def test_honest_work_scores_full_marks(graded):
    assert _score(graded[0], "honest") == 3


@pytest.mark.parametrize("student, reason", [
    ("infinite-loop", "time limit"),
    ("memory", "memory limit"),
    ("kill-parent", "kernel stopped"),
    ("exit-kernel", "kernel stopped"),
    ("print-gigabytes", "output limit"),
    ("invalid-json", "not a readable notebook"),
    ("not-a-notebook", "not a readable notebook"),
    ("missing-notebook", "missing"),
])
def test_attack_scores_zero_with_a_clear_reason(graded, student, reason):
    course, _, log, _ = graded
    assert _score(course, student) == 0
    assert reason in _reason(log, student)


def test_monkeypatching_cannot_reach_the_tests(graded):
    """The tests run in another process: a patched numpy or AssertionError changes nothing."""
    course, *_ = graded
    assert _score(course, "monkeypatch") == 0
    notebook = nbformat.read(str(course.autograded_path(ASSIGNMENT, "monkeypatch")), 4)
    errors = [o for c in notebook.cells for o in c.get("outputs", [])
              if o.get("output_type") == "error"]
    assert any("double(2) should be 4" in o["evalue"] for o in errors)


def test_fork_storm_is_contained_and_the_work_still_counts(graded):
    assert _score(graded[0], "fork-storm") == 3


def test_tampered_test_cells_are_restored_from_the_gradebook(graded):
    assert _score(graded[0], "tamper-tests") == 0


def test_a_deleted_test_cell_scores_zero_but_the_rest_counts(graded):
    scores = {c.grade_id: c.score for c in graded[0].scores(ASSIGNMENT, "delete-test")}
    assert scores == {"test_visible": 1, "test_array": 0}


def test_duplicated_cells_do_not_break_grading(graded):
    assert _score(graded[0], "duplicate-cells") == 3


def test_instructor_files_are_invisible_and_unwritable(graded):
    course, *_ = graded
    assert _score(course, "read-instructor-files") == 0
    assert _score(course, "write-outside") == 0
    assert (course.root / "gradebook.db").read_bytes()[:6] == b"SQLite"


def test_no_network_even_to_loopback(graded):
    course, _, _, accepted = graded
    assert _score(course, "network") == 0
    assert accepted == []


def test_submitted_files_are_kept_as_they_were(graded):
    course, *_ = graded
    folder = course.root / "submitted" / "invalid-json" / ASSIGNMENT
    assert (folder / f"{ASSIGNMENT}.ipynb").read_bytes() == b"{not json"
    assert json.loads((course.root / "submitted" / "honest" / ASSIGNMENT /
                       f"{ASSIGNMENT}.ipynb").read_text())["cells"]
