"""What every importer shares: the validation report, the progress bar, writing, all-or-nothing.

A layout module only says how to find items (`scan`) and how to read one (`load`).
This module turns those into a session, and owns two rules: if any item is bad,
nothing is written unless the caller asked to skip bad items; and every file of the
data set is accounted for, imported, refused, skipped or left out with its reason.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import numpy as np

from ...errors import ShimError
from ...frame import Frame, pixel_format
from .files import Sorted, sort_by_content
from .licence import LicenceNote, find_licence
from .problems import BadItem, LayoutError, Problem
from .summary import summary
from .walk import Listing, rel, walk

# The warning lists this many skipped items; the report and metadata keep all of them.
_WARN_LISTED = 50


class ImportProblems(ShimError, ValueError):
    """The data set has bad items and skip_bad was not set: nothing was written."""

    def __init__(self, root: Path | str, problems: list[Problem], skipping: bool = False) -> None:
        self.root = str(root)
        self.problems = sorted(problems)
        self.skipping = skipping
        listing = "\n".join(f"  {p}" for p in self.problems)
        hint = "" if skipping else ", or import the rest with skip_bad=True"
        super().__init__(
            f"{len(self.problems)} problem(s) in data set {self.root}; nothing was written:\n"
            f"{listing}\nFix or remove these files{hint}."
        )


class SkippedItemsWarning(UserWarning):
    """skip_bad=True left some items out; they are listed in the session metadata."""


@dataclass
class Item:
    """One image to import, found by a layout's scan()."""

    source: str  # path relative to the data-set root, as the frame's `source`
    label: str | None
    paths: dict[str, Path] = field(default_factory=dict)  # "image", "mask", "annotation"...
    extra: dict = field(default_factory=dict)


@dataclass
class ImportReport:
    """What an import wrote: frames per label, what it skipped and why, how long it took.

    skipped: bad items left out under skip_bad; ignored: files that are no item of the
    layout (hidden, excluded, not images, not used); left_out: items over `limit`.
    """

    layout: str
    dataset: str
    out: Path
    counts: dict[str, int]
    skipped: list[Problem]
    elapsed_s: float
    licence: str | None = None
    citation: str | None = None
    ignored: list[Problem] = field(default_factory=list)
    left_out: list[Problem] = field(default_factory=list)
    pixel_formats: dict[str, int] = field(default_factory=dict)
    converted: dict[str, int] = field(default_factory=dict)  # rule -> images converted by it
    licence_note: LicenceNote | None = None  # a licence file found in the data-set folder
    notes: list[str] = field(default_factory=list)  # what the layout read (class names...)

    @property
    def frames(self) -> int:
        return sum(self.counts.values())

    @property
    def images_per_s(self) -> float:
        return self.frames / self.elapsed_s if self.elapsed_s > 0 else math.inf

    def __str__(self) -> str:
        return summary(self)


class Importer:
    """One data-set layout. Subclasses set `layout` and implement scan() and load()."""

    layout: ClassVar[str] = ""
    description: ClassVar[str] = ""
    needs_root: ClassVar[bool] = True
    licence: ClassVar[str | None] = None
    citation: ClassVar[str | None] = None

    def __init__(self, root: Path, exclude: tuple[str, ...] = ()) -> None:
        self.root = root
        self.exclude = exclude
        self.listing = Listing()
        self.used: set[Path] = set()  # files read besides items' own (data.yaml, lists...)
        self.notes: list[str] = []  # said in the summary: where class names came from...

    def files(self) -> Sorted:
        """The data set's files, walked once (links followed) and told apart by content."""
        self.listing = walk(self.root, self.exclude)
        return sort_by_content(self.listing.files)

    @classmethod
    def default_root(cls) -> Path:
        """Where the data set lives when no folder is given (installed packages only)."""
        raise ValueError(f"layout {cls.layout!r} needs the data set's folder (root)")

    def scan(self) -> tuple[list[Item], list[Problem]]:
        """All items, plus the problems visible without decoding (missing files, mixed layout).

        Raises LayoutError when the folder is not laid out this way at all.
        """
        raise NotImplementedError

    def load(self, item: Item) -> tuple[np.ndarray, np.ndarray | None]:
        """Pixels and 0/255 mask (or None) of one item; raises BadItem naming the file."""
        raise NotImplementedError

    def dataset_name(self) -> str:
        return self.root.resolve().name


def select(items: list[Item], limit: int | None) -> list[Item]:
    """At most `limit` items, dealt round-robin across labels so every class appears."""
    if limit is None or limit >= len(items):
        return items
    by_label: dict[str | None, list[int]] = {}
    for i, item in enumerate(items):
        by_label.setdefault(item.label, []).append(i)
    queues = [by_label[k] for k in sorted(by_label, key=lambda k: (k is None, k or ""))]
    chosen: list[int] = []
    while len(chosen) < limit:
        for queue in queues:
            if queue and len(chosen) < limit:
                chosen.append(queue.pop(0))
    return [items[i] for i in sorted(chosen)]  # keep the data set's own order


def run_import(importer: Importer, out: Path, *, skip_bad: bool, progress: bool | None,
               limit: int | None, dataset: str | None = None) -> ImportReport:
    """Scan, read, validate and write; the session appears at `out` only when complete.

    progress None shows the bar only when stderr is a terminal (tqdm's rule), never in a pipe.
    """
    from tqdm.auto import tqdm  # deferred: only importing needs it

    from ..session import SessionWriter

    started = time.perf_counter()
    root, name = importer.root, dataset or importer.dataset_name()
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    found, problems = importer.scan()
    problems = [*importer.listing.problems, *problems]
    if not found and not problems:
        raise LayoutError(f"no images found in {root} for layout {importer.layout!r}; check "
                          "the folder, or pick another layout (image-mask, class-folder, voc, "
                          "yolo, elpv)")
    ignored = _unaccounted(importer, found, problems)
    items = select(found, limit)
    chosen = {id(item) for item in items}
    left_out = [Problem(item.source, "over the --limit sample", "left out by --limit")
                for item in found if id(item) not in chosen]
    counts: Counter[str] = Counter()
    formats: Counter[str] = Counter()
    converted: Counter[str] = Counter()
    meta = {"dataset": name, "layout": importer.layout, "source_root": str(root)}
    meta.update({k: v for k, v in (("licence", importer.licence),
                                   ("citation", importer.citation)) if v})
    # Write beside `out` and rename at the end: a refused or interrupted import leaves nothing.
    partial = out.with_name(f".{out.name}.partial")
    writer = SessionWriter(partial, metadata=meta)
    try:
        with tqdm(total=len(items), desc=f"importing {name}", unit="image",
                  disable=None if progress is None else not progress) as bar:
            for item in items:
                frame = _frame(importer, item, writer.frame_count, name, problems)
                # Once refused, keep validating (to list every problem) but stop writing.
                if frame is not None and (skip_bad or not problems):
                    writer.write_frame(frame)
                    counts[frame.label or "unlabelled"] += 1
                    formats[pixel_format(frame.image)] += 1
                    if "converted" in frame.extra:
                        converted[frame.extra["converted"]] += 1
                bar.update(1)
        if problems and not skip_bad:
            raise ImportProblems(root, problems)
        if not counts:
            raise ImportProblems(root, [*problems, Problem(".", "every item was bad; "
                                                            "nothing left to import")],
                                 skipping=True)
        skipped = sorted(problems)
        writer.metadata["skipped"] = [{"path": p.path, "reason": p.reason} for p in skipped]
        writer.metadata["ignored"] = [{"path": p.path, "reason": p.reason} for p in ignored]
        writer.metadata["label_counts"] = dict(sorted(counts.items()))
        writer.close()
        partial.replace(out)
    finally:
        writer.close()
        partial.unlink(missing_ok=True)
    if skipped:
        _warn_skipped(root, skipped)
    return ImportReport(importer.layout, name, out, dict(sorted(counts.items())), skipped,
                        time.perf_counter() - started, importer.licence, importer.citation,
                        ignored=ignored, left_out=left_out, pixel_formats=dict(formats),
                        converted=dict(converted), licence_note=find_licence(root),
                        notes=importer.notes)


def _unaccounted(importer: Importer, items: list[Item], problems: list[Problem]
                 ) -> list[Problem]:
    """Files no item, problem or layout rule took: hidden, excluded, or not used, each with why."""
    root = importer.root
    taken = {rel(p, root) for item in items for p in item.paths.values()}
    taken |= {p.path for p in problems} | {rel(p, root) for p in importer.used}
    ignored = list(importer.listing.ignored)
    for f in importer.listing.files:
        where = rel(f, root)
        if where in taken:
            continue
        if f.name.upper().startswith(("LICENSE", "LICENCE", "COPYING", "README")):
            ignored.append(Problem(where, "documentation, not data", "licence or readme"))
        elif f.suffix.lower() in (".xml", ".txt", ".yaml", ".yml", ".csv", ".json"):
            ignored.append(Problem(where, f"not read by the {importer.layout} layout",
                                   f"annotation or list the {importer.layout} layout does "
                                   "not read"))
        else:
            ignored.append(Problem(where, f"not used by the {importer.layout} layout",
                                   f"file the {importer.layout} layout does not use"))
    return sorted(ignored)


def _frame(importer: Importer, item: Item, index: int, dataset: str,
           problems: list[Problem]) -> Frame | None:
    try:
        image, mask = importer.load(item)
        label = item.label
        if label is None and mask is not None:
            label = "defect" if mask.any() else "good"  # no class folder: the mask decides
        return Frame(image=image, index=index, source=item.source,
                     part_id=Path(item.source).stem, label=label, defect_mask=mask,
                     extra={"dataset": dataset, **item.extra})
    except BadItem as exc:
        problems.append(Problem(item.source, str(exc), exc.kind))
    except ValueError as exc:  # Frame's own checks: the file decoded to something odd
        problems.append(Problem(item.source, f"{exc}; re-export {item.source}", "odd pixels"))
    return None


def _warn_skipped(root: Path, skipped: list[Problem]) -> None:
    listed = "\n".join(f"  {p}" for p in skipped[:_WARN_LISTED])
    more = len(skipped) - _WARN_LISTED
    tail = f"\n  ... and {more} more" if more > 0 else ""
    warnings.warn(
        f"skipped {len(skipped)} bad item(s) of {root} (listed in the session metadata "
        f"'skipped' and ImportReport.skipped):\n{listed}{tail}",
        SkippedItemsWarning, stacklevel=4,  # the caller of import_dataset()
    )


__all__ = ["BadItem", "ImportProblems", "ImportReport", "Importer", "Item",
           "LayoutError", "Problem", "SkippedItemsWarning", "rel", "run_import", "select"]
