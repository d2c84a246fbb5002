"""`microfab`: one command line over the units, the gate, the book and the hardware shims."""

from __future__ import annotations

import argparse
import sys

from microfab.commands import (
    EXIT_STATUS,
    book,
    course,
    data,
    deploy,
    grade,
    hw,
    kernels,
    serve,
    unit,
)

COMMANDS = [unit, book, course, grade, hw, data, kernels, deploy, serve]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="microfab",
        description="microfab: an offline interactive textbook and autograder for industrial "
        "machine vision. Units live in course_units/; each is a lesson and an nbgrader lab.",
        epilog=EXIT_STATUS, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for command in COMMANDS:
        command.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except BrokenPipeError:  # `microfab hw probe | head`: the reader left, nothing is wrong
        sys.stderr.close()
        return 0


if __name__ == "__main__":
    sys.exit(main())
