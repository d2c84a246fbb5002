"""The notebook gate: a unit passes when its lesson runs and its lab grading tells right from wrong.

For every unit: the lesson executes (`lab_kernels.run`); the lab's source scores full marks and
its student release scores zero through real nbgrader; and each graded test fails when some
single solution is replaced by its stub (a test that never fails is vacuous, a solution no test
notices is untested).
"""

from __future__ import annotations

import multiprocessing
import shutil
import time
import traceback
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import CellScore, NbgraderCourse
from autograder.held_back import ensure_held_back
from autograder.lesson_run import lesson_problem, run_lesson
from autograder.stubs import replace_solution, stub_one
from course_units.catalogue import Unit
from course_units.errors import UnitFormatError
from course_units.notebooks import check_lab, check_lesson, read_notebook
from course_units.verbatim import verbatim_share
from lab_kernels.cells import answer_ids, test_ids
from lab_kernels.run import RunEnv, cell_failures

# The gate's own held-back lines: fixed, so that its verdicts repeat (courses draw their own).
GATE_SEED = 9001


@dataclass
class GateResult:
    unit_id: str
    budget_s: int
    problems: list[str] = field(default_factory=list)
    source_score: float = 0.0
    release_score: float = 0.0
    max_score: float = 0.0
    lesson_s: float = 0.0
    lab_s: float = 0.0
    gate_s: float = 0.0
    vacuous_tests: list[str] = field(default_factory=list)
    untested_solutions: list[str] = field(default_factory=list)
    mutants: int = 0  # wrong answers unit.yaml declares
    surviving_mutants: list[str] = field(default_factory=list)  # wrong answers no test catches
    verbatim_share: float = 0.0  # of the lab's solution lines, the share found in its lesson
    strength_checked: bool = True  # stubs and mutants graded (their verdict is the tests')

    @property
    def passed(self) -> bool:
        return not self.problems

    @property
    def run_s(self) -> float:
        """Time to execute the unit's notebooks once (what the budget covers)."""
        return self.lesson_s + self.lab_s


def _test_errors(notebook_path: Path) -> dict[str, str]:
    """grade_id -> 'Error: message' for every graded cell that raised in an autograded notebook."""
    if not notebook_path.exists():
        return {}
    notebook = nbformat.read(str(notebook_path), as_version=4)
    return {failure.grade_id: f"{failure.ename}: {failure.evalue}"
            for failure in cell_failures(notebook) if failure.grade_id}


def _total(scores: list[CellScore]) -> tuple[float, float]:
    return sum(s.score for s in scores), sum(s.max_score for s in scores)


def _grade_all(course: NbgraderCourse, unit: Unit, profile: str, fast: bool) -> dict:
    """Grade every gate submission through microfab's autograder (sandboxed where possible)."""
    from autograder.autograde import autograde
    from lab_kernels.limits import GradingLimits
    from lab_kernels.sandbox import SandboxUnavailable, check_sandbox

    try:
        check_sandbox()
        sandbox = True
    except SandboxUnavailable:
        sandbox = False  # the gate grades the authors' own code: the sandbox is a bonus here
    run = autograde(course.root, unit.id, sandbox=sandbox, limits=GradingLimits.from_unit(unit),
                    profile=profile, fast=fast, force=True, progress=False)
    return {r.student: r for r in run.results}


def _judge_lab(result: GateResult, course: NbgraderCourse, unit: Unit,
               lab: nbformat.NotebookNode, lab_path: Path, profile: str, fast: bool) -> None:
    release = course.generate_assignment(unit.id)
    course.submit(unit.id, "source", lab)
    course.submit(unit.id, "release", release)
    stubbed = answer_ids(lab) if result.strength_checked else []
    for solution in stubbed:
        course.submit(unit.id, f"stub-{solution}", stub_one(lab, release, solution))
    mutants = _submit_mutants(result, course, unit, lab) if result.strength_checked else []
    jobs = _grade_all(course, unit, profile, fast)
    result.lab_s = jobs["source"].wall_s

    source = course.scores(unit.id, "source")
    result.source_score, result.max_score = _total(source)
    if result.source_score < result.max_score:
        errors = _test_errors(course.autograded_path(unit.id, "source"))
        failing = [f"{s.grade_id} ({errors.get(s.grade_id, 'no points')})"
                   for s in source if s.score < s.max_score]
        incidents = f" (grader: {jobs['source'].reason})" if jobs["source"].reason else ""
        result.problems.append(f"{lab_path}: the reference solution scores {result.source_score:g}"
                               f"/{result.max_score:g}; failing: {'; '.join(failing)}{incidents}."
                               f" Fix the solution or the test so the source earns full marks")

    released = course.scores(unit.id, "release")
    result.release_score = _total(released)[0]
    if result.release_score > 0:
        passing = [s.grade_id for s in released if s.score > 0]
        result.problems.append(f"{lab_path}: the student release scores {result.release_score:g} "
                               f"with no work done; tests passing on the stubs: "
                               f"{', '.join(passing)}. Make each test check the student's result")

    if not result.strength_checked:
        return
    failed_somewhere: set[str] = set()
    for solution in stubbed:
        scores = course.scores(unit.id, f"stub-{solution}")
        failed = {s.grade_id for s in scores if s.score < s.max_score}
        failed_somewhere |= failed
        if not failed:
            result.untested_solutions.append(solution)
    result.vacuous_tests = [t for t in test_ids(lab) if t not in failed_somewhere]
    for test in result.vacuous_tests:
        result.problems.append(f"{lab_path} [test cell {test!r}]: vacuous test: it passes "
                               f"whichever solution is replaced by its stub. Assert on what the "
                               f"student's code returns")
    for mutant in mutants:
        scores = course.scores(unit.id, f"mutant-{mutant['name']}")
        if _total(scores)[0] >= _total(scores)[1]:
            result.surviving_mutants.append(mutant["name"])
            result.problems.append(
                f"{unit.folder / 'unit.yaml'} [mutants: {mutant['name']}]: the wrong answer "
                f"'{mutant['why']}' (replacing {mutant['replaces']!r}) scores full marks: no "
                f"graded test catches it. Strengthen the tests of {mutant['replaces']!r}")
    for solution in result.untested_solutions:
        result.problems.append(f"{lab_path} [solution cell {solution!r}]: untested solution: no "
                               f"graded test fails when it is replaced by its stub. Add a test")


def _submit_mutants(result: GateResult, course: NbgraderCourse, unit: Unit,
                    lab: nbformat.NotebookNode) -> list[dict]:
    """Submit each wrong answer unit.yaml declares; the ones that could be submitted."""
    submitted = []
    result.mutants = len(unit.mutants)
    for mutant in unit.mutants:
        try:
            course.submit(unit.id, f"mutant-{mutant['name']}",
                          replace_solution(lab, mutant["replaces"], mutant["code"]))
        except KeyError:
            result.problems.append(
                f"{unit.folder / 'unit.yaml'} [mutants: {mutant['name']}]: replaces "
                f"{mutant['replaces']!r}, which is no solution cell of lab.md; use one of "
                f"{', '.join(answer_ids(lab))}")
            continue
        submitted.append(mutant)
    return submitted


def check_unit(unit: Unit, workdir: Path, profile: str = "replay", fast: bool = True,
               strength: bool = True) -> GateResult:
    """Run the whole gate for one unit; every failure becomes a problem line, never an exception.

    `strength` False grades the source and the release only: the stub and mutant verdicts are
    the tests', the same under every profile, so a second profile need not repeat them."""
    started = time.perf_counter()
    result = GateResult(unit.id, unit.ci_budget_s, strength_checked=strength)
    workdir = Path(workdir).resolve() / unit.id
    try:
        lesson = read_notebook(unit.lesson_path)
        lab = read_notebook(unit.lab_path)
        format_errors = check_lesson(lesson, unit.lesson_path) + check_lab(lab, unit.lab_path)
        if format_errors:
            raise UnitFormatError(format_errors)
        copied = verbatim_share(lab, lesson)
        result.verbatim_share = copied.share
        if problem := copied.problem(unit.lab_path, unit.lesson_path):
            result.problems.append(problem)
        run = run_lesson(unit.lesson_path, workdir, RunEnv(profile, fast),
                         timeout_s=unit.ci_budget_s)
        result.lesson_s = run.wall_s
        if not run.ok:
            result.problems.append(lesson_problem(unit.lesson_path, run))
        shutil.rmtree(workdir / "course", ignore_errors=True)  # a fresh gradebook each run
        course = NbgraderCourse(workdir / "course", f"gate-{unit.id}", unit.ci_budget_s)
        ensure_held_back(course.root, GATE_SEED)
        course.add_source(unit.id, lab)
        _judge_lab(result, course, unit, lab, unit.lab_path, profile, fast)
    except UnitFormatError as exc:
        result.problems.extend(str(e) for e in exc.errors)
    except Exception as exc:  # the gate reports, whatever went wrong, and goes on to the next unit
        result.problems.append(f"{unit.folder}: the gate crashed: {exc!r}\n"
                               f"{traceback.format_exc()}")
    if result.run_s > unit.ci_budget_s:
        result.problems.append(f"{unit.folder / 'unit.yaml'} [ci_budget_s]: lesson + lab took "
                               f"{result.run_s:.0f} s, over the budget of {unit.ci_budget_s} s. "
                               f"Make FAST mode lighter or raise the budget")
    result.gate_s = time.perf_counter() - started
    return result


def check_units(units: list[Unit], workdir: Path, jobs: int = 2, profile: str = "replay",
                fast: bool = True, on_result=None, strength: bool = True) -> list[GateResult]:
    """Gate units in parallel worker processes (each starts its own kernels)."""
    if jobs <= 1 or len(units) <= 1:
        results = []
        for unit in units:
            results.append(check_unit(unit, workdir, profile, fast, strength))
            if on_result:
                on_result(results[-1])
        return results
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(check_unit, unit, workdir, profile, fast, strength)
                   for unit in units]
        results = []
        for future in as_completed(futures):
            results.append(future.result())
            if on_result:
                on_result(results[-1])
    order = {unit.id: index for index, unit in enumerate(units)}
    return sorted(results, key=lambda r: order[r.unit_id])


def format_row(result: GateResult) -> str:
    status = "PASS" if result.passed else "FAIL"
    strength = (f"vacuous {len(result.vacuous_tests)}  mutants caught "
                f"{result.mutants - len(result.surviving_mutants)}/{result.mutants}"
                if result.strength_checked else "(stubs and mutants not run)")
    return (f"{status:4}  {result.unit_id:28}  source {result.source_score:g}/{result.max_score:g}"
            f"  release {result.release_score:g}  {strength}"
            f"  verbatim {result.verbatim_share:.0%}"
            f"  {result.run_s:5.1f} s / {result.budget_s} s budget  (gate {result.gate_s:.0f} s)")
