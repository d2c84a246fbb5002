"""Parallel and distributed grading, resuming after a kill, feedback, validation, bad input."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import nbformat
import pytest

from autograder.autograde import GradingRefused, autograde
from autograder.ingest import graded_log
from lab_kernels.limits import GradingLimits

pytestmark = pytest.mark.gate
ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py
HIDDEN_LINES = ['assert double(-7) == -14, "double(-7) should be -14"']
FAST = GradingLimits(cell_timeout_s=20)


def _submit_mix(course, students: int):
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    release = nbformat.read(str(course.release_path(ASSIGNMENT)), as_version=4)
    for n in range(students):
        course.submit(ASSIGNMENT, f"s{n:02d}", source if n % 2 == 0 else release)


def _totals(course):
    return {p.name: sum(c.score for c in course.scores(ASSIGNMENT, p.name))
            for p in sorted((course.root / "submitted").iterdir())}


@pytest.fixture(scope="module")
def graded_course(lab_course_factory):
    course = lab_course_factory("pipeline")
    _submit_mix(course, 4)
    autograde(course.root, ASSIGNMENT, workers=2, limits=FAST, progress=False)
    return course


def test_parallel_grading_gives_right_and_wrong_their_scores(graded_course):
    assert _totals(graded_course) == {"s00": 3, "s01": 0, "s02": 3, "s03": 0}


def test_a_second_run_resumes_and_grades_nothing_twice(graded_course):
    run = autograde(graded_course.root, ASSIGNMENT, workers=2, limits=FAST, progress=False)
    assert run.results == [] and sorted(run.skipped) == ["s00", "s01", "s02", "s03"]


def test_plain_nbgrader_still_reads_the_course(graded_course):
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{graded_course.root / 'gradebook.db'}") as gradebook:
        assert gradebook.average_assignment_score(ASSIGNMENT) == pytest.approx(1.5)
    listing = subprocess.run([sys.executable, "-m", "nbgrader", "list", "--help"],
                             capture_output=True, text=True, cwd=graded_course.root)
    assert listing.returncode == 0


def test_feedback_shows_verdicts_and_hints_but_never_hidden_tests(graded_course):
    from microfab.cli import main

    assert main(["grade", "feedback", ASSIGNMENT, "--course", str(graded_course.root)]) == 0
    pages = sorted((graded_course.root / "feedback").rglob("*.html"))
    assert len(pages) == 4
    for page in pages:
        html = page.read_text()
        for line in HIDDEN_LINES:
            assert line not in html and "double(-7)" not in html.replace("&quot;", '"')
        assert "hidden tests:" in html
    failing = (graded_course.root / "feedback" / "s01").rglob("*.html")
    assert "check negative numbers too" in next(failing).read_text()


def test_grading_on_a_dask_cluster(lab_course_factory):
    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    course = lab_course_factory("dask")
    _submit_mix(course, 2)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        run = autograde(course.root, ASSIGNMENT, dask_address=cluster.scheduler_address,
                        limits=FAST, progress=False)
    assert len(run.results) == 2 and _totals(course) == {"s00": 3, "s01": 0}


def test_a_run_killed_with_sigkill_resumes_without_loss_or_duplicates(lab_course_factory):
    course = lab_course_factory("killed")
    _submit_mix(course, 6)
    script = ("from autograder.autograde import autograde\n"
              "from lab_kernels.limits import GradingLimits\n"
              "if __name__ == '__main__':\n"
              f"    autograde({str(course.root)!r}, {ASSIGNMENT!r}, workers=1, "
              "limits=GradingLimits(cell_timeout_s=20), progress=False)\n")
    grader = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    log = course.root / ".microfab" / "grading-log.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (not log.exists() or
                                           len(log.read_text().splitlines()) < 2):
        time.sleep(0.2)
    os.killpg(grader.pid, signal.SIGKILL)  # the grader and its kernels, mid-run
    grader.wait()
    deadline = time.monotonic() + 10
    while _sandboxes_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sandboxes_left() == []  # the sandboxes died with the grader
    graded_before = len(graded_log(course.root))
    assert 2 <= graded_before < 6
    run = autograde(course.root, ASSIGNMENT, workers=2, limits=FAST, progress=False)
    assert len(run.results) + len(run.skipped) == 6
    assert _totals(course) == {f"s{n:02d}": (3 if n % 2 == 0 else 0) for n in range(6)}
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course.root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.find_assignment(ASSIGNMENT).submissions) == 6


def _with_task_heading(notebook):
    notebook.cells.insert(1, nbformat.v4.new_markdown_cell("## Task 1: double a number\n\nWrite"))
    return notebook


def test_validate_names_failing_tests_by_task_test_and_points(graded_course, tmp_path):
    release = nbformat.read(str(graded_course.release_path(ASSIGNMENT)), as_version=4)
    source = nbformat.read(str(graded_course.source_path(ASSIGNMENT)), as_version=4)
    half = nbformat.read(str(graded_course.source_path(ASSIGNMENT)), as_version=4)
    half.cells[1].source = "def double(x):\n    return 2 * x if np.ndim(x) == 0 else x"
    for name, notebook in (("stub", release), ("done", source), ("half", half)):
        nbformat.write(_with_task_heading(notebook), str(tmp_path / f"{name}.ipynb"))
    run = [sys.executable, "-m", "microfab", "grade", "validate"]

    def validate(name, **env):
        return subprocess.run([*run, str(tmp_path / f"{name}.ipynb")], capture_output=True,
                              text=True, env={**os.environ, **env})

    stub, done, half = validate("stub"), validate("done"), validate("half")
    assert stub.returncode == 1
    assert "Task 1: double a number \u2014 test_visible (1 point) fails" in stub.stdout
    assert "test_array (2 points) fails" in stub.stdout
    assert "double is not implemented yet" in stub.stdout
    assert "3 point(s) at stake" in stub.stdout
    assert "\x1b[" not in stub.stdout + stub.stderr  # a pipe gets no colour codes
    assert half.returncode == 1 and "test_array (2 points) fails" in half.stdout
    assert "AssertionError: double each element" in half.stdout
    assert "test_visible" not in half.stdout  # it passes
    assert done.returncode == 0 and "all visible tests pass" in done.stdout


def test_validate_runs_the_tests_where_student_code_cannot_reach_them(graded_course, tmp_path):
    cheat = nbformat.read(str(graded_course.source_path(ASSIGNMENT)), as_version=4)
    # a wrong answer that patches the checker the test uses: a shared kernel would pass it
    cheat.cells[1].source = ("np.array_equal = lambda *args, **kwargs: True\n"
                             "def double(x):\n    return 2 * x if np.ndim(x) == 0 else x")
    nbformat.write(cheat, str(tmp_path / "cheat.ipynb"))
    run = subprocess.run([sys.executable, "-m", "microfab", "grade", "validate",
                          str(tmp_path / "cheat.ipynb")], capture_output=True, text=True)
    assert run.returncode == 1 and "test_array (2 points) fails" in run.stdout
    assert "without encryption" not in run.stderr  # the kernels talk over IPC, not TCP


def test_validate_colours_a_terminal_unless_no_color(monkeypatch, capsys):
    from microfab.commands.grade import _colours

    class Terminal:
        def isatty(self):
            return True

    red, _ = _colours(Terminal())
    assert red("fails") == "\x1b[31mfails\x1b[0m"
    monkeypatch.setenv("NO_COLOR", "1")
    red, _ = _colours(Terminal())
    assert red("fails") == "fails"


def test_a_failure_reason_names_the_function_still_a_stub():
    from autograder.validate import failure_reason

    raw = ("\x1b[36mCell\x1b[39m In[4], line 4, in \x1b[36mpart_mask\x1b[39m\x1b[34m(image)\n"
           "----> 4     raise NotImplementedError()\n\n\x1b[31mNotImplementedError\x1b[39m: ")
    assert failure_reason(raw).startswith("part_mask is not implemented yet")
    channel = ("NotImplementedError: your frame_report raised NotImplementedError:  at line 4: "
               "raise NotImplementedError()")
    assert failure_reason(channel).startswith("frame_report is not implemented yet")
    assert failure_reason("Traceback\nAssertionError: the mask has holes") == \
        "AssertionError: the mask has holes"


def test_a_corrupt_gradebook_is_refused_naming_the_file(lab_course_factory):
    course = lab_course_factory("corrupt")
    _submit_mix(course, 1)
    (course.root / "gradebook.db").write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(GradingRefused, match="gradebook.db cannot be read"):
        autograde(course.root, ASSIGNMENT, progress=False)
    assert (course.root / "submitted" / "s00" / ASSIGNMENT).is_dir()


def test_wrong_assignment_names_are_reported_and_the_rest_graded(lab_course_factory):
    course = lab_course_factory("misnamed")
    _submit_mix(course, 1)
    stray = course.root / "submitted" / "carol" / "lab-dubble"
    stray.mkdir(parents=True)
    (stray / "lab-double.ipynb").write_text("{}")
    run = autograde(course.root, ASSIGNMENT, limits=FAST, progress=False)
    assert any("carol" in w and "lab-dubble" in w for w in run.warnings)
    assert [r.student for r in run.results] == ["s00"]


def test_an_unknown_assignment_is_refused_with_what_to_do(lab_course_factory):
    course = lab_course_factory("unknown")
    with pytest.raises(GradingRefused, match="release it first"):
        autograde(course.root, "lab-triple", progress=False)


def _sandboxes_left() -> list[str]:
    """bubblewrap sandboxes and student kernels still running on this machine."""
    import psutil

    left = []
    for process in psutil.process_iter(["name", "cmdline", "uids"]):
        cmdline = " ".join(process.info["cmdline"] or [])
        uid = process.info["uids"].real if process.info["uids"] else -1
        if process.info["name"] == "bwrap" and "/sandbox" in cmdline or 200_000 <= uid < 300_000:
            left.append(f"{process.pid} uid {uid}: {cmdline[:120]}")
    return left


def _kill_a_worker_after(log, entries: int, killed: list) -> None:
    """SIGKILL one grading worker once `entries` submissions are in the log."""
    import psutil

    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if log.exists() and len(log.read_text().splitlines()) >= entries:
            workers = [c for c in psutil.Process().children()
                       if "spawn_main" in " ".join(c.cmdline())]
            if workers:
                workers[0].kill()
                killed.append(workers[0].pid)
                return
        time.sleep(0.05)


def test_a_killed_worker_loses_nothing_and_grades_nothing_twice(lab_course_factory):
    import random
    import threading

    course = lab_course_factory("worker-killed")
    _submit_mix(course, 40)
    entries = random.Random(13).randint(4, 30)  # a seeded random point mid-run
    killed: list[int] = []
    log = course.root / ".microfab" / "grading-log.jsonl"
    killer = threading.Thread(target=_kill_a_worker_after, args=(log, entries, killed))
    killer.start()
    run = autograde(course.root, ASSIGNMENT, workers=2, limits=FAST, progress=False)
    killer.join()
    assert killed, "no worker was killed: the test did not test anything"
    assert len(run.results) == 40 and all(r.status == "executed" for r in run.results)
    students = [line for line in log.read_text().splitlines()]
    assert len(students) == 40  # one entry each: nothing graded twice
    assert _totals(course) == {f"s{n:02d}": (3 if n % 2 == 0 else 0) for n in range(40)}
    deadline = time.monotonic() + 10
    while _sandboxes_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sandboxes_left() == []


def test_a_killed_dask_worker_loses_nothing_and_grades_nothing_twice(lab_course_factory):
    import threading

    distributed = pytest.importorskip("distributed", reason="the dask extra is not installed")
    course = lab_course_factory("dask-killed")
    _submit_mix(course, 12)
    killed: list[int] = []
    log = course.root / ".microfab" / "grading-log.jsonl"
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        # the nanny restarts the killed worker and the scheduler hands its task to another
        killer = threading.Thread(target=_kill_a_worker_after, args=(log, 4, killed))
        killer.start()
        run = autograde(course.root, ASSIGNMENT, dask_address=cluster.scheduler_address,
                        limits=FAST, progress=False)
        killer.join()
    assert killed, "no Dask worker was killed: the test did not test anything"
    assert len(run.results) == 12 and all(r.status == "executed" for r in run.results)
    assert len(log.read_text().splitlines()) == 12  # the one writer wrote each student once
    assert _totals(course) == {f"s{n:02d}": (3 if n % 2 == 0 else 0) for n in range(12)}
    rerun = autograde(course.root, ASSIGNMENT, limits=FAST, progress=False)
    assert rerun.results == [] and len(rerun.skipped) == 12  # a rerun finds nothing left to do
    deadline = time.monotonic() + 10
    while _sandboxes_left() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _sandboxes_left() == []  # the killed worker's sandbox died with it
