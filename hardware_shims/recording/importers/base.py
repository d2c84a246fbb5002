"""What every importer shares: the validation report, the progress bar, writing, all-or-nothing.

A layout module only says how to find items (`scan`) and how to read one (`load`).
This module turns those into a session, and owns the rule: if any item is bad,
nothing is written unless the caller asked to skip bad items.
"""

from __future__ import annotations

import math
import time
import warnings
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar, NamedTuple

import numpy as np

from ...errors import ShimError
from ...frame import Frame
from .files import BadItem, rel

# The warning lists this many skipped items; the report and metadata keep all of them.
_WARN_LISTED = 50


class Problem(NamedTuple):
    """One bad file: where (relative to the data-set root) and what is wrong with it."""

    path: str
    reason: str

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


class ImportProblems(ShimError, ValueError):
    """The data set has bad items and skip_bad was not set: nothing was written."""

    def __init__(self, root: Path | str, problems: list[Problem], skipping: bool = False) -> None:
        self.root = str(root)
        self.problems = sorted(problems)
        listing = "\n".join(f"  {p}" for p in self.problems)
        hint = "" if skipping else (", or skip them with skip_bad=True (CLI: --skip-bad) to "
                                    "import the rest")
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
    """What an import wrote: frames per label, what it skipped, how long it took."""

    layout: str
    dataset: str
    out: Path
    counts: dict[str, int]
    skipped: list[Problem]
    elapsed_s: float
    licence: str | None = None
    citation: str | None = None

    @property
    def frames(self) -> int:
        return sum(self.counts.values())

    @property
    def images_per_s(self) -> float:
        return self.frames / self.elapsed_s if self.elapsed_s > 0 else math.inf

    def __str__(self) -> str:
        lines = [f"imported {self.frames} images of {self.dataset} ({self.layout}) into "
                 f"{self.out} in {self.elapsed_s:.1f} s ({self.images_per_s:.0f} images/s)"]
        lines += [f"  {label:<16} {n:>6}" for label, n in sorted(self.counts.items())]
        if self.skipped:
            lines.append(f"skipped {len(self.skipped)} bad item(s), listed in the session "
                         "metadata under 'skipped'")
        return "\n".join(lines)


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

    @classmethod
    def default_root(cls) -> Path:
        """Where the data set lives when no folder is given (installed packages only)."""
        raise ValueError(f"layout {cls.layout!r} needs the data set's folder (root)")

    def scan(self) -> tuple[list[Item], list[Problem]]:
        """All items, plus the problems visible without decoding (missing files, mixed layout)."""
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


def run_import(importer: Importer, out: Path, *, skip_bad: bool, progress: bool,
               limit: int | None, dataset: str | None = None) -> ImportReport:
    """Scan, read, validate and write; the session appears at `out` only when complete."""
    from tqdm.auto import tqdm  # deferred: only importing needs it

    from ..session import SessionWriter

    started = time.perf_counter()
    root, name = importer.root, dataset or importer.dataset_name()
    if limit is not None and limit < 1:
        raise ValueError(f"limit must be >= 1, got {limit}")
    items, problems = importer.scan()
    if not items and not problems:
        raise ImportProblems(root, [Problem(".", (
            f"no images found for layout {importer.layout!r}; check the folder, or pick "
            "another layout (image-mask, class-folder, voc, elpv)"))])
    items = select(items, limit)
    counts: Counter[str] = Counter()
    meta = {"dataset": name, "layout": importer.layout, "source_root": str(root)}
    meta.update({k: v for k, v in (("licence", importer.licence),
                                   ("citation", importer.citation)) if v})
    # Write beside `out` and rename at the end: a refused or interrupted import leaves nothing.
    partial = out.with_name(f".{out.name}.partial")
    writer = SessionWriter(partial, metadata=meta)
    try:
        with tqdm(total=len(items), desc=f"importing {name}", unit="image",
                  disable=not progress) as bar:
            for item in items:
                frame = _frame(importer, item, writer.frame_count, name, problems)
                # Once refused, keep validating (to list every problem) but stop writing.
                if frame is not None and (skip_bad or not problems):
                    writer.write_frame(frame)
                    counts[frame.label or "unlabelled"] += 1
                bar.update(1)
        if problems and not skip_bad:
            raise ImportProblems(root, problems)
        if not counts:
            raise ImportProblems(root, [*problems, Problem(".", "every item was bad; "
                                                            "nothing left to import")],
                                 skipping=True)
        skipped = sorted(problems)
        writer.metadata["skipped"] = [{"path": p.path, "reason": p.reason} for p in skipped]
        writer.metadata["label_counts"] = dict(sorted(counts.items()))
        writer.close()
        partial.replace(out)
    finally:
        writer.close()
        partial.unlink(missing_ok=True)
    if skipped:
        _warn_skipped(root, skipped)
    return ImportReport(importer.layout, name, out, dict(sorted(counts.items())), skipped,
                        time.perf_counter() - started, importer.licence, importer.citation)


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
        problems.append(Problem(item.source, str(exc)))
    except ValueError as exc:  # Frame's own checks: the file decoded to something odd
        problems.append(Problem(item.source, f"{exc}; re-export {item.source}"))
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


__all__ = ["BadItem", "ImportProblems", "ImportReport", "Importer", "Item", "Problem",
           "SkippedItemsWarning", "rel", "run_import", "select"]
