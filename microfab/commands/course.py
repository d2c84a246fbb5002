"""`microfab course build`: a standard nbgrader course directory from the units."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from microfab.commands import FAILED, USAGE

DEFAULT_COURSE = os.environ.get("MICROFAB_COURSE", "course")


def run_build(args) -> int:
    from autograder.course import NbgraderError
    from autograder.course_build import build_course
    from course_units import UnitFormatError, load_catalogue

    try:
        catalogue = load_catalogue(args.units_dir)
        course = build_course(Path(args.course), catalogue, args.units or None,
                              seed=args.seed, exchange=args.exchange)
    except (UnitFormatError, KeyError, ValueError) as exc:  # bad units or unknown unit ids
        print(f"microfab course build: {exc}", file=sys.stderr)
        return USAGE
    except NbgraderError as exc:  # nbgrader ran and failed
        print(f"microfab course build: {exc}", file=sys.stderr)
        return FAILED
    print(f"course: {course.root} (nbgrader_config.py, source/, release/, gradebook.db)")
    print(f"held-back lines for hidden tests: {course.root / 'held-back'} (from the course's "
          "secret seed in held-back/seed: keep it with your backups, never give it out)")
    print(f"exchange: {course.exchange or course.root / 'exchange'} (release, collect and "
          "feedback use it)")
    print("plain nbgrader commands and the formgrader work in that folder")
    return 0


def add_course_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--course", default=DEFAULT_COURSE,
                        help="the nbgrader course folder (default: $MICROFAB_COURSE or ./course)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("course", help="build the nbgrader course from the units",
                            description="The course folder is a standard nbgrader course.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="write source/<unit>/<unit>.ipynb, the gradebook and the releases",
        description="Convert every unit's lab.md to source/<unit>/<unit>.ipynb, write "
        "nbgrader_config.py, generate each student release with nbgrader, and render the "
        "held-back lines that hidden tests grade on from the course's secret seed (drawn at "
        "random on the first build and kept in held-back/seed; the project ships no held-back "
        "data, since anything it ships is one clone away from every student). Exits 2 when "
        "the units are malformed or a unit id is unknown, 1 when nbgrader fails.")
    build.add_argument("units", nargs="*", help="unit ids (default: all)")
    add_course_option(build)
    build.add_argument("--units-dir", default=None, help="where the units are")
    build.add_argument("--seed", type=int, default=None,
                       help="use this secret seed for the held-back lines instead of the "
                       "course's stored or a new random one (e.g. to rebuild a lost course)")
    build.add_argument("--exchange", metavar="DIR", default=None,
                       help="nbgrader's exchange for this course, written into its "
                       "nbgrader_config.py and kept by later builds (e.g. a JupyterHub's "
                       "/srv/nbgrader/exchange; default: the one the course already names, "
                       "else COURSE/exchange)")
    build.set_defaults(run=run_build)
