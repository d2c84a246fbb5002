"""`microfab book build|toc`: the executed web book, strict, on recorded data."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from microfab.commands import FAILED, USAGE
from microfab_book.layout import HTML_DIR, LOG_FILE, REPORTS_DIR


def _root(args) -> Path | None:
    root = Path(args.root).resolve()
    if not (root / "_config.yml").is_file():
        print(f"microfab book: no _config.yml in {root}; run it from the repository root "
              f"or pass --root", file=sys.stderr)
        return None
    return root


def run_build(args) -> int:
    from microfab_book.build import build_book

    root = _root(args)
    if root is None:
        return USAGE
    build = build_book(root, execute=args.execute,
                       jupyterhub_url=args.jupyterhub_url or os.environ.get(
                           "MICROFAB_JUPYTERHUB_URL") or None,
                       update_toc=not args.keep_toc, jobs=args.jobs)
    labs = build.labs
    if build.status != 2:
        print(f"book: executed {len(build.executed)} page(s), {len(build.failed)} failed, "
              f"{len(build.pages.reused)} reused; {len(labs.executed)} lab(s) run for expected "
              f"outputs; lab releases made "
              f"{len(labs.made)}, reused {len(labs.reused)}; {build.wall_s:.1f} s")
    if build.ok:
        print(f"book: open {build.index}")
        return 0
    if build.problems:
        print(f"microfab book build: {len(build.problems)} problem(s):", file=sys.stderr)
        for problem in build.problems:
            print(f"  {problem}", file=sys.stderr)
    if build.reports:
        print(f"microfab book build: execution reports are in {root / REPORTS_DIR}:",
              file=sys.stderr)
        for report in build.reports:
            print(f"  {report}", file=sys.stderr)
    if build.status == 1:
        print(f"microfab book build: the build failed; full log: {root / LOG_FILE}"
              + (f" (the site in {root / HTML_DIR} was deleted)"
                 if not (root / HTML_DIR).exists() else ""), file=sys.stderr)
    return build.status


def run_toc(args) -> int:
    from course_units import UnitFormatError, load_catalogue
    from microfab_book.layout import units_dir
    from microfab_book.toc import TOC_FILE, toc_text, write_toc

    root = _root(args)
    if root is None:
        return USAGE
    try:
        catalogue = load_catalogue(units_dir(root))
    except UnitFormatError as exc:
        print(f"microfab book toc: {exc}", file=sys.stderr)
        return USAGE
    path = root / TOC_FILE
    if args.check:
        if path.is_file() and path.read_text(encoding="utf-8") == toc_text(catalogue):
            print(f"{path} is up to date")
            return 0
        print(f"{path} differs from the units; run `microfab book toc`", file=sys.stderr)
        return FAILED
    print(f"{'wrote' if write_toc(root, catalogue) else 'unchanged:'} {path}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser("book", help="build the web book",
                            description="Build the Jupyter Book from the units.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    build = actions.add_parser(
        "build", help="execute lessons on recorded data and build the HTML book",
        description="Makes _toc.yml, the curriculum map and the labs' student releases from the "
        "units; runs the lessons and the try-it page with MICROFAB_PROFILE=replay into the "
        "execution cache (only pages whose code or recorded data changed run again; a failing "
        "page fails the build, names its cell and leaves its traceback in "
        "_build/html/reports/); then runs jupyter-book with warnings as errors "
        "(-W -n --keep-going). The built site is checked for solutions, hidden tests, held-back "
        "data and scripts from other hosts. Exits 1 when the build fails, 2 when the units or "
        "the set-up are wrong.")
    build.add_argument("--root", default=".", help="the repository root (default: .)")
    build.add_argument("--execute", choices=["cache", "force", "off"], default="cache",
                       help="cache: run what changed (default); force: run every notebook; "
                       "off: run nothing (quick checks of text, links and images)")
    build.add_argument("--jupyterhub-url", metavar="URL",
                       help="the JupyterHub the launch buttons open (default: "
                       "$MICROFAB_JUPYTERHUB_URL, else launch_buttons.jupyterhub_url in "
                       "_config.yml)")
    build.add_argument("--keep-toc", action="store_true",
                       help="use _toc.yml as it is and fail when a unit is missing from it")
    build.add_argument("--jobs", type=int, metavar="N",
                       help="pages executed side by side, one kernel each (default: one per "
                       "CPU core, at most 4)")
    build.set_defaults(run=run_build)
    toc = actions.add_parser(
        "toc", help="write _toc.yml from the units",
        description="One chapter per unit (lesson, then the lab's student release), grouped by "
        "stage; `microfab book build` does this too.")
    toc.add_argument("--root", default=".", help="the repository root (default: .)")
    toc.add_argument("--check", action="store_true",
                     help="only check that _toc.yml is up to date (exit 1 if not)")
    toc.set_defaults(run=run_toc)
