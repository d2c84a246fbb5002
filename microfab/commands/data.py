"""`microfab data import|fetch|list`: public defect data sets, turned into replayable sessions."""

from __future__ import annotations

import argparse
import sys
import textwrap
import warnings

from microfab.commands import FAILED, OK, USAGE

LAYOUT_HELP = """layouts:
  image-mask    images with a same-stem pixel mask (x.jpg + x.png, or masks/x.png);
                label = class folder (MT_Free, good, ok -> good; MT_Crack -> crack)
  class-folder  one folder per class with its images inside; label = the folder
                directly holding the image (images/ in between is passed over); no masks
  voc           Pascal VOC: JPEGImages/, Annotations/*.xml, optional ImageSets/Main/
  yolo          YOLO boxes (class cx cy w h) or polygons (class x1 y1 x2 y2 ...), all
                0..1: images/[split/]x.jpg + labels/[split/]x.txt (or split/images/ +
                split/labels/), class names from data.yaml or classes.txt; an image
                with no label file is a good part
  elpv          ELPV solar cells from `pip install elpv-dataset` (no DIR)

Images are told by their bytes (PNG, JPEG, BMP, TIFF, PNM, WebP), never by their names;
links to files and folders are followed. A file stored grey stays Mono8 (one channel), a
colour file stays BGR8; 16-bit files keep their top 8 bits (value >> 8); other depths are
refused.

examples:
  microfab data import image-mask ../shared/data/magnetic-tile --out tiles.mcap
  microfab data import image-mask ~/tiles --out sample.mcap --limit 60
  microfab data import voc ~/NEU-DET --out neu.mcap --skip-bad
  microfab data import yolo ~/pcb-yolo --out pcb.mcap
  microfab data import elpv --out elpv.mcap

One bad file (missing mask, size mismatch, corrupt or non-image file, broken link, bad
label line, mixed layout) refuses the whole import and writes nothing; --skip-bad imports
the rest. The summary counts every file not imported, grouped by reason, and shows the
data set's licence (a LICENSE, LICENCE or COPYING file, or README lines naming one).

exit status: 0 imported (with --skip-bad, whatever was left out is in the summary);
2 bad usage or bad input, nothing written: a missing folder, a folder not laid out as
LAYOUT, bad files in the data set; 1 anything else that failed (e.g. the disk filled up)."""

_LISTED = 20  # a refusal lists every problem up to this many, else groups them


def _fail(action: str, message: object, code: int = USAGE) -> int:
    print(f"microfab data {action}: {message}", file=sys.stderr)
    return code


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be 1 or more, got {value}")
    return value


def run_import(args) -> int:
    from hardware_shims.errors import ShimError
    from hardware_shims.recording.importers import (
        LAYOUTS,
        ImportProblems,
        LayoutError,
        SkippedItemsWarning,
        import_dataset,
    )

    importer = LAYOUTS[args.layout]
    if args.dir is None and importer.needs_root:
        return _fail("import", f"layout {args.layout} needs the data set's folder DIR, e.g. "
                     f"microfab data import {args.layout} path/to/dataset --out {args.out}")
    # --progress asks for the bar; --quiet refuses it; otherwise only on a terminal.
    progress = True if args.progress else False if args.quiet else None
    try:
        with warnings.catch_warnings():
            # The summary below lists skipped items; the warning would say it twice.
            warnings.simplefilter("ignore", SkippedItemsWarning)
            report = import_dataset(args.layout, args.dir, args.out, skip_bad=args.skip_bad,
                                    progress=progress, limit=args.limit,
                                    exclude=args.exclude or (), dataset=args.name)
    except ImportProblems as exc:
        return _fail("import", _refusal(exc, args.verbose))
    except (LayoutError, FileNotFoundError, IsADirectoryError, PermissionError,
            ValueError) as exc:
        return _fail("import", exc)
    except (ShimError, OSError) as exc:
        return _fail("import", exc, FAILED)
    print(report)
    if args.verbose:
        for problem in [*report.skipped, *report.ignored, *report.left_out]:
            print(f"  not imported: {problem}")
    print(f"replay it: open_camera('replay://{report.out.resolve()}')")
    return OK


def _refusal(exc, verbose: bool) -> str:
    """Why nothing was written, with the command-line way out (--skip-bad, not skip_bad)."""
    from hardware_shims.recording.importers.summary import grouped

    problems = exc.problems
    lines = [f"{len(problems)} problem(s) in data set {exc.root}; nothing was written:"]
    if verbose or len(problems) <= _LISTED:
        lines += [f"  {p}" for p in problems]
    else:
        lines += grouped(problems, reasons=True)
        lines.append(f"  (--verbose lists all {len(problems)})")
    hint = "" if exc.skipping else ", or import the rest with --skip-bad"
    lines.append(f"Fix or remove these files{hint}.")
    return "\n".join(lines)


def run_fetch(args) -> int:
    from hardware_shims.errors import ShimError
    from hardware_shims.recording.datasets import DatasetError, fetch, lookup

    try:
        info = lookup(args.name)
    except DatasetError as exc:
        return _fail("fetch", exc)
    print(f"{info.name} licence: {info.licence}\ncite: {info.citation}")
    progress = True if args.progress else False if args.quiet else None
    try:
        path = fetch(args.name, args.cache, progress=progress)
    except ShimError as exc:  # download, checksum, unpacking, or a pip set not installed
        return _fail("fetch", exc, FAILED)
    print(f"{info.name} is at {path}")
    root = "" if info.layout == "elpv" else f" {path}"
    skip = "".join(f" --exclude {pattern}" for pattern in info.exclude)
    print(f"import it: microfab data import {info.layout}{root}{skip} --out {info.name}.mcap")
    return OK


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
    return OK


def _progress_options(parser: argparse.ArgumentParser) -> None:
    shown = parser.add_mutually_exclusive_group()
    shown.add_argument("--progress", action="store_true",
                       help="show a progress bar even when stderr is no terminal")
    shown.add_argument("--quiet", action="store_true",
                       help="no progress bar (by default it shows on a terminal only)")


def add_parser(sub: argparse._SubParsersAction) -> None:
    from hardware_shims.recording.importers import LAYOUTS

    parser = sub.add_parser("data", help="import public defect data sets as sessions",
                            description="Public defect data sets: download them, and turn "
                            "folders of images + ground truth into sessions replay:// plays.")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    imp = actions.add_parser(
        "import", help="turn a data-set folder into a session file (MCAP)",
        description=textwrap.fill(
            "Read a data set laid out as LAYOUT under DIR, check every file, and write one "
            "frame per image (label, defect mask, source file) to a session; then print a "
            "summary: images per label, every file not imported with its reason, and the "
            "data set's licence.", 88),
        epilog=LAYOUT_HELP, formatter_class=argparse.RawDescriptionHelpFormatter)
    imp.add_argument("layout", choices=list(LAYOUTS), metavar="LAYOUT",
                     help=f"one of: {', '.join(LAYOUTS)}")
    imp.add_argument("dir", nargs="?", metavar="DIR", help="the data set's folder (not for elpv)")
    imp.add_argument("--out", required=True, metavar="SESSION",
                     help="session file to write (.mcap)")
    imp.add_argument("--skip-bad", action="store_true",
                     help="skip bad files (counted in the summary, listed in the session) "
                     "instead of refusing")
    imp.add_argument("--limit", type=_positive, metavar="N",
                     help="import at most N images, taken evenly across labels")
    imp.add_argument("--exclude", action="append", metavar="GLOB",
                     help="leave out files matching GLOB (repeatable), e.g. dataset.jpg")
    imp.add_argument("--name", help="data-set name stored in each frame (default: DIR's name)")
    imp.add_argument("--verbose", action="store_true",
                     help="list every file not imported, not only a few per reason")
    _progress_options(imp)
    imp.set_defaults(run=run_import)
    fetch = actions.add_parser(
        "fetch", help="download a registered data set and verify its SHA-256",
        description="Download a data set from its public home once, check its SHA-256, "
        "unpack it into the cache and print the import command.",
        epilog="example: microfab data fetch magnetic-tile --cache ~/data\n\nexit status: 0 "
        "fetched; 2 an unknown NAME; 1 the download, its checksum or unpacking failed, or "
        "a pip data set is not installed.", formatter_class=argparse.RawDescriptionHelpFormatter)
    fetch.add_argument("name", metavar="NAME", help="a name from `microfab data list`")
    fetch.add_argument("--cache", metavar="DIR",
                       help="download folder (default: $MICROFAB_DATA or ~/.cache/microfab/"
                       "datasets)")
    _progress_options(fetch)
    fetch.set_defaults(run=run_fetch)
    lst = actions.add_parser("list", help="the registered data sets with licences",
                             description="Every data set `fetch` knows: source, SHA-256, "
                             "licence and the paper to cite.")
    lst.set_defaults(run=run_list)
