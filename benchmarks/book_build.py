"""The web book rebuilds only what changed.

Builds a copy of the book three times in one run, each against the cold build as baseline:

1. cold: no execution cache, no generated pages -- every lesson executes, every lab is released;
2. no change: nothing to execute (goal: 0 notebooks, <= 5 s);
3. one lesson edited (a comment added to its last code cell): only that lesson executes again.

Prints wall time, the ratio to the cold build, and the notebooks each build executed: the pages
the notebook runner ran plus the labs run to draw expected outputs. Exits 1 if a goal is
missed.
"""

from __future__ import annotations

import argparse
import io
import sys
import tempfile
from pathlib import Path

from course_units import load_catalogue, units_root
from microfab_book.build import BookBuild, build_book
from microfab_book.copy import copy_book_sources
from microfab_book.vendor import ensure_node_modules

REPO = Path(__file__).resolve().parents[1]
NO_CHANGE_LIMIT_S = 5.0


def edit_last_code_cell(lesson: Path) -> None:
    """Change the code (not just the mtime) of a lesson, as an author does."""
    text = lesson.read_text()
    fence = text.rindex("```{code-cell}")
    close = text.index("\n```", text.index("\n", fence))
    lesson.write_text(text[:close] + "\n# edited by benchmarks/book_build.py" + text[close:])


def build(root: Path, label: str, quiet: bool) -> BookBuild:
    out = io.StringIO() if quiet else sys.stderr
    result = build_book(root, out=out)
    if not result.ok:
        tail = out.getvalue()[-4000:] if quiet else ""
        sys.exit(f"{label} build failed:\n" + "\n".join(result.problems) + f"\n{tail}")
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--unit", help="the unit whose lesson is edited (default: the first)")
    parser.add_argument("--verbose", action="store_true", help="show the builds' output")
    args = parser.parse_args()
    catalogue = load_catalogue(units_root())
    unit = catalogue.get(args.unit) if args.unit else catalogue.units[0]
    ensure_node_modules(REPO)  # linked into the copy, so the cold build does not download
    with tempfile.TemporaryDirectory(prefix="microfab-book-bench-") as tmp:
        root = copy_book_sources(REPO, Path(tmp) / "repo", units_root())
        runs = [("cold", build(root, "cold", not args.verbose))]
        runs.append(("no change", build(root, "no-change", not args.verbose)))
        edit_last_code_cell(root / "course_units" / unit.folder.name / "lesson.md")
        runs.append((f"{unit.id} lesson edited", build(root, "edited", not args.verbose)))
    cold = runs[0][1].wall_s
    print(f"book build, {len(catalogue.units)} units, baseline: the cold build in this run")
    print(f"{'build':32} {'wall s':>8} {'vs cold':>8} {'executed':>9}  notebooks")
    for label, result in runs:
        names = list(result.executed) + \
                [f"{u} (lab, expected output)" for u in result.labs.executed]
        print(f"{label:32} {result.wall_s:8.1f} {result.wall_s / cold:8.2f} "
              f"{result.notebooks_executed:9d}  {', '.join(names) or '-'}")
    no_change, edited = runs[1][1], runs[2][1]
    goals = [
        ("no-change build executes nothing", no_change.notebooks_executed == 0),
        (f"no-change build within {NO_CHANGE_LIMIT_S:.0f} s", no_change.wall_s
         <= NO_CHANGE_LIMIT_S),
        (f"edited build executes only {unit.id}'s lesson",
         [Path(p).parent.name for p in edited.executed] == [unit.folder.name]
         and edited.notebooks_executed == 1),
    ]
    for goal, met in goals:
        print(f"{'ok  ' if met else 'MISS'} {goal}")
    return 0 if all(met for _, met in goals) else 1


if __name__ == "__main__":
    sys.exit(main())
