"""A class on a real JupyterHub, on 127.0.0.1: `microfab deploy hub` writes the configuration;
the hub starts each user's server as their own Unix user; the instructor releases the tiny lab;
two students fetch it through their servers' nbgrader extension, answer it (one right, one
wrong) through the contents API and submit; the instructor collects, autogrades in the sandbox
and releases feedback; each student fetches their own. Then: who can read what."""

from __future__ import annotations

import json
import pwd
import socket
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

pytestmark = [pytest.mark.hub, pytest.mark.gate]
ASSIGNMENT = "lab-double"  # the tiny lab of tests/autograder/conftest.py
COURSE_ID = "hub-course"
ANSWERS = {"right": "def double(x):\n    return 2 * x",
           "wrong": "def double(x):\n    return x + 2"}  # passes double(2) == 4 only
SCORES = {"right": (3.0, 3.0), "wrong": (1.0, 3.0)}
REVIEWED, RUBRIC = "lab-review", "justify"  # the unit mentors review, and its written answer


def deploy(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "microfab", "deploy", "hub", *args],
                          capture_output=True, text=True, timeout=120)


def grade(action: str, assignment: str, course: Path, *more: str) -> subprocess.CompletedProcess:
    """The instructor's `microfab grade ACTION` (as root, who owns nothing of the students')."""
    done = subprocess.run([sys.executable, "-m", "microfab", "grade", action, assignment,
                           "--course", str(course), *more], capture_output=True, text=True,
                          timeout=300)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == 0, f"grade {action}: {done.stdout}\n{done.stderr}"
    return done


def answer(server, assignment: str, source: str, written: str = "") -> None:
    """Fetch through nbgrader's extension, write the answer (and a `written` one to the rubric
    cell, if given) through the contents API, submit."""
    server.assignments("fetch", assignment, COURSE_ID)
    path = f"api/contents/{assignment}/{assignment}.ipynb"
    model = server.request("GET", path)
    assert model.status_code == 200, model.text
    notebook = nbformat.from_dict(model.json()["content"])
    cell = next(c for c in notebook.cells
                if c.metadata.get("nbgrader", {}).get("grade_id") == "double")
    assert "raise NotImplementedError" in cell.source  # the student version, no solution
    cell.source = source
    if written:
        next(c for c in notebook.cells
             if c.metadata.get("nbgrader", {}).get("grade_id") == RUBRIC).source = written
    saved = server.request("PUT", path, json={"type": "notebook", "format": "json",
                                              "content": notebook})
    assert saved.status_code == 200, saved.text
    server.assignments("submit", assignment, COURSE_ID)


def feedback_of(server, assignment: str) -> list[str]:
    """The feedback pages in the student's own home, as their server lists them."""
    folder = server.request("GET", f"api/contents/{assignment}/feedback")
    assert folder.status_code == 200, folder.text
    pages = []
    for stamp in folder.json()["content"]:
        for page in server.request("GET", f"api/contents/{stamp['path']}").json()["content"]:
            if page["name"].endswith(".html"):
                pages.append(server.request("GET", f"api/contents/{page['path']}").json()
                             ["content"])
    return pages


@pytest.fixture(scope="module")
def git_server(kit, shared_root):
    """The book's repository, served by `git daemon` on 127.0.0.1."""
    daemon_program = subprocess.run(["git", "--exec-path"], capture_output=True, text=True)
    if not (Path(daemon_program.stdout.strip()) / "git-daemon").is_file():
        pytest.skip("git daemon is not installed: it serves the book's repository on loopback")
    work, served = shared_root / "book", shared_root / "git"
    work.mkdir()
    (work / "lesson.md").write_text("# Orientation\n\nThe first lesson.\n")
    git = ["git", "-c", "user.name=microfab", "-c", "user.email=microfab@example.invalid"]
    for command in (["init", "-q", "-b", "main"], ["add", "lesson.md"],
                    ["commit", "-q", "-m", "the book"]):
        subprocess.run([*git, *command], cwd=work, check=True, timeout=30)
    subprocess.run(["git", "clone", "-q", "--bare", str(work), str(served / "book.git")],
                   check=True, timeout=30)
    subprocess.run(["chmod", "-R", "a+rX", str(served)], check=True)
    port = kit.free_port()
    daemon = subprocess.Popen(["git", "daemon", "--listen=127.0.0.1", f"--port={port}",
                               f"--base-path={served}", "--export-all", "--reuseaddr",
                               str(served)], stderr=subprocess.DEVNULL)

    def listening():
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        kit.wait_for(listening, 15, "git daemon")
        yield f"git://127.0.0.1:{port}/book.git"
    finally:
        daemon.terminate()
        daemon.wait(timeout=10)


@pytest.fixture(scope="module")
def day(kit, unix_users, start_hub, shared_root, sandbox_available):
    from autograder.course import NbgraderCourse

    prof, alice, bob = unix_users("prof"), unix_users("stud"), unix_users("stud")
    mentor = unix_users("ment")
    course = Path(pwd.getpwnam(prof).pw_dir) / "course"
    lab = NbgraderCourse(course, COURSE_ID)
    for assignment in (ASSIGNMENT, "lab-retry"):  # lab-retry: for the restart below
        lab.add_source(assignment, kit.lab.lab_notebook())
        lab.generate_assignment(assignment)
    reviewed = kit.lab.lab_notebook()  # the mentors' unit: a written answer to mark
    reviewed.cells.insert(2, kit.lab.new_rubric_cell(RUBRIC, 2, "Why 2 * x and not x + x?"))
    lab.add_source(REVIEWED, reviewed)
    lab.generate_assignment(REVIEWED)
    subprocess.run(["chown", "-R", f"{prof}:", str(course)], check=True)
    out, exchange, port = shared_root / "hub", shared_root / "exchange", kit.free_port()
    deployed = deploy("--course", str(course), "--out", str(out), "--instructors", prof,
                      "--students", f"{alice},{bob}", "--exchange", str(exchange),
                      "--port", str(port), "--hub-port", str(kit.free_port()),
                      "--proxy-api-port", str(kit.free_port()), "--mem-limit", "1G",
                      "--authenticator", "dummy", "--insecure-test-auth",
                      "--review", f"{REVIEWED}:{mentor}", "--review-root",
                      str(shared_root / "review"))
    assert deployed.returncode == 0, deployed.stderr
    review_folder = shared_root / "review" / f"{COURSE_ID}-{REVIEWED}"
    assert f"--folder {review_folder}" in deployed.stdout
    assert f"course folder made private to its owner (mode 700): {course}" in deployed.stdout
    hub = start_hub(out, port)
    tokens = {}
    for user in (prof, alice, bob, mentor):
        made = hub.api("POST", f"/users/{user}/tokens", json={"note": "classroom test"})
        assert made.status_code == 201, made.text
        tokens[user] = made.json()["token"]
    grade("release", ASSIGNMENT, course, "--exchange", str(exchange))
    servers = {user: kit.UserServer(hub, user, tokens[user]).start() for user in (alice, bob)}
    answer(servers[alice], ASSIGNMENT, ANSWERS["right"])
    answer(servers[bob], ASSIGNMENT, ANSWERS["wrong"])
    collected = grade("collect", ASSIGNMENT, course, "--exchange", str(exchange))
    autograded = grade("autograde", ASSIGNMENT, course)
    grade("feedback", ASSIGNMENT, course, "--exchange", str(exchange))
    for server in servers.values():
        server.assignments("fetch_feedback", ASSIGNMENT, COURSE_ID)
    yield {"hub": hub, "course": course, "exchange": exchange, "prof": prof, "alice": alice,
           "bob": bob, "mentor": mentor, "review_folder": review_folder, "tokens": tokens,
           "servers": servers, "collected": collected, "autograded": autograded}
    subprocess.run(["groupdel", f"review-{REVIEWED}"], capture_output=True, timeout=30)


def test_the_instructor_grades_what_the_students_submitted_through_the_hub(day):
    from autograder.course import assignment_scores

    assert "2 student(s)" in day["collected"].stdout
    assert "cheating attempt" not in day["collected"].stderr  # each file is its student's
    assert assignment_scores(day["course"], ASSIGNMENT) == {
        day["alice"]: SCORES["right"], day["bob"]: SCORES["wrong"]}


def test_each_student_fetches_their_own_feedback(day):
    for student, answered in ((day["alice"], "right"), (day["bob"], "wrong")):
        [page] = feedback_of(day["servers"][student], ASSIGNMENT)
        score, most = SCORES[answered]
        assert f"Score: {score} / {most}" in page


def test_a_student_cannot_read_another_students_work_or_feedback(day, kit):
    alice, bob, exchange = day["alice"], day["bob"], day["exchange"] / COURSE_ID
    home = Path(pwd.getpwnam(alice).pw_dir)
    submitted = day["course"] / "submitted" / alice / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    feedback = next((home / ASSIGNMENT / "feedback").glob("*/*.html"))
    for path in (home / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", feedback, submitted):
        assert path.is_file()
        read = kit.run_as(bob, "cat", str(path))
        assert read.returncode != 0 and "Permission denied" in read.stderr, path
    for folder in (exchange / "inbound", exchange / "feedback"):  # nothing there to find
        listed = kit.run_as(bob, "ls", str(folder))
        assert listed.returncode != 0 and "Permission denied" in listed.stderr, folder
    assert kit.run_as(bob, "ls", str(exchange / "outbound" / ASSIGNMENT)).returncode == 0
    # bob's token opens only bob's server
    peek = day["servers"][alice].request("GET", f"api/contents/{ASSIGNMENT}",
                                         token=day["tokens"][bob])
    assert peek.status_code in (403, 404), peek.status_code


def test_a_student_cannot_read_the_instructors_source_or_gradebook(day, kit):
    course = day["course"]
    for student in (day["alice"], day["bob"]):
        for path in (course / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                     course / "gradebook.db", course / "nbgrader_config.py"):
            read = kit.run_as(student, "cat", str(path))
            assert read.returncode != 0 and "Permission denied" in read.stderr, path


def test_only_instructors_get_the_formgrader_and_everyone_the_kernels_and_limits(day, kit):
    prof = kit.UserServer(day["hub"], day["prof"], day["tokens"][day["prof"]]).start()
    page = prof.request("GET", "formgrader", allow_redirects=True)
    assert page.status_code == 200 and "/formgrader/" in page.url, page.url
    listed = prof.request("GET", "formgrader/api/assignments")  # the course's gradebook
    assert listed.status_code == 200, listed.text
    assert ASSIGNMENT in {a["name"] for a in listed.json()}
    student = day["servers"][day["bob"]]
    assert student.request("GET", "formgrader", allow_redirects=True).status_code == 404
    assert student.request("GET", "assignments", params={"course_id": COURSE_ID}).ok
    kernels = student.request("GET", "api/kernelspecs").json()["kernelspecs"]
    assert "microfab-sim" in kernels
    # LocalProcessSpawner only announces the limits to the server (the deploy help says so)
    uid = pwd.getpwnam(day["bob"]).pw_uid
    [environ] = [(p / "environ").read_bytes().split(b"\0") for p in Path("/proc").iterdir()
                 if p.name.isdigit() and p.stat().st_uid == uid
                 and b"jupyterhub.singleuser" in (p / "cmdline").read_bytes()]
    assert b"MEM_LIMIT=1073741824" in environ and b"CPU_LIMIT=1.0" in environ


def test_a_launch_link_pulls_the_book_with_nbgitpuller(day, git_server):
    server = day["servers"][day["alice"]]
    pulled = server.request("GET", "git-pull/api", params={"repo": git_server,
                                                          "branch": "main",
                                                          "targetpath": "book"})
    assert pulled.status_code == 200 and '"phase": "finished"' in pulled.text, pulled.text
    lesson = server.request("GET", "api/contents/book/lesson.md",
                            params={"type": "file", "format": "text"})  # not as a notebook
    assert lesson.status_code == 200 and "The first lesson." in lesson.json()["content"]


def _events(course: Path, assignment: str) -> list[dict]:
    from autograder.ingest import log_path

    lines = log_path(course).read_text().splitlines()
    return [e for e in map(json.loads, lines) if e["assignment"] == assignment]


# `microfab grade collect`, stalled right after it copied the first submission, as an
# instructor's collect is when the hub restarts under it
COLLECT_STALLS = """
import sys, time
from pathlib import Path
from nbgrader.exchange.default.collect import ExchangeCollect
from microfab.cli import main

copy, marker = ExchangeCollect.do_copy, Path(sys.argv[1])

def copy_then_stall(self, src, dest):
    copy(self, src, dest)
    marker.write_text(dest)
    time.sleep(600)

ExchangeCollect.do_copy = copy_then_stall
sys.exit(main(sys.argv[2:]))
"""


def test_a_hub_restarted_mid_collect_loses_nothing_and_grades_nothing_twice(day, kit,
                                                                            shared_root):
    from autograder.course import assignment_scores

    hub, course, exchange = day["hub"], day["course"], str(day["exchange"])
    alice, bob, retry = day["alice"], day["bob"], "lab-retry"
    grade("release", retry, course, "--exchange", exchange)
    answer(day["servers"][alice], retry, ANSWERS["right"])
    answer(day["servers"][bob], retry, ANSWERS["wrong"])
    marker = shared_root / "collect-stalled"
    collect = subprocess.Popen([sys.executable, "-c", COLLECT_STALLS, str(marker), "grade",
                                "collect", retry, "--course", str(course), "--exchange",
                                exchange], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        kit.wait_for(marker.exists, 120, "the first submission collected")
        hub.stop()  # the hub stops every user's server and its proxy
        collect.kill()  # and the collect dies with the instructor's server
    finally:
        collect.kill()
        collect.wait(timeout=30)
    first = Path(marker.read_text()).parent.name
    assert {p.name for p in (course / "submitted").iterdir() if (p / retry).is_dir()} == {first}
    hub.start()

    students = hub.api("GET", "/groups/students").json()["users"]
    assert sorted(students) == sorted([alice, bob])  # the groups are loaded once, not again
    rerun = grade("collect", retry, course, "--exchange", exchange)
    assert "2 student(s)" in rerun.stdout  # nothing lost: the second comes in, the first stays
    grade("autograde", retry, course)
    again = grade("autograde", retry, course)
    assert "already graded" in again.stdout and "nothing new to grade" in again.stdout
    graded = [e["student"] for e in _events(course, retry)]
    assert sorted(graded) == sorted([alice, bob])  # once each, over both runs
    assert assignment_scores(course, retry) == {alice: SCORES["right"], bob: SCORES["wrong"]}
    assert assignment_scores(course, ASSIGNMENT) == {alice: SCORES["right"],
                                                     bob: SCORES["wrong"]}

    grade("feedback", retry, course, "--exchange", exchange)
    for student, answered in ((alice, "right"), (bob, "wrong")):  # same tokens, new servers
        server = kit.UserServer(hub, student, day["tokens"][student]).start()
        server.assignments("fetch_feedback", retry, COURSE_ID)
        [page] = feedback_of(server, retry)
        assert "Score: {} / {}".format(*SCORES[answered]) in page
        day["servers"][student] = server


def _formgrader_grades(mentor, student: str) -> dict[str, dict]:
    """The mentor's formgrader: `student`'s grades of the reviewed unit, by cell."""
    listed = mentor.request("GET", f"formgrader/api/submitted_notebooks/{REVIEWED}/{REVIEWED}")
    assert listed.status_code == 200, listed.text
    [submission] = [s for s in listed.json() if s["student"] == student]
    grades = mentor.request("GET", "formgrader/api/grades",
                            params={"submission_id": submission["id"]})
    assert grades.status_code == 200, grades.text
    return {g["name"]: g for g in grades.json()}, submission["id"]


def test_a_mentor_marks_only_the_reviewed_units_written_answers(day, kit, tmp_path):
    import csv

    hub, course, exchange = day["hub"], day["course"], str(day["exchange"])
    alice, bob, folder = day["alice"], day["bob"], day["review_folder"]
    grade("release", REVIEWED, course, "--exchange", exchange)
    answer(day["servers"][alice], REVIEWED, ANSWERS["right"], "One multiply, no copy.")
    answer(day["servers"][bob], REVIEWED, ANSWERS["wrong"])  # leaves the answer blank
    grade("collect", REVIEWED, course, "--exchange", exchange)
    grade("autograde", REVIEWED, course)
    opened = grade("review", "open", course, REVIEWED, "--folder", str(folder))
    assert "2 submission(s)" in opened.stdout

    mentor = kit.UserServer(hub, day["mentor"], day["tokens"][day["mentor"]]).start()
    listed = mentor.request("GET", "formgrader/api/assignments")
    assert listed.status_code == 200, listed.text
    assert [a["name"] for a in listed.json()] == [REVIEWED]  # no other unit
    for student, mark in ((alice, 2.0), (bob, 1.0)):
        grades, submission = _formgrader_grades(mentor, student)
        page = mentor.request("GET", f"formgrader/submissions/{submission}/",
                              allow_redirects=True)
        assert page.status_code == 200 and student in page.text
        marked = mentor.request("PUT", f"formgrader/api/grade/{grades[RUBRIC]['id']}",
                                json={"manual_score": mark})
        assert marked.status_code == 200, marked.text
    grades, _ = _formgrader_grades(mentor, bob)  # and a try at bob's test score
    raised = mentor.request("PUT", f"formgrader/api/grade/{grades['test_array']['id']}",
                            json={"manual_score": 2.0})
    assert raised.status_code == 200, raised.text

    # nothing else: no assignment list, no course, no student's home, no other submission
    assert mentor.request("POST", "assignments/fetch", data={
        "assignment_id": ASSIGNMENT, "course_id": COURSE_ID}).status_code == 404
    home = Path(pwd.getpwnam(alice).pw_dir)
    for path in (course / "gradebook.db", course / "source" / REVIEWED / f"{REVIEWED}.ipynb",
                 course / "submitted" / alice / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
                 home / REVIEWED / f"{REVIEWED}.ipynb"):
        read = kit.run_as(day["mentor"], "cat", str(path))
        assert read.returncode != 0 and "Permission denied" in read.stderr, path
    peek = day["servers"][alice].request("GET", f"api/contents/{REVIEWED}",
                                         token=day["tokens"][day["mentor"]])
    assert peek.status_code in (403, 404), peek.status_code
    # students cannot open the review folder
    assert kit.run_as(alice, "ls", str(folder)).returncode != 0

    collected = grade("review", "collect", course, REVIEWED, "--folder", str(folder))
    assert "2 mentor mark(s) collected" in collected.stdout
    assert "not taken" in collected.stdout  # bob's test score stays the autograder's
    report = grade("report", f"--out={tmp_path}", course)
    assert "cell_marks" in report.stdout
    with (tmp_path / "cell_marks.csv").open() as handle:
        marks = {(r["student_id"], r["cell"]): (r["score"], r["source"])
                 for r in csv.DictReader(handle) if r["assignment"] == REVIEWED}
    assert marks[(alice, RUBRIC)] == ("2", "mentor") and marks[(bob, RUBRIC)] == ("1", "mentor")
    assert marks[(bob, "test_array")] == ("0", "autograder")  # the mentor's 2 was not taken
    assert marks[(alice, "test_visible")] == ("1", "autograder")
