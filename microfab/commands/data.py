"""`microfab data import|fetch|list`: public defect data sets, turned into replayable sessions."""

from __future__ import annotations

import argparse
import sys
import warnings

LAYOUT_HELP = """layouts:
  image-mask    images with a same-stem pixel mask (x.jpg + x.png, or masks/x.png);
                label = class folder (MT_Free, good, ok -> good; MT_Crack -> crack)
  class-folder  one folder per class with its images inside; no masks
  voc           Pascal VOC: JPEGImages/, Annotations/*.xml, optional ImageSets/Main/
  elpv          ELPV solar cells from `pip install elpv-dataset` (no DIR)

examples:
  microfab data import image-mask ../shared/data/magnetic-tile --out tiles.mcap
  microfab data import image-mask ~/tiles --out sample.mcap --limit 60
  microfab data import voc ~/NEU-DET --out neu.mcap --skip-bad
  microfab data import elpv --out elpv.mcap

One bad file (missing mask, size mismatch, corrupt image, mixed layout) refuses the whole
import and writes nothing; --skip-bad imports the rest and lists what it left out."""


def _fail(action: str, message: object) -> int:
    print(f"microfab data {action}: {message}", file=sys.stderr)
    return 2


def run_import(args) -> int:
    from hardware_shims.errors import ShimError
    from hardware_shims.recording.importers import LAYOUTS, SkippedItemsWarning, import_dataset

    importer = LAYOUTS[args.layout]
    if args.dir is None and importer.needs_root:
        return _fail("import", f"layout {args.layout} needs the data set's folder DIR, e.g. "
                     f"microfab data import {args.layout} path/to/dataset --out {args.out}")
    if importer.licence:
        print(f"{args.layout} licence: {importer.licence}\ncite: {importer.citation}")
    try:
        with warnings.catch_warnings():
            # The summary below lists skipped items; the warning would say it twice.
            warnings.simplefilter("ignore", SkippedItemsWarning)
            report = import_dataset(args.layout, args.dir, args.out, skip_bad=args.skip_bad,
                                    progress=not args.quiet, limit=args.limit,
                                    exclude=args.exclude or (), dataset=args.name)
    except (ShimError, ValueError, OSError) as exc:
        return _fail("import", exc)
    print(report)
    for problem in report.skipped:
        print(f"  skipped {problem}")
    print(f"replay it: open_camera('replay://{report.out.resolve()}')")
    return 0


def run_fetch(args) -> int:
    from hardware_shims.errors import ShimError
    from hardware_shims.recording.datasets import fetch, lookup

    try:
        info = lookup(args.name)
        print(f"{info.name} licence: {info.licence}\ncite: {info.citation}")
        path = fetch(args.name, args.cache, progress=not args.quiet)
    except ShimError as exc:
        return _fail("fetch", exc)
    print(f"{info.name} is at {path}")
    root = "" if info.layout == "elpv" else f" {path}"
    skip = "".join(f" --exclude {pattern}" for pattern in info.exclude)
    print(f"import it: microfab data import {info.layout}{root}{skip} --out {info.name}.mcap")
    return 0


def run_list(args) -> int:
    from hardware_shims.recording.datasets import DATA_HUB

    for info in DATA_HUB.values():
        source = f"pip install {info.pip}" if info.pip else info.url
        print(f"{info.name}  ({info.layout}): {info.description}")
        print(f"  source:  {source}")
        print(f"  sha256:  {info.sha256 or '-'}")
        print(f"  licence: {info.licence}")
        print(f"  cite:    {info.citation}")
        if info.note:
            print(f"  note:    {info.note}")
    return 0


def add_parser(sub: argparse._SubParsersAction) -> None:
    from hardware_shims.recording.importers import LAYOUTS

    parser = sub.add_parser("data", help="import public defect data sets as sessions",
                            description="Public defect data sets: download them, and turn "
                            "folders of images + ground truth into sessions replay:// plays.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="turn a data-set folder into a session file (MCAP)",
        description="Read a data set laid out as LAYOUT under DIR, check every file, and "
        "write one frame per image (label, defect mask, source file) to a session.",
        epilog=LAYOUT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("layout", choices=list(LAYOUTS), metavar="LAYOUT",
                     help=f"one of: {', '.join(LAYOUTS)}")
    imp.add_argument("dir", nargs="?", metavar="DIR", help="the data set's folder (not for elpv)")
    imp.add_argument("--out", required=True, metavar="SESSION",
                     help="session file to write (.mcap)")
    imp.add_argument("--skip-bad", action="store_true",
                     help="skip bad files (listed in the session) instead of refusing")
    imp.add_argument("--limit", type=int, metavar="N",
                     help="import at most N images, taken evenly across labels")
    imp.add_argument("--exclude", action="append", metavar="GLOB",
                     help="leave out files matching GLOB (repeatable), e.g. dataset.jpg")
    imp.add_argument("--name", help="data-set name stored in each frame (default: DIR's name)")
    imp.add_argument("--quiet", action="store_true", help="no progress bar")
    imp.set_defaults(run=run_import)
    fetch = actions.add_parser(
        "fetch", help="download a registered data set and verify its SHA-256",
        description="Download a data set from its public home once, check its SHA-256, "
        "unpack it into the cache and print the import command.",
        epilog="example: microfab data fetch magnetic-tile --cache ~/data")
    fetch.add_argument("name", metavar="NAME", help="a name from `microfab data list`")
    fetch.add_argument("--cache", metavar="DIR",
                       help="download folder (default: $MICROFAB_DATA or ~/.cache/microfab/"
                       "datasets)")
    fetch.add_argument("--quiet", action="store_true", help="no progress bar")
    fetch.set_defaults(run=run_fetch)
    lst = actions.add_parser("list", help="the registered data sets with licences",
                             description="Every data set `fetch` knows: source, SHA-256, "
                             "licence and the paper to cite.")
    lst.set_defaults(run=run_list)
