"""`image-mask`: folders of images, each with a pixel mask of the same stem.

    magnetic-tile/MT_Crack/Imgs/exp1_num_249594.jpg   image
    magnetic-tile/MT_Crack/Imgs/exp1_num_249594.png   its mask (0/255)
    parts/scratch/images/0001.png + parts/scratch/masks/0001.png   also fine
The label is the class folder nearest the image, past images/ or Imgs/ (`MT_Free`, `good`,
`ok` -> "good", `MT_Crack` -> "crack"); with no class folder, a mask with any defect pixel
means "defect". Images and masks are told by content, paired by name and place.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .base import Importer, Item, Problem
from .files import (
    MASK_EXTS,
    class_folder,
    label_from_folder,
    mask_folders,
    mask_key,
    read_image,
    read_mask,
    rel,
    split_images_and_masks,
)


class ImageMaskImporter(Importer):
    layout = "image-mask"
    description = "images with same-stem masks (x.jpg + x.png, or masks/x.png); label = folder"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        root = self.root
        files = self.files()
        problems = [
            Problem(rel(f, root), "a VOC annotation in an image-mask data set (mixed layout); "
                    "import this data set with layout voc, or move the .xml files out",
                    "mixed layout")
            for f in files.others if f.suffix.lower() == ".xml"
        ]
        images, masks = split_images_and_masks(files.images, files.formats)
        by_key: dict[tuple, Path] = {}
        for m in sorted(masks, key=lambda m: (m.suffix.lower() != ".png", m)):  # .png first
            by_key.setdefault(mask_key(m), m)
        claimed = set()
        items = []
        for image in images:
            mask = next((by_key[k] for k in ((f, image.stem) for f in mask_folders(image))
                         if k in by_key), None)
            source = rel(image, root)
            if mask is None:
                # A lone x.png may be a mask whose x.jpg went missing: say both.
                orphan = (" If this file is itself a mask, its image is missing."
                          if image.suffix.lower() in MASK_EXTS else "")
                problems.append(Problem(source, (
                    f"no mask for this image (looked for {image.stem}.png or "
                    f"{image.stem}_mask.png beside it and in masks/); add the mask, or import "
                    f"with layout class-folder if this data set has no masks.{orphan}"),
                    "no mask"))
                continue
            claimed.add(mask)
            folder = class_folder(image, root)
            label = None if folder is None else label_from_folder(folder.rsplit("/", 1)[-1])
            items.append(Item(source, label, {"image": image, "mask": mask},
                              {"mask_source": rel(mask, root)}))
        problems += [
            Problem(rel(m, root), "a mask with no image of the same stem (x.jpg, x.png...) "
                    "beside it or above its masks/ folder; add the image or remove the mask",
                    "mask without image")
            for m in sorted(masks - claimed)
        ]
        return items, problems

    def load(self, item: Item) -> tuple[np.ndarray, np.ndarray]:
        image = read_image(item.paths["image"], self.root, item.extra)
        mask = read_mask(item.paths["mask"], self.root, image.shape, item.source)
        return image, mask
