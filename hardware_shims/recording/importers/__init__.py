"""Importers: turn public defect data sets on disk into sessions that replay:// plays.

    from hardware_shims.recording.importers import import_dataset
    report = import_dataset("image-mask", Path("magnetic-tile"), Path("tiles.mcap"))
    print(report)                       # frames per label, skipped items, images/s
    open_camera(f"replay://{report.out.resolve()}")

Layouts: image-mask, class-folder, voc, yolo, elpv (see LAYOUTS). Every frame carries
`source` (the file relative to the data-set root), `part_id` (its stem), the label,
`extra["dataset"]`, light "unknown" and NaN exposure/gain (a data set does not say).
Image formats are told by content, never by file name; links are followed. By default
one bad file refuses the whole import (ImportProblems lists them all) and nothing is
written; skip_bad=True imports the rest and records what it skipped. A folder not laid
out as the layout expects raises LayoutError. Every file not imported is in the report
with its reason (skipped, ignored, left_out).
"""

from __future__ import annotations

from pathlib import Path

from .base import (
    Importer,
    ImportProblems,
    ImportReport,
    Item,
    LayoutError,
    Problem,
    SkippedItemsWarning,
    run_import,
)
from .class_folder import ClassFolderImporter
from .elpv import ElpvImporter
from .files import SIXTEEN_BIT_RULE
from .image_mask import ImageMaskImporter
from .voc import VocImporter
from .yolo import YoloImporter

LAYOUTS: dict[str, type[Importer]] = {
    cls.layout: cls
    for cls in (ImageMaskImporter, ClassFolderImporter, VocImporter, YoloImporter, ElpvImporter)
}

__all__ = ["LAYOUTS", "SIXTEEN_BIT_RULE", "ImportProblems", "ImportReport", "Importer", "Item",
           "LayoutError", "Problem", "SkippedItemsWarning", "import_dataset"]


def import_dataset(
    layout: str,
    root: str | Path | None,
    out: str | Path,
    skip_bad: bool = False,
    progress: bool | None = None,
    limit: int | None = None,
    *,
    exclude: tuple[str, ...] | list[str] = (),
    dataset: str | None = None,
) -> ImportReport:
    """Import the data set at `root` (laid out as `layout`) into the session file `out`.

    limit: import at most N images, dealt evenly across labels (a quick sample).
    exclude: glob patterns (relative to root, or file names) to leave out, e.g. "dataset.jpg".
    dataset: the name stored in extra["dataset"] (default: the root folder's name).
    progress: True/False shows/hides the bar; None shows it only on a terminal.
    Raises ImportProblems (nothing written) when any file is bad and skip_bad is False,
    LayoutError when the folder is not laid out as `layout` at all.
    """
    if layout not in LAYOUTS:
        raise ValueError(f"unknown data-set layout {layout!r}; pick one of "
                         f"{', '.join(LAYOUTS)}")
    importer_cls = LAYOUTS[layout]
    if root is None:
        root = importer_cls.default_root()
    root, out = Path(root), Path(out)
    if not root.is_dir():
        raise FileNotFoundError(f"data-set folder {root} does not exist or is not a folder; "
                                "check the path")
    if out.suffix != ".mcap":
        raise ValueError(f"session file {out} must end in .mcap, so replay:// can open it")
    if out.is_dir():
        raise IsADirectoryError(f"session file {out} is a folder; give a file name ending "
                                "in .mcap")
    importer = importer_cls(root, tuple(exclude))
    return run_import(importer, out, skip_bad=skip_bad, progress=progress, limit=limit,
                      dataset=dataset)
