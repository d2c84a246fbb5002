"""Similarity between submissions: planted near-copies rank above independently written correct
answers, which are not flagged; starter code does not count; nothing in the report is remote."""

from __future__ import annotations

import re
import textwrap

import nbformat
import numpy as np
import pytest

from autograder.similarity import THRESHOLD, SimilarityError, own_lines, similarity
from autograder.similarity_report import write_report
from course_units.notebooks import write_ipynb

ASSIGNMENT = "lab-defects"

# the release: a helper everyone is given, and two functions to write
AREA_STARTER = '''def in_bounds(shape, y, x):
    """True when (y, x) lies inside an image of `shape`."""
    return 0 <= y < shape[0] and 0 <= x < shape[1]


def largest_area(image, level):
    """Pixels in the largest 4-connected region brighter than `level` (0 if none)."""
    # YOUR CODE HERE
    raise NotImplementedError()'''
STRETCH_STARTER = '''def stretch(image, low=2, high=98):
    """Map the `low` and `high` percentiles of `image` to 0 and 255, as uint8."""
    # YOUR CODE HERE
    raise NotImplementedError()'''

# independently written correct answers: (largest_area body, stretch body)
HONEST = {
    "alice": ('''
    import cv2

    mask = (image > level).astype(np.uint8)
    count, _, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=4)
    if count < 2:
        return 0
    return int(stats[1:, cv2.CC_STAT_AREA].max())''', '''
    lo, hi = np.percentile(image, [low, high])
    scaled = (image.astype(np.float64) - lo) / max(hi - lo, 1e-9)
    return (np.clip(scaled, 0, 1) * 255).astype(np.uint8)'''),
    "bob": ('''
    # label propagation: every bright pixel takes the smallest label among its neighbours
    mask = image > level
    if not mask.any():
        return 0
    labels = np.where(mask, np.arange(1, mask.size + 1).reshape(mask.shape), 0)
    none = mask.size + 1
    while True:
        padded = np.pad(np.where(mask, labels, none), 1, constant_values=none)
        around = np.minimum.reduce([padded[:-2, 1:-1], padded[2:, 1:-1],
                                    padded[1:-1, :-2], padded[1:-1, 2:]])
        merged = np.where(mask, np.minimum(labels, around), 0)
        if np.array_equal(merged, labels):
            break
        labels = merged
    return int(np.bincount(labels[mask]).max())''', '''
    ends = np.percentile(image, (low, high))
    if ends[1] <= ends[0]:
        return np.zeros(image.shape, np.uint8)
    return np.interp(image, ends, (0, 255)).astype(np.uint8)'''),
    "chen": ('''
    from collections import deque

    bright = image > level
    seen = np.zeros_like(bright)
    best = 0
    for r, c in zip(*np.nonzero(bright)):
        if seen[r, c]:
            continue
        seen[r, c] = True
        queue = deque([(r, c)])
        size = 0
        while queue:
            y, x = queue.popleft()
            size += 1
            for ny, nx in neighbours(y, x):
                if in_bounds(bright.shape, ny, nx) and bright[ny, nx] and not seen[ny, nx]:
                    seen[ny, nx] = True
                    queue.append((ny, nx))
        best = max(best, size)
    return best


def neighbours(y, x):
    """The four pixels that share an edge with (y, x)."""
    return [(y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)]''', '''
    values = np.sort(image.ravel())
    last = values.size - 1
    floor = float(values[int(round(low / 100 * last))])
    ceiling = float(values[int(round(high / 100 * last))])
    if ceiling <= floor:
        return np.zeros_like(image, dtype=np.uint8)
    out = np.clip((image - floor) * (255.0 / (ceiling - floor)), 0, 255)
    return out.astype(np.uint8)'''),
    "dana": ('''
    pixels = {(int(y), int(x)) for y, x in zip(*np.nonzero(image > level))}
    largest = 0
    while pixels:
        stack = [pixels.pop()]
        area = 0
        while stack:
            y, x = stack.pop()
            area += 1
            for step in ((y + 1, x), (y - 1, x), (y, x + 1), (y, x - 1)):
                if step in pixels:
                    pixels.remove(step)
                    stack.append(step)
        largest = max(largest, area)
    return largest''', '''
    import cv2

    a = np.percentile(image, low)
    b = np.percentile(image, high)
    clipped = np.clip(image.astype(np.float32), a, b)
    return cv2.normalize(clipped, None, 0, 255, cv2.NORM_MINMAX).astype(np.uint8)'''),
    "emil": ('''
    mask = image > level
    h, w = mask.shape
    parent = list(range(h * w))

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for y in range(h):
        for x in range(w):
            if not mask[y, x]:
                continue
            if x > 0 and mask[y, x - 1]:
                parent[find(y * w + x)] = find(y * w + x - 1)
            if y > 0 and mask[y - 1, x]:
                parent[find(y * w + x)] = find((y - 1) * w + x)
    roots = [find(y * w + x) for y in range(h) for x in range(w) if mask[y, x]]
    if not roots:
        return 0
    return max(roots.count(r) for r in set(roots))''', '''
    lo, hi = np.percentile(image, [low, high]).tolist()
    table = np.array([0 if v <= lo else 255 if v >= hi else 255 * (v - lo) / (hi - lo)
                      for v in range(256)])
    return table.astype(np.uint8)[image]'''),
    # short conventional answers, written apart from alice's, that converge on the same calls
    "hana": ('''
    import cv2

    binary = np.uint8(image > level)
    n, labels = cv2.connectedComponents(binary, connectivity=4)
    areas = [int(np.sum(labels == i)) for i in range(1, n)]
    return max(areas, default=0)''', '''
    p_low, p_high = np.percentile(image, (low, high))
    span = p_high - p_low
    if span == 0:
        return np.zeros_like(image, dtype=np.uint8)
    stretched = np.clip((image.astype(float) - p_low) / span, 0.0, 1.0)
    return np.uint8(stretched * 255)'''),
    "ivan": ('''
    import cv2

    _, binary = cv2.threshold(image, level, 255, cv2.THRESH_BINARY)
    n, _, stats, _ = cv2.connectedComponentsWithStats(binary, connectivity=4)
    return int(stats[1:, cv2.CC_STAT_AREA].max()) if n > 1 else 0''', '''
    lo = np.percentile(image, low)
    hi = np.percentile(image, high)
    out = (image.astype(np.float64) - lo) * 255.0 / max(hi - lo, 1e-9)
    return np.clip(out, 0, 255).astype(np.uint8)'''),
}

# planted near-copies: chen's with names changed, functions reordered, comments and spacing
# rewritten; emil's with names changed and comments added
COPIES = {
    "frank": ('''
    from collections import deque
    # breadth first search over the lit pixels
    lit = image > level
    visited = np.zeros_like(lit)
    biggest = 0
    for row, col in zip(*np.nonzero(lit)):
        if visited[row, col]: continue
        visited[row, col] = True
        todo = deque([(row, col)])
        count = 0
        while todo:
            py, px = todo.popleft()
            count += 1
            for qy, qx in adjacent(py, px):  # 4-connectivity
                if in_bounds(lit.shape, qy, qx) and lit[qy, qx] and not visited[qy, qx]:
                    visited[qy, qx] = True
                    todo.append((qy, qx))
        biggest = max(biggest, count)
    return biggest''', '''
    ordered = np.sort(image.ravel())
    n = ordered.size - 1
    bottom = float(ordered[int(round(low / 100 * n))])
    top = float(ordered[int(round(high / 100 * n))])
    if top <= bottom:
        return np.zeros_like(image, dtype=np.uint8)
    result = np.clip((image - bottom) * (255.0 / (top - bottom)), 0, 255)
    return result.astype(np.uint8)''', '''def adjacent(py, px):
    return [(py + 1, px), (py - 1, px), (py, px + 1), (py, px - 1)]


'''),
    "gita": ('''
    # union-find over the pixel grid
    fg = image > level
    height, width = fg.shape
    up = list(range(height * width))

    def root(k):
        while up[k] != k:
            up[k] = up[up[k]]  # path halving
            k = up[k]
        return k

    for yy in range(height):
        for xx in range(width):
            if not fg[yy, xx]:
                continue
            if xx > 0 and fg[yy, xx - 1]:
                up[root(yy * width + xx)] = root(yy * width + xx - 1)
            if yy > 0 and fg[yy - 1, xx]:
                up[root(yy * width + xx)] = root((yy - 1) * width + xx)
    labels = [root(yy * width + xx) for yy in range(height) for xx in range(width) if fg[yy, xx]]
    if not labels:
        return 0
    return max(labels.count(lab) for lab in set(labels))''', '''
    a, b = np.percentile(image, [low, high]).tolist()
    # one output level per grey level
    lut = np.array([0 if g <= a else 255 if g >= b else 255 * (g - a) / (b - a)
                    for g in range(256)])
    return lut.astype(np.uint8)[image]''', ""),
}


def _cell(source, **nbgrader):
    cell = nbformat.v4.new_code_cell(source)
    cell.metadata["nbgrader"] = {"schema_version": 3, "grade": False, "locked": False,
                                 "points": 0, **nbgrader}
    return cell


def _notebook(area: str, stretch: str) -> nbformat.NotebookNode:
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [_cell("import numpy as np", solution=False, locked=True, grade_id="setup"),
                      _cell(area, solution=True, grade_id="area"),
                      _cell(stretch, solution=True, grade_id="stretch"),
                      _cell("assert largest_area(np.ones((2, 2)), 0) == 4", solution=False,
                            grade=True, points=1, grade_id="test_area")]
    return notebook


def _answer(starter: str, body: str, before: str = "") -> str:
    """The release's cell with the stub replaced by `body` (and `before` put on top)."""
    stub = "    # YOUR CODE HERE\n    raise NotImplementedError()"
    return before + starter.replace(stub, body.strip("\n"))


def _make_course(root, students, area_starter=AREA_STARTER):
    write_ipynb(_notebook(area_starter, STRETCH_STARTER),
                root / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    for name, (area, stretch, *before) in students.items():
        notebook = _notebook(_answer(AREA_STARTER, area, *before),
                             _answer(STRETCH_STARTER, stretch))
        write_ipynb(notebook, root / "submitted" / name / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    return root


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    return _make_course(tmp_path_factory.mktemp("similarity"), {**HONEST, **COPIES})


@pytest.fixture(scope="module")
def comparison(course):
    return similarity(course, ASSIGNMENT)


def _score(comparison, one, other):
    return next(p.score for p in comparison.pairs
                if {p.first.student, p.second.student} == {one, other})


@pytest.mark.parametrize("students", [HONEST, COPIES])
def test_the_solutions_are_correct(students):
    """Each answer really solves the task, so honest pairs are independently written correct
    answers (the test runs them; the similarity check never does)."""
    image = np.array([[9, 9, 0, 0, 9], [9, 0, 0, 9, 9], [0, 0, 0, 9, 9], [7, 9, 9, 0, 0]],
                     dtype=np.uint8)
    for name, (area, stretch, *before) in students.items():
        scope = {"np": np}
        exec(_answer(AREA_STARTER, area, *before), scope)
        exec(_answer(STRETCH_STARTER, stretch), scope)
        assert scope["largest_area"](image, 5) == 5, name
        assert scope["largest_area"](np.zeros((3, 3), np.uint8), 5) == 0, name
        ramp = np.arange(100, 200, dtype=np.uint8).reshape(10, 10)
        out = scope["stretch"](ramp, 0, 100)
        assert out.dtype == np.uint8 and out.min() == 0 and out.max() >= 254, name


def test_near_copies_rank_above_every_honest_pair(comparison):
    honest = max(_score(comparison, a, b) for a in HONEST for b in HONEST if a < b)
    assert _score(comparison, "frank", "chen") > honest
    assert _score(comparison, "gita", "emil") > honest
    top = {frozenset((p.first.student, p.second.student)) for p in comparison.pairs[:2]}
    assert top == {frozenset(("frank", "chen")), frozenset(("gita", "emil"))}


def test_only_the_near_copies_are_flagged(comparison):
    flagged = {frozenset((p.first.student, p.second.student)) for p in comparison.flagged}
    assert flagged == {frozenset(("frank", "chen")), frozenset(("gita", "emil"))}
    assert comparison.threshold == THRESHOLD


def test_starter_code_does_not_count(tmp_path):
    """Everyone keeps the given helper; with it in the release it is not theirs to share."""
    students = {"alice": HONEST["alice"], "dana": HONEST["dana"]}
    given = _score(similarity(_make_course(tmp_path / "given", students), ASSIGNMENT),
                   "alice", "dana")
    unknown = _score(similarity(_make_course(tmp_path / "unknown", students,
                                             area_starter=AREA_STARTER.split("\n\n\n")[1]),
                                ASSIGNMENT), "alice", "dana")
    assert given < unknown
    kept = own_lines(_answer(AREA_STARTER, "    return 0"), AREA_STARTER)
    assert kept.strip() == "return 0"


def test_untouched_releases_are_not_similar(tmp_path):
    stub = "    # YOUR CODE HERE\n    raise NotImplementedError()"
    course = _make_course(tmp_path, {"jo": (stub, stub), "kim": (stub, stub)})
    assert _score(similarity(course, ASSIGNMENT), "jo", "kim") == 0


def test_the_report_shows_flagged_fragments_and_nothing_remote(comparison, tmp_path):
    path = write_report(comparison, tmp_path / "similarity.html")
    html = path.read_text()
    assert "frank" in html and "chen" in html and "<mark>" in html
    assert "visited[row, col] = True" in html and "seen[r, c] = True" in html
    assert not re.findall(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", html)
    assert "http" not in html and "<script" not in html


def test_a_corrupt_notebook_is_named_and_skipped(tmp_path):
    course = _make_course(tmp_path, {"alice": HONEST["alice"], "bob": HONEST["bob"],
                                     "chen": HONEST["chen"]})
    broken = course / "submitted" / "bob" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb"
    broken.write_text('{"cells": [')
    result = similarity(course, ASSIGNMENT)
    assert result.students == ["alice", "chen"]
    assert any(str(broken) in w and "cannot be read" in w for w in result.warnings)


def test_bad_input_says_what_to_do(tmp_path):
    with pytest.raises(SimilarityError, match="no released notebook.*microfab grade release"):
        similarity(tmp_path, "no-such-lab")
    course = _make_course(tmp_path, {})
    with pytest.raises(SimilarityError, match="no submissions.*microfab grade collect"):
        similarity(course, ASSIGNMENT)
    _make_course(tmp_path, {"alice": HONEST["alice"]})
    with pytest.raises(SimilarityError, match="at least two"):
        similarity(course, ASSIGNMENT)


def test_cli_help_and_run(course, tmp_path, capsys):
    from microfab.cli import main

    with pytest.raises(SystemExit) as done:
        main(["grade", "similarity", "--help"])
    assert done.value.code == 0
    assert "copydetect" in capsys.readouterr().out
    out = tmp_path / "report.html"
    assert main(["grade", "similarity", ASSIGNMENT, "--course", str(course),
                 "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert out.is_file() and str(out) in textwrap.dedent(printed).replace("\n", "")
    assert "frank" in printed and "flagged" in printed
    assert main(["grade", "similarity", "no-such-lab", "--course", str(course)]) == 2
