"""Grades a student cannot forge: one malicious submission per category, through `microfab grade`.

Every submission here builds on the wrong answer (`double(x) = x`, worth 0 of 3) or the right
one (3 of 3): an attack must score exactly what its honest work earns, with a recorded reason
where the grader refused it, and leave the run complete for everyone else.
"""

from __future__ import annotations

import copy
import json
import os
from html.parser import HTMLParser
from pathlib import Path

import nbformat
import pytest

from autograder.ingest import graded_log
from microfab.cli import main as microfab

ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py
pytestmark = pytest.mark.gate
CANARY = "MICROFAB_TEST_CANARY"
CANARY_VALUE = "grader-secret-7f3a"
WRONG = "def double(x):\n    return x"
RIGHT = "def double(x):\n    return 2 * x"
HIDDEN_LINE = "double(-7)"  # only in the hidden part of test_array

HOOKS = """
ip = get_ipython()
ip.input_transformers_post.append(lambda lines: ['pass\\n'])
import ast
class NoAsserts(ast.NodeTransformer):
    def visit_Assert(self, node):
        return ast.Pass()
ip.ast_transformers.append(NoAsserts())
ip.events.register('pre_run_cell', lambda info: None)
import builtins
builtins.AssertionError = Warning
"""
LIARS = """
import numpy as np
class Liar:
    shape = (3,)
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __len__(self): return 3
    def __array__(self, *a, **k): return np.array([0, 2, 4])
    def __int__(self): return 4
def double(x):
    return Liar()
"""
EXFILTRATE = """
import inspect, sys
ip = get_ipython()
def spy(lines):
    print('SPY', ''.join(lines))
    return lines
ip.input_transformers_post.append(spy)
ip.events.register('pre_run_cell', lambda info: print('SPY', info.raw_cell))
import os
print('ENV', dict(os.environ))
print('FILES', os.listdir('/'), os.listdir('.'))
"""
MARKUP = """
from IPython.display import HTML, Javascript, display
display(HTML('<script>alert("owned")</script><img src=x onerror="alert(2)"><b>bold</b>'))
display(Javascript('alert("js")'))
"""
DISK = """
try:
    with open('big.bin', 'wb') as f:
        for _ in range(1500):
            f.write(b'x' * 2**20)
except OSError as exc:
    print('disk full:', exc.errno)
"""
SLEEPY = "import time\ntime.sleep(6)\n"


def _notebook(source, code: str, extra_cells: list[str] = ()):
    notebook = copy.deepcopy(source)
    cell = next(c for c in notebook.cells if c.metadata["nbgrader"]["grade_id"] == "double")
    cell.source = code
    index = notebook.cells.index(cell)
    for offset, text in enumerate(extra_cells, 1):
        notebook.cells.insert(index + offset, nbformat.v4.new_code_cell(text))
    return notebook


def _folder(course, student) -> Path:
    folder = course.root / "submitted" / student / ASSIGNMENT
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture(scope="module")
def graded(lab_course_factory, tmp_path_factory):
    course = lab_course_factory("trusted")
    source = nbformat.read(str(course.source_path(ASSIGNMENT)), as_version=4)
    submissions = {
        "honest": _notebook(source, RIGHT),
        "hooks": _notebook(source, WRONG + "\n" + HOOKS),
        "liars": _notebook(source, LIARS),
        "exfiltrate": _notebook(source, RIGHT + "\n" + EXFILTRATE),
        "markup": _notebook(source, RIGHT + "\n" + MARKUP),
        "disk": _notebook(source, RIGHT + "\n" + DISK),
        "sleepy": _notebook(source, RIGHT, [SLEEPY] * 6),
        "late-stamp": _notebook(source, RIGHT),
    }
    markdown = nbformat.v4.new_markdown_cell('<script>alert("md")</script>*answer*')
    submissions["markup"].cells.append(markdown)
    for student, notebook in submissions.items():
        course.submit(ASSIGNMENT, student, notebook)
    (_folder(course, "late-stamp") / "timestamp.txt").write_text("not a time\nat all")
    # files that are not data: links to the instructor's files, a FIFO, a hard link
    secret = course.root / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    (_folder(course, "link-notebook") / f"{ASSIGNMENT}.ipynb").symlink_to(secret)
    linked = _folder(course, "link-gradebook")
    nbformat.write(submissions["honest"], str(linked / f"{ASSIGNMENT}.ipynb"))
    (linked / "gradebook.db").symlink_to(course.root / "gradebook.db")
    fifo = _folder(course, "fifo")
    nbformat.write(submissions["honest"], str(fifo / f"{ASSIGNMENT}.ipynb"))
    os.mkfifo(fifo / "pipe")
    hard = _folder(course, "hard-link")
    nbformat.write(submissions["honest"], str(hard / f"{ASSIGNMENT}.ipynb"))
    os.link(course.root / "gradebook.db", hard / "copy.db")
    huge = _folder(course, "huge-notebook")
    notebook = copy.deepcopy(submissions["honest"])
    notebook.cells.append(nbformat.v4.new_markdown_cell("x" * (3 * 2**20)))
    nbformat.write(notebook, str(huge / f"{ASSIGNMENT}.ipynb"))
    bad_id = course.root / "submitted" / "eve\nmallory" / ASSIGNMENT
    bad_id.mkdir(parents=True)
    nbformat.write(submissions["honest"], str(bad_id / f"{ASSIGNMENT}.ipynb"))

    os.environ[CANARY] = CANARY_VALUE
    try:
        code = microfab(["grade", "autograde", ASSIGNMENT, "--course", str(course.root),
                         "--workers", "2", "--limit", "cell_timeout_s=10",
                         "--limit", "notebook_timeout_s=25", "--limit", "memory_mb=1536",
                         "--limit", "max_notebook_mb=2", "--limit", "disk_mb=32"])
        assert code == 0
        assert microfab(["grade", "feedback", ASSIGNMENT, "--course", str(course.root)]) == 0
    finally:
        del os.environ[CANARY]
    return course, graded_log(course.root)


def _score(course, student):
    return sum(c.score for c in course.scores(ASSIGNMENT, student))


class ActiveMarkup(HTMLParser):
    """Scripts and event-handler attributes in an HTML page."""

    def __init__(self):
        super().__init__()
        self.scripts, self.handlers, self._in_script = [], [], False

    def handle_starttag(self, tag, attrs):
        self._in_script = tag == "script"
        self.handlers += [f"{tag} {name}" for name, _ in attrs if name.startswith("on")]

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def _active_markup(html: str) -> ActiveMarkup:
    parser = ActiveMarkup()
    parser.feed(html)
    return parser


def test_honest_work_scores_full_marks(graded):
    assert _score(graded[0], "honest") == 3


def test_hooks_in_the_kernel_cannot_change_or_silence_tests(graded):
    assert _score(graded[0], "hooks") == 0


def test_objects_that_lie_are_not_plain_data(graded):
    course, _ = graded
    assert _score(course, "liars") == 0
    assert "not plain data" in course.autograded_path(ASSIGNMENT, "liars").read_text()


def test_hidden_tests_and_grader_secrets_never_reach_the_student(graded):
    course, _ = graded
    assert _score(course, "exfiltrate") == 3
    notebook = nbformat.read(str(course.autograded_path(ASSIGNMENT, "exfiltrate")), 4)
    outputs = json.dumps([cell.get("outputs", []) for cell in notebook.cells])
    assert HIDDEN_LINE not in outputs and "assert double(2)" not in outputs
    feedback = "".join(p.read_text() for p in
                       (course.root / "feedback" / "exfiltrate" / ASSIGNMENT).glob("*.html"))
    assert HIDDEN_LINE not in feedback and "double(-7) should be -14" not in feedback
    for seen in (outputs, feedback):
        assert CANARY_VALUE not in seen and str(course.root) not in seen


def test_student_markup_is_inert_in_feedback_and_formgrader(graded):
    course, _ = graded
    assert _score(course, "markup") == 3
    notebook = nbformat.read(str(course.autograded_path(ASSIGNMENT, "markup")), 4)
    for cell in notebook.cells:  # what the formgrader renders
        rendered = [cell.source] if cell.cell_type == "markdown" else \
            [str(o.get("data", {})) for o in cell.get("outputs", [])]
        for html in rendered:
            found = _active_markup(html)
            assert not found.scripts and not found.handlers, html
        assert "application/javascript" not in json.dumps(cell.get("outputs", []))
    pages = list((course.root / "feedback" / "markup" / ASSIGNMENT).glob("*.html"))
    assert pages
    for page in pages:
        found = _active_markup(page.read_text())
        # the student's payloads, not the page's own scripts (the inlined MathJax)
        payloads = ('alert("owned")', 'alert("js")', 'alert("md")')
        assert not [s for s in found.scripts if any(p in s for p in payloads)]
        assert not found.handlers
    assert "<b>bold</b>" in json.dumps(notebook.cells[1].outputs)  # harmless markup shows


@pytest.mark.parametrize("student, words", [
    ("link-notebook", "symbolic link"),
    ("link-gradebook", "symbolic link"),
    ("fifo", "FIFO"),
    ("hard-link", "hard link"),
    ("huge-notebook", "MB allowed"),
])
def test_submission_folders_are_data(graded, student, words):
    course, log = graded
    assert _score(course, student) == 0
    assert words in log[(ASSIGNMENT, student)]["reason"]
    assert not (course.root / "autograded" / student / ASSIGNMENT / "gradebook.db").exists()


def test_a_bad_student_id_is_recorded_and_the_others_graded(graded):
    course, log = graded
    assert log[(ASSIGNMENT, "eve\nmallory")]["status"] == "refused"
    assert "not a valid student id" in log[(ASSIGNMENT, "eve\nmallory")]["reason"]


def test_a_malformed_timestamp_does_not_stop_grading(graded):
    assert _score(graded[0], "late-stamp") == 3


def test_what_the_kernel_writes_is_capped_and_discarded(graded):
    course, _ = graded
    assert _score(course, "disk") == 3
    assert "disk full: 28" in course.autograded_path(ASSIGNMENT, "disk").read_text()
    assert not list(course.root.rglob("big.bin"))


def test_the_whole_submission_has_one_time_budget(graded):
    course, log = graded
    assert _score(course, "sleepy") == 0
    assert "time budget" in log[(ASSIGNMENT, "sleepy")]["reason"]


def test_every_folder_ended_with_a_score_or_a_reason(graded):
    course, log = graded
    folders = {p.name for p in (course.root / "submitted").iterdir()}
    assert {student for (_, student) in log} == folders
    assert all(entry["status"] in ("executed", "invalid", "refused", "error")
               for entry in log.values())
    assert json.loads(json.dumps(log[(ASSIGNMENT, "honest")]))["status"] == "executed"
