"""`class-folder`: one folder per class with its images inside; no pixel masks.

    sorted/good/0001.png   sorted/scratch/0002.png   sorted/dent/images/0003.png
The label is the name of the folder directly holding the image, as written (an images/ or
Imgs/ folder in between is passed over). Every class folder sits at the same depth, and
there are at least two: anything else is ambiguous and refused, naming the folders found.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from .base import Importer, Item, LayoutError, Problem
from .files import class_folder, read_image, rel, split_images_and_masks

EXPECTED = ("expected DIR/<class>/<image>: each image in a folder named after its class, "
            "every class folder at the same depth, at least two classes (e.g. good/ and "
            "scratch/)")
_LISTED = 8  # folders named in a layout error


class ClassFolderImporter(Importer):
    layout = "class-folder"
    description = "one folder per class, images inside; label = that folder's name; no masks"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        root = self.root
        files = self.files()
        problems = [
            Problem(rel(f, root), "a VOC annotation in a class-folder data set (mixed layout); "
                    "import it with layout voc, or move the .xml files out", "mixed layout")
            for f in files.others if f.suffix.lower() == ".xml"
        ]
        images, masks = split_images_and_masks(files.images, files.formats)
        problems += [
            Problem(rel(m, root), "looks like a pixel mask (same stem as an image, in masks/, "
                    "or named *_mask); this is an image-mask data set: import it with layout "
                    "image-mask, or move the masks out", "mixed layout")
            for m in sorted(masks)
        ]
        placed = [(f, class_folder(f, root)) for f in images]
        loose = [f for f, folder in placed if folder is None]
        folders = Counter(folder for _, folder in placed if folder is not None)
        self._check_layout(folders, loose)
        problems += [
            Problem(rel(f, root), "a loose image outside any class folder (mixed layout); "
                    "move it into the folder of its class, or remove it", "mixed layout")
            for f in loose
        ]
        items = [Item(rel(f, root), folder.rsplit("/", 1)[-1], {"image": f})
                 for f, folder in placed if folder is not None]
        return items, problems

    def _check_layout(self, folders: Counter[str], loose: list) -> None:
        where = f"class-folder layout in {self.root}"
        if not folders and loose:
            raise LayoutError(f"{where}: all {len(loose)} images sit directly in the folder, "
                              f"in no class folder; {EXPECTED}. If this folder is itself one "
                              "class, give the folder above it")
        depths = {folder.count("/") for folder in folders}
        if len(depths) > 1:
            raise LayoutError(f"{where} is ambiguous: images sit in folders at different "
                              f"depths: {_listing(folders)}; {EXPECTED}. Move the images, or "
                              "leave folders out with --exclude")
        if len(folders) == 1:
            raise LayoutError(f"{where} found one class folder only, {_listing(folders)}; "
                              f"{EXPECTED}. If that folder is all there is, import it with "
                              "the other classes, or use layout image-mask if it has masks")

    def load(self, item: Item) -> tuple[np.ndarray, None]:
        return read_image(item.paths["image"], self.root, item.extra), None


def _listing(folders: Counter[str]) -> str:
    shown = ", ".join(f"{folder}/ ({n} image{'s' if n > 1 else ''})"
                      for folder, n in sorted(folders.items())[:_LISTED])
    more = len(folders) - _LISTED
    return shown + (f" and {more} more" if more > 0 else "")
