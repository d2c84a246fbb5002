"""`microfab unit list|new|check`."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from course_units import UnitFormatError, load_catalogue, units_root
from microfab.commands import FAILED, USAGE, print_table


def _catalogue(args):
    try:
        return load_catalogue(args.units_dir)
    except UnitFormatError as exc:
        print(f"microfab: {len(exc.errors)} problem(s) in the units:", file=sys.stderr)
        for error in exc.errors:
            print(f"  {error}", file=sys.stderr)
        return None


def run_list(args) -> int:
    catalogue = _catalogue(args)
    if catalogue is None:
        return USAGE
    print_table(["unit", "stage", "station", "hardware", "time", "competencies"],
                [[u.id, f"{u.stage} {u.stage_name}", u.station, ", ".join(u.hardware) or "-",
                  f"{u.learning_time_min} min", ", ".join(u.competencies)]
                 for u in catalogue.units])
    return 0


def run_new(args) -> int:
    from course_units.scaffold import ScaffoldError, scaffold_unit

    root = Path(args.units_dir) if args.units_dir else units_root()
    try:
        folder = scaffold_unit(root, args.unit_id, Path(args.brief))
    except (ScaffoldError, UnitFormatError) as exc:
        print(f"microfab unit new: {exc}", file=sys.stderr)
        return USAGE
    print(f"created {folder}/ (unit.yaml, lesson.md, lab.md); check it with "
          f"`microfab unit check {args.unit_id}`")
    return 0


def run_check(args) -> int:
    from autograder.gate import check_units, format_row

    catalogue = _catalogue(args)
    if catalogue is None:
        return USAGE
    try:
        units = [catalogue.get(u) for u in args.units] if args.units else catalogue.units
    except KeyError as exc:
        print(f"microfab unit check: {exc.args[0]}", file=sys.stderr)
        return USAGE
    print(f"gate: {len(units)} unit(s), {args.jobs} worker(s), profile {args.profile}, "
          f"{'FAST' if not args.full else 'full'} mode"
          f"{', source and release only' if args.quick else ''}; work folder {args.work}")
    results = check_units(units, Path(args.work), jobs=args.jobs, profile=args.profile,
                          fast=not args.full, on_result=lambda r: print(format_row(r), flush=True),
                          strength=not args.quick)
    failed = [r for r in results if not r.passed]
    for result in failed:
        print(f"\n{result.unit_id}:", file=sys.stderr)
        for problem in result.problems:
            print(f"  - {problem}", file=sys.stderr)
    print(f"\n{len(results) - len(failed)} passed, {len(failed)} failed")
    return FAILED if failed else 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("unit", help="list, scaffold and gate course units",
                            description="Work with the course units in course_units/.")
    parser.add_argument("--units-dir", default=None,
                        help="folder holding the units and competencies.yaml "
                        "(default: $MICROFAB_UNITS_DIR or the installed course_units/)")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)

    listing = actions.add_parser("list", help="show units with stage, station, competencies, "
                                 "hardware")
    listing.set_defaults(run=run_list)

    new = actions.add_parser(
        "new", help="scaffold a unit from an enterprise case brief",
        description="Create course_units/<NN-slug>/ with unit.yaml, lesson.md and lab.md from a "
        "brief (YAML with title, stage, station, partner, problem, acceptance, outcomes, "
        "competencies; see course_units/_template/brief.yaml).")
    new.add_argument("unit_id", help="folder name, e.g. 06-glass-scratches")
    new.add_argument("--brief", required=True, help="the enterprise case brief (YAML)")
    new.set_defaults(run=run_new)

    check = actions.add_parser(
        "check", help="run the notebook gate",
        description="Execute each lesson with papermill, release the lab with nbgrader, and "
        "autograde the source (must score full marks), the release (must score zero) and the "
        "source with each solution stubbed in turn (every graded test must fail at least once). "
        "Exits 1 if any unit fails, 2 when the units are malformed or a unit id is unknown.")
    check.add_argument("units", nargs="*", help="unit ids (default: all)")
    check.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                       help="units gated in parallel (default: CPU count)")
    check.add_argument("--profile", default="replay", help="hardware profile (default: replay)")
    check.add_argument("--full", action="store_true", help="run without the FAST flag")
    check.add_argument("--quick", action="store_true",
                       help="run the lesson and grade the source and the release only, without "
                       "the stub and mutant checks (they judge the tests, whatever the profile: "
                       "e.g. a second profile after a full gate on replay)")
    check.add_argument("--work", default="_build/gate",
                       help="where executed notebooks and nbgrader courses are kept")
    check.set_defaults(run=run_check)
