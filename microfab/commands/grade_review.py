"""`microfab grade review open|collect`: a unit's enterprise reviewers (mentors) mark its
manually graded cells in a formgrader of their own; the marks come back with their source."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from microfab.commands import USAGE, print_table
from microfab.commands.course import add_course_option

DESCRIPTION = """\
Enterprise review of one unit, on a hub deployed with `microfab deploy hub --review
UNIT:MENTORS` (which makes the review folder, shared by the course's owner and the mentors'
Unix group).

  open     after `microfab grade autograde UNIT`: write UNIT's review course into the
           folder: a gradebook with only UNIT and the students who submitted it, and their
           autograded notebooks. The mentors' formgrader shows exactly that. Marks already
           made there are collected first, so reopen freely after grading more submissions.
  collect  bring the mentors' marks on the manually graded cells into the course's
           gradebook. A mark the instructor gave stays the instructor's; changes to
           autograded test cells are not taken. `microfab grade report` then shows each
           mark's source (autograder, instructor, mentor)."""


def _score(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def run_review(args) -> int:
    from autograder.review import ReviewError, collect_review, open_review

    course, folder = Path(args.course).resolve(), Path(args.folder).resolve()
    try:
        if args.step == "open":
            opened = open_review(course, args.assignment, folder)
            collected = opened.collected
        else:
            collected = collect_review(course, args.assignment, folder)
    except ReviewError as exc:
        print(f"microfab grade review {args.step}: {exc}", file=sys.stderr)
        return USAGE
    if collected is not None:
        rows = [[m.student, m.notebook, m.cell, _score(m.score), verdict]
                for marks, verdict in ((collected.taken, "taken: mentor"),
                                       (collected.kept, "kept the instructor's mark"),
                                       (collected.refused, "not taken: an autograded test"),
                                       (collected.out_of_range,
                                        "not taken: outside 0 to the cell's points"))
                for m in marks]
        if rows:
            print_table(["student", "notebook", "cell", "mentor's mark", "result"], rows)
        print(f"{len(collected.taken)} mentor mark(s) collected into "
              f"{course / 'gradebook.db'}")
        for gone in collected.unknown:
            print(f"warning: {gone} is not in the course's gradebook: not taken",
                  file=sys.stderr)
    if args.step == "open":
        print(f"review of {args.assignment} open for the mentors: {len(opened.students)} "
              f"submission(s) in {folder}")
    return 0


def add_review_parser(actions: argparse._SubParsersAction) -> None:
    review = actions.add_parser("review", help="mentors mark a unit's manually graded cells "
                                "(open, collect)", description=DESCRIPTION,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    review.add_argument("step", choices=["open", "collect"])
    review.add_argument("assignment", help="the reviewed unit, e.g. 10-line-integration")
    review.add_argument("--folder", required=True,
                        help="the review folder `microfab deploy hub --review` printed")
    add_course_option(review)
    review.set_defaults(run=run_review)
