"""An instructor's day, played through the command line on three submissions (the source, the
blank release, one half solved): build, release, submit, collect, autograde, feedback, export,
report -- and what each person sees."""

from __future__ import annotations

import csv
import os
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = pytest.mark.gate
LAB = "00-orientation"
UNRELEASED = "01-imaging-station"  # built into the gradebook, never released nor graded
HALF_MASK = ("def part_mask(image):\n"
             "    return np.where(image > image.mean(), 255, 0).astype(np.uint8)")
STUDENT_NOTE = ("## My notes\n\nThe stretch is $g' = \\operatorname{clip}\\left(\\frac{g - a}"
                "{b - a} \\cdot 255, 0, 255\\right)$.\n\n| Task | Function |\n|---|---|\n"
                "| 1 | `gray_histogram` |\n| 2 | `part_mask` |\n")


def _microfab(course: Path, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([sys.executable, "-m", "microfab", *args], capture_output=True,
                          text=True, env={**os.environ, "MICROFAB_COURSE": str(course)},
                          timeout=600)
    assert "Traceback" not in done.stderr, done.stderr
    return done


def _nbgrader(student_home: Path, *args: str) -> subprocess.CompletedProcess:
    """What a student's Assignments tab runs, as that student (own id, own nbgrader cache)."""
    cache = student_home / ".nbgrader-cache"
    return subprocess.run([sys.executable, "-m", "nbgrader", *args,
                           f"--student={student_home.name}", f"--Exchange.cache={cache}"],
                          cwd=student_home, capture_output=True, text=True, timeout=120)


@pytest.fixture(scope="module")
def day(tmp_path_factory, sandbox_available):
    root = tmp_path_factory.mktemp("class-day")
    course = root / "course"
    built = _microfab(course, "course", "build", LAB, UNRELEASED)
    assert built.returncode == 0, built.stderr
    released = _microfab(course, "grade", "release", LAB)
    assert released.returncode == 0, released.stderr
    course_id = re.search(r"course_id = '([^']+)'",
                          (course / "nbgrader_config.py").read_text()).group(1)
    exchange = course / "exchange"
    students = {}
    for student in ("alice", "bob", "carol"):
        home = root / student
        home.mkdir()
        fetched = _nbgrader(home, "fetch_assignment", LAB, f"--course={course_id}",
                            f"--Exchange.root={exchange}")
        assert fetched.returncode == 0, fetched.stderr
        path = home / LAB / f"{LAB}.ipynb"
        notebook = nbformat.read(str(path), as_version=4)
        source = nbformat.read(str(course / "source" / LAB / f"{LAB}.ipynb"), as_version=4)
        if student == "alice":  # the instructor's solution
            notebook = source
        elif student == "carol":  # half solved: a mean threshold leaves the cut-out a hole
            notebook = source
            cell = next(c for c in notebook.cells
                        if c.metadata.get("nbgrader", {}).get("grade_id") == "part_mask")
            cell.source = HALF_MASK
            notebook.cells.append(nbformat.v4.new_markdown_cell(STUDENT_NOTE))
        nbformat.write(notebook, str(path))
        submitted = _nbgrader(home, "submit", LAB, f"--course={course_id}",
                              f"--Exchange.root={exchange}")
        assert submitted.returncode == 0, submitted.stderr
        students[student] = home
    collected = _microfab(course, "grade", "collect", LAB)
    autograded = _microfab(course, "grade", "autograde", LAB, "--workers", "2")
    feedback = _microfab(course, "grade", "feedback", LAB)
    for home in students.values():
        got = _nbgrader(home, "fetch_feedback", LAB, f"--course={course_id}",
                        f"--Exchange.root={exchange}")
        assert got.returncode == 0, got.stderr
    export = _microfab(course, "grade", "export", "--format", "canvas", "--out",
                       str(root / "grades.csv"))
    only = _microfab(course, "grade", "export", "--format", "moodle", "--assignment", LAB,
                     "--out", str(root / "moodle.csv"))
    report = _microfab(course, "grade", "report", "--out", str(root / "reports"))
    return {"root": root, "course": course, "students": students, "collected": collected,
            "autograded": autograded, "feedback": feedback, "export": export, "only": only,
            "report": report}


def _feedback_of(day, student: str) -> Path:
    pages = list((day["students"][student] / LAB / "feedback").glob(f"*/{LAB}.html"))
    assert len(pages) == 1, f"{student} should fetch exactly their own feedback: {pages}"
    return pages[0]


def test_the_instructor_sees_every_score_in_one_table(day):
    assert day["collected"].returncode == 0 and "3 student(s)" in day["collected"].stdout
    out = day["autograded"].stdout
    assert day["autograded"].returncode == 0, day["autograded"].stderr
    lines = out.splitlines()
    assert lines[0].split() == ["student", "score", "status", "reason"]
    rows = {line.split()[0]: line.split() for line in lines[2:5]}  # under the header's rule
    assert rows["alice"][1:4] == ["5", "/", "5"]
    assert rows["bob"][1:4] == ["0", "/", "5"]
    assert rows["carol"][1:4] == ["3", "/", "5"]
    assert "grading-log.jsonl" in out
    assert "warning" not in day["autograded"].stderr  # nbgrader's own files are no surprise


def test_each_student_fetches_only_their_feedback_which_hides_the_hidden_tests(day):
    carol = _feedback_of(day, "carol").read_text(encoding="utf-8")
    assert "Score: 3.0 / 5.0" in carol
    assert "hidden tests: some failed" in carol and "# hint:" in carol
    hidden_line = "expected = cv2.calcHist([f.image], [0], None, [256], [0, 256]).ravel()"
    assert hidden_line not in carol
    assert "Score: 5.0 / 5.0" in _feedback_of(day, "alice").read_text(encoding="utf-8")
    assert "Score: 0.0 / 5.0" in _feedback_of(day, "bob").read_text(encoding="utf-8")
    folder = day["course"] / "feedback" / "carol" / LAB
    # nbgrader's release_feedback reads its two bookkeeping files; nothing from the sandbox
    assert {p.name for p in folder.iterdir()} == {f"{LAB}.html", "timestamp.txt",
                                                 "submission_secret.txt"}


def test_feedback_typesets_equations_and_tables_offline(day, browser, tmp_path):
    page = _feedback_of(day, "carol")
    assert "cdnjs" not in page.read_text(encoding="utf-8")
    probe = """({
      mathjax: document.querySelectorAll('mjx-container svg').length,
      raw_tex: document.body.innerText.includes('\\\\operatorname'),
      header_padding: Array.from(document.querySelectorAll('.rendered_html th'))
                        .map(th => parseFloat(getComputedStyle(th).paddingLeft)),
    })"""
    found = browser.visit(page.as_uri(), tmp_path / "feedback.png",
                          "document.querySelector('mjx-container svg')", probe=probe)
    offsite = [u for u in found["requests"] if not u.startswith(("file:", "data:", "blob:"))]
    assert offsite == [], f"the feedback asked the network for {offsite}"
    assert found["mathjax"] >= 1 and not found["raw_tex"], "the equation was not typeset"
    # the student's table: its header cells are padded apart, not run together ("TaskFunction")
    assert found["header_padding"] and min(found["header_padding"]) >= 4


def test_the_export_has_a_column_per_graded_assignment_and_filters(day):
    assert day["export"].returncode == 0, day["export"].stderr
    with open(day["root"] / "grades.csv", newline="") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][-1] == LAB and UNRELEASED not in rows[0]  # never released: no empty column
    assert {r[2]: r[-1] for r in rows[2:]} == {"alice": "5", "bob": "0", "carol": "3"}
    with open(day["root"] / "moodle.csv", newline="") as handle:
        assert next(csv.reader(handle)) == ["ID number", LAB]


def test_the_report_counts_only_what_was_released_and_graded(day):
    assert day["report"].returncode == 0, day["report"].stderr
    with open(day["root"] / "reports" / "competency_attainment.csv", newline="") as handle:
        alice = {r["competency"]: r for r in csv.DictReader(handle) if r["student_id"] == "alice"}
    from course_units import load_catalogue

    catalogue = load_catalogue()
    taught = set(catalogue.get(LAB).competencies)
    only_later = set(catalogue.get(UNRELEASED).competencies) - taught
    assert taught and only_later
    for comp in taught:
        assert alice[comp]["attained"] == "true", comp
    for comp in only_later:  # not yet taught: blank, never "not attained" at 0
        assert alice[comp]["attainment"] == "" and alice[comp]["evidence"] == "", comp
    with open(day["root"] / "reports" / "item_analysis.csv", newline="") as handle:
        assert {r["assignment"] for r in csv.DictReader(handle)} == {LAB}
