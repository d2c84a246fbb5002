"""Similarity between submissions: the answer cells of every pair, fingerprinted by copydetect.

Each submission becomes one text: its answer cells (nbgrader `solution` code cells) in the
release's order, less every line that stands in the release's version of the same cell (the
starter code everyone was given). copydetect tokenises it with Pygments, replaces names by
their kind (variables, attributes and functions alike, strings), drops comments and white
space, and keeps the hashes of every k-gram of what is left (winnowing); two submissions are
as similar as the share of their fingerprinted code that the other shares. Renamed variables,
reordered functions and rewritten comments leave a near-copy's fingerprints as they were.

The text is only read: no student code runs. A notebook that cannot be read is reported and
left out; the comparison goes on with the rest.

The verdict threshold (0.5) was set on a small lab (largest 4-connected area over a level, and
a percentile contrast stretch). Seven independently written correct solutions (OpenCV's
connected components three ways, label propagation in NumPy, breadth-first and depth-first
flood fill, union-find; percentiles, interpolation, sorting, a lookup table) score at most 0.24
against each other: a statement normalised to names and operators is shorter than one 25-character
k-gram, so the few calls that short correct answers converge on rarely make a fingerprint alone.
Planted near-copies (renamed, reordered, re-commented) score 0.97 and over. 0.5 leaves a wide
margin on both sides; `tests/autograder/test_similarity.py` keeps both true.
"""

from __future__ import annotations

import io
import os
import stat
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path

import nbformat

from autograder.submission import student_id_problem
from lab_kernels.cells import grade_id, is_answer
from lab_kernels.limits import GradingLimits

THRESHOLD = 0.5
# copydetect's defaults: k-grams of 25 characters of normalised code, every k-gram kept
NOISE_T = 25
WINDOW = 1
LANGUAGE = "python"
_NOFOLLOW = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0)


class SimilarityError(ValueError):
    """Nothing to compare, or a bad threshold; the message says what is wrong and what to do."""


@dataclass(frozen=True)
class Answers:
    """One student's answer cells without the starter code, as one text."""
    student: str
    text: str


@dataclass(frozen=True)
class Pair:
    """Two submissions compared: the score ranks, the fragments show why."""
    first: Answers
    second: Answers
    shares: tuple[float, float]  # of each one's fingerprinted code, the share found in the other
    slices: tuple  # copydetect's 2xN start/end offsets of the shared code in each text

    @property
    def score(self) -> float:
        return max(self.shares)


@dataclass
class Comparison:
    assignment: str
    threshold: float
    pairs: list[Pair]  # most similar first
    students: list[str]
    warnings: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[Pair]:
        return [pair for pair in self.pairs if pair.score >= self.threshold]


def _read_notebook(path: Path) -> nbformat.NotebookNode:
    """A notebook read as data: a plain file under the size cap, never through a link."""
    cap = GradingLimits().max_notebook_mb * 2**20
    fd = os.open(path, _NOFOLLOW)
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise ValueError("not a plain file")
        if info.st_size > cap:
            raise ValueError(f"{info.st_size / 2**20:.1f} MB, over the {cap / 2**20:.0f} MB cap")
        return nbformat.reads(handle.read().decode("utf-8"), as_version=4)


def starter_code(release: nbformat.NotebookNode) -> dict[str, str]:
    """grade_id -> the released source of each answer cell, in notebook order."""
    return {grade_id(cell): cell.source for cell in release.cells if is_answer(cell)}


def own_lines(answer: str, starter: str) -> str:
    """`answer` without the lines that stand in `starter` (compared without indentation).

    Lines, not copydetect's boilerplate hashes: its boilerplate filter (numpy's intersect1d on
    hashes it assumes unique) also drops every k-gram a student repeats in their own code."""
    given = {line.strip() for line in starter.splitlines() if line.strip()}
    return "\n".join(line for line in answer.splitlines() if line.strip() not in given)


def answer_text(submission: nbformat.NotebookNode, starters: dict[str, str], label: str) -> str:
    """The submission's answer cells in the release's order, each under a comment that names it
    (comments are not fingerprinted, so the labels never match)."""
    cells = {grade_id(cell): cell.source for cell in submission.cells if is_answer(cell)}
    parts = [f"# --- {label} / {cell_id} ---\n{own_lines(cells[cell_id], starter)}\n"
             for cell_id, starter in starters.items() if cell_id in cells]
    return "\n".join(parts)


def _releases(course: Path, assignment: str) -> dict[str, dict[str, str]]:
    """notebook file name -> its starter code by grade_id."""
    folder = course / "release" / assignment
    notebooks = sorted(folder.glob("*.ipynb")) if folder.is_dir() else []
    if not notebooks:
        raise SimilarityError(
            f"no released notebook of {assignment!r} in {folder}: check the assignment name, or "
            f"release it first (`microfab grade release {assignment}`) so that its starter code "
            "can be told apart from the students' own")
    starters = {}
    for path in notebooks:
        try:
            starters[path.name] = starter_code(_read_notebook(path))
        except Exception as exc:  # the release is the instructor's: a broken one stops the run
            raise SimilarityError(f"cannot read the released notebook {path} ({exc}); "
                                  f"generate it again with `microfab grade release "
                                  f"{assignment}`") from exc
    return starters


def collect_answers(course: Path, assignment: str) -> tuple[list[Answers], list[str]]:
    """Every readable submission's answers, and a warning for each notebook left out."""
    course = Path(course)
    starters = _releases(course, assignment)
    folders = sorted(p.parent for p in (course / "submitted").glob(f"*/{assignment}")
                     if p.is_dir() and not (p.is_symlink() or p.parent.is_symlink()))
    if not folders:
        raise SimilarityError(
            f"no submissions of {assignment!r} in {course / 'submitted'}: collect them first "
            f"(`microfab grade collect {assignment}`) or check the assignment name")
    answers, warnings = [], []
    for folder in folders:
        if problem := student_id_problem(folder.name):
            warnings.append(f"skipped: {problem}")
            continue
        parts = []
        for name, starter in starters.items():
            path = folder / assignment / name
            if not path.exists() and not path.is_symlink():
                warnings.append(f"{path}: missing; compared without it")
                continue
            try:
                parts.append(answer_text(_read_notebook(path), starter, name))
            except Exception as exc:  # any unreadable notebook is skipped, never fatal
                warnings.append(f"{path}: cannot be read as a notebook ({exc}); left out of the "
                                "comparison: ask the student for a readable copy")
        if parts:
            answers.append(Answers(folder.name, "\n".join(parts)))
    return answers, warnings


def compare(answers: list[Answers]) -> list[Pair]:
    """Every pair through copydetect's fingerprints, most similar first."""
    from copydetect import CodeFingerprint, compare_files

    prints = [CodeFingerprint(f"{a.student}.py", NOISE_T, WINDOW, language=LANGUAGE,
                              fp=io.StringIO(a.text)) for a in answers]
    pairs = []
    for i, j in combinations(range(len(answers)), 2):
        _, shares, slices = compare_files(prints[i], prints[j])
        pairs.append(Pair(answers[i], answers[j], (float(shares[0]), float(shares[1])),
                          slices))
    return sorted(pairs, key=lambda p: (-p.score, p.first.student, p.second.student))


def similarity(course: Path, assignment: str, threshold: float = THRESHOLD) -> Comparison:
    """Compare the answers of every pair of submissions of `assignment` in `course`."""
    if not 0 < threshold <= 1:
        raise SimilarityError(f"the threshold must be in (0, 1], got {threshold}")
    answers, warnings = collect_answers(Path(course), assignment)
    if len(answers) < 2:
        raise SimilarityError(
            f"{len(answers)} readable submission(s) of {assignment!r} in "
            f"{Path(course) / 'submitted'}: at least two are needed to compare"
            + "".join(f"\n  {warning}" for warning in warnings))
    return Comparison(assignment, threshold, compare(answers),
                      [a.student for a in answers], warnings)
