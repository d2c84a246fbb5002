"""`microfab book build`: the executed web book, strict, on recorded data."""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from autograder.profile_env import notebook_env


def run_build(args) -> int:
    root = Path(args.root).resolve()
    if not (root / "_config.yml").is_file():
        print(f"microfab book build: no _config.yml in {root}; run it from the repository root "
              f"or pass --root", file=sys.stderr)
        return 2
    jupyter_book = Path(sys.executable).parent / "jupyter-book"
    command = [str(jupyter_book), "build", str(root), "--builder", "html", "-W", "-n",
               "--keep-going"]
    with notebook_env(profile="replay", fast=False):
        status = subprocess.call(command, cwd=root)
    reports = root / "_build" / "html" / "reports"
    if status != 0:
        hint = f"; execution reports are in {reports}" if reports.exists() else ""
        print(f"microfab book build: the build failed (exit {status}){hint}", file=sys.stderr)
        return 1
    print(f"book: open {root / '_build' / 'html' / 'index.html'}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("book", help="build the web book",
                            description="Build the Jupyter Book from the units.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="execute lessons on recorded data and build the HTML book",
        description="Runs jupyter-book with warnings as errors (-W -n --keep-going); lessons run "
        "with MICROFAB_PROFILE=replay through the execution cache, so only changed lessons "
        "re-execute. A failing notebook fails the build.")
    build.add_argument("--root", default=".", help="the repository root (default: .)")
    build.set_defaults(run=run_build)
