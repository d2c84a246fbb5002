"""How much of a lab's graded code stands in its own lesson: a lab must assess transfer, not
copying.

Lines are compared on normalised tokens: variable names become `N`, literals `L`, whitespace and
comments are dropped; names after a dot and called names (`cv2.GaussianBlur`, `np.median(`) are
kept, because they are the method a line applies. A solution line counts when it is worth
copying: imports, `return name` and lines of fewer than MIN_TOKENS tokens are left out.
"""

from __future__ import annotations

import io
import keyword
import tokenize
from dataclasses import dataclass

import nbformat

from course_units.notebooks import MARKERS, marked_regions
from lab_kernels.cells import is_answer

MAX_SHARE = 0.10  # above this, the gate fails the lab
MIN_TOKENS = 8  # shorter lines (`h, w = img.shape`) say nothing about where code came from
SKIPPED = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
           tokenize.ENDMARKER}


@dataclass(frozen=True)
class VerbatimShare:
    counted: int  # solution lines worth copying
    found: list[str]  # of those, the ones that stand in the lesson (as written in the lab)

    @property
    def share(self) -> float:
        return len(self.found) / self.counted if self.counted else 0.0

    def problem(self, lab_path, lesson_path) -> str | None:
        """The gate's failure line when the share is over MAX_SHARE, else None."""
        if self.share <= MAX_SHARE:
            return None
        lines = "\n".join(f"    {line}" for line in self.found)
        return (f"{lab_path}: {len(self.found)} of the lab's {self.counted} solution lines "
                f"({self.share:.0%}) stand in {lesson_path}, over the limit of {MAX_SHARE:.0%}. "
                f"Ask for a variant the lesson does not show (another defect type, light, "
                f"material or tolerance; course_units/AUTHORING.md, Labs). The lines:\n{lines}")


def shape(line: str) -> tuple[str, ...] | None:
    """The normalised tokens of one line of code, or None when it is not worth counting."""
    stripped = line.strip()
    if not stripped or stripped.startswith(("import ", "from ", "#")):
        return None
    try:
        tokens = [t for t in tokenize.generate_tokens(io.StringIO(stripped + "\n").readline)
                  if t.type not in SKIPPED]
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return None  # a line of a bracket that spans lines: judged by its complete neighbours
    out = []
    for index, token in enumerate(tokens):
        before = tokens[index - 1].string if index else ""
        after = tokens[index + 1].string if index + 1 < len(tokens) else ""
        if token.type == tokenize.NAME and not keyword.iskeyword(token.string) \
                and before != "." and after != "(":
            out.append("N")
        elif token.type in (tokenize.NUMBER, tokenize.STRING) or \
                token.type == getattr(tokenize, "FSTRING_START", -1):
            out.append("L")
        else:
            out.append(token.string)
    if len(out) < MIN_TOKENS or out[:2] == ["return", "N"] and len(out) == 2:
        return None
    return tuple(out)


def solution_lines(lab: nbformat.NotebookNode) -> list[str]:
    """The lines a student writes: inside BEGIN/END SOLUTION, or whole answer cells without."""
    lines = []
    for cell in lab.cells:
        if not is_answer(cell):
            continue
        inside, _ = marked_regions(cell.source, *MARKERS["solution"])
        lines += inside or cell.source.splitlines()  # no markers: nbgrader replaces it whole
    return lines


def lesson_shapes(lesson: nbformat.NotebookNode) -> set[tuple[str, ...]]:
    return {s for cell in lesson.cells if cell.cell_type == "code"
            for s in map(shape, cell.source.splitlines()) if s}


def verbatim_share(lab: nbformat.NotebookNode, lesson: nbformat.NotebookNode) -> VerbatimShare:
    """Of the lab's solution lines worth copying, those whose shape stands in the lesson."""
    known = lesson_shapes(lesson)
    counted, found = 0, []
    for line in solution_lines(lab):
        line_shape = shape(line)
        if line_shape is None:
            continue
        counted += 1
        if line_shape in known:
            found.append(line.strip())
    return VerbatimShare(counted, found)
