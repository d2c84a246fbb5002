"""`class-folder`: one folder per class with its images inside; no pixel masks.

    sorted/good/0001.png   sorted/scratch/0002.png   sorted/dent/more/0003.png
The label is the class folder's name as written; frames carry no defect_mask.
"""

from __future__ import annotations

import numpy as np

from .base import Importer, Item, Problem
from .files import is_image_file, list_files, read_image, rel, split_images_and_masks


class ClassFolderImporter(Importer):
    layout = "class-folder"
    description = "one folder per class, images inside; label = folder name; no masks"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        root = self.root
        files = list_files(root, self.exclude)
        problems = []
        for f in files:
            where = rel(f, root)
            if f.suffix.lower() == ".xml":
                problems.append(Problem(where, "a VOC annotation in a class-folder data set "
                                        "(mixed layout); import it with layout voc, or move "
                                        "the .xml files out"))
            elif is_image_file(f) and f.parent == root:
                problems.append(Problem(where, "a loose image at the data-set root, outside "
                                        "any class folder (mixed layout); move it into the "
                                        "folder of its class, or remove it"))
        images, masks = split_images_and_masks([f for f in files if f.parent != root])
        problems += [
            Problem(rel(m, root), "looks like a pixel mask (same stem as an image, in masks/, "
                    "or named *_mask); this is an image-mask data set: import it with layout "
                    "image-mask, or move the masks out")
            for m in sorted(masks)
        ]
        items = [Item(rel(f, root), f.relative_to(root).parts[0], {"image": f})
                 for f in images]
        return items, problems

    def load(self, item: Item) -> tuple[np.ndarray, None]:
        return read_image(item.paths["image"], self.root), None
