"""`voc`: Pascal VOC detection folders (the layout of NEU-DET, GC10-DET, PKU-Market-PCB...).

    JPEGImages/0001.jpg   Annotations/0001.xml   ImageSets/Main/train.txt (optional)
Label: the object class (the first one when several, all of them in extra["classes"]);
an image with no objects is "good". Boxes go to extra["boxes"] as [xmin, ymin, xmax, ymax,
class] in VOC's 1-based pixel coordinates, and the defect_mask is the union of the boxes.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np

from .base import Importer, Item, LayoutError, Problem
from .files import BadItem, read_image, rel

IMAGES, ANNOTATIONS, SETS = "JPEGImages", "Annotations", "ImageSets/Main"
# VOC folders that may hold images besides JPEGImages/ (segmentation ground truth).
_OTHER_IMAGE_DIRS = ("SegmentationClass", "SegmentationObject")
_COORDS = ("xmin", "ymin", "xmax", "ymax")


class VocImporter(Importer):
    layout = "voc"
    description = "Pascal VOC: JPEGImages/ + Annotations/*.xml; boxes -> extra + defect_mask"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        root = self.root
        missing = [d for d in (IMAGES, ANNOTATIONS) if not (root / d).is_dir()]
        if missing:
            found = sorted(p.name + "/" for p in root.iterdir() if p.is_dir()) \
                if root.is_dir() else []
            raise LayoutError(f"{root} is not a Pascal VOC folder: no {' or '.join(missing)}/ "
                              f"here (found: {', '.join(found) or 'no folders'}); point at "
                              "the folder that holds JPEGImages/ and Annotations/, or pick "
                              "another layout (image-mask, class-folder, yolo)")
        files = self.files()
        problems = [
            Problem(rel(f, root), f"an image outside {IMAGES}/ (mixed layout); move it into "
                    f"{IMAGES}/ with an annotation, or remove it", "mixed layout")
            for f in files.images
            if f.relative_to(root).parts[0] not in (IMAGES, *_OTHER_IMAGE_DIRS)
        ]
        images = {f.stem: f for f in files.images if f.parent == root / IMAGES}
        notes = {f.stem: f for f in files.others if f.suffix.lower() == ".xml"
                 and f.parent == root / ANNOTATIONS}
        splits = self._splits(files.others)
        ids = sorted(splits) if splits else sorted(images.keys() | notes.keys())
        items = []
        for stem in ids:
            image, note = images.get(stem), notes.get(stem)
            if image is None:
                problems.append(Problem(f"{ANNOTATIONS}/{stem}.xml", (
                    f"no image {IMAGES}/{stem}.jpg (or .png...) for this annotation"
                    + (" listed in ImageSets/Main" if splits else "")
                    + "; add the image or drop the entry"), "annotation without image"))
            elif note is None:
                problems.append(Problem(rel(image, root), (
                    f"no annotation {ANNOTATIONS}/{stem}.xml for this image; add one (an "
                    "annotation with no <object> marks a good part) or remove the image"),
                    "no annotation"))
            else:
                try:
                    items.append(self._item(image, note, splits.get(stem)))
                except BadItem as exc:
                    problems.append(Problem(rel(note, root), str(exc), exc.kind))
                    self.used.add(image)  # refused with its annotation, not passed over
        return items, problems

    def _splits(self, files: list[Path]) -> dict[str, list[str]]:
        """id -> the ImageSets/Main lists (train, val...) that name it; {} without ImageSets."""
        lists = [f for f in files if f.parent == self.root / SETS and f.suffix == ".txt"]
        # train.txt, val.txt...; per-class lists (crack_train.txt) only when there is no other.
        plain = [f for f in lists if "_" not in f.stem] or lists
        self.used.update(plain)
        splits: dict[str, list[str]] = {}
        for f in plain:
            for line in f.read_text().splitlines():
                if line.split():
                    splits.setdefault(line.split()[0], []).append(f.stem)
        return splits

    def _item(self, image: Path, note: Path, splits: list[str] | None) -> Item:
        where = rel(note, self.root)
        try:
            tree = ET.parse(note).getroot()
        except (ET.ParseError, OSError) as exc:
            raise BadItem(f"cannot parse {where} ({exc}); fix or regenerate it",
                          "bad annotation") from exc
        boxes = []
        for obj in tree.iter("object"):
            name, box = obj.findtext("name"), obj.find("bndbox")
            try:
                coords = [round(float(box.findtext(k))) for k in _COORDS]  # type: ignore
            except (AttributeError, TypeError, ValueError):
                raise BadItem(f"an <object> in {where} lacks a class <name> or a numeric "
                              "<bndbox> xmin/ymin/xmax/ymax; fix the annotation",
                              "bad annotation") from None
            if not name:
                raise BadItem(f"an <object> in {where} has no class <name>; fix the annotation",
                              "bad annotation")
            boxes.append([*coords, name.strip()])
        classes = list(dict.fromkeys(b[4] for b in boxes))
        extra: dict = {"boxes": boxes, "annotation": where}
        if len(classes) > 1:
            extra["classes"] = classes
        if splits:
            extra["splits"] = splits
        size = tree.find("size")
        if size is not None and size.findtext("width") and size.findtext("height"):
            try:
                extra["annotated_size"] = [int(float(size.findtext(k)))  # type: ignore
                                           for k in ("width", "height")]
            except ValueError:
                raise BadItem(f"<size> in {where} is not numeric; fix the annotation",
                              "bad annotation") from None
        label = classes[0] if classes else "good"
        return Item(rel(image, self.root), label, {"image": image, "annotation": note}, extra)

    def load(self, item: Item) -> tuple[np.ndarray, np.ndarray]:
        image = read_image(item.paths["image"], self.root, item.extra)
        height, width = image.shape[:2]
        note = item.extra["annotation"]
        size = item.extra.get("annotated_size")
        if size is not None and size != [width, height]:
            raise BadItem(f"{note} says the image is {size[0]}x{size[1]} px but "
                          f"{item.source} is {width}x{height} px; fix <size> or the image",
                          "size mismatch")
        mask = np.zeros((height, width), np.uint8)
        for xmin, ymin, xmax, ymax, name in item.extra["boxes"]:
            # VOC counts pixels from 1 and includes xmax; some tools write 0-based boxes.
            if not (0 <= xmin <= xmax <= width and 0 <= ymin <= ymax <= height):
                raise BadItem(f"box {[xmin, ymin, xmax, ymax]} ({name}) in {note} lies outside "
                              f"the {width}x{height} px image {item.source}; fix the box",
                              "box outside image")
            mask[max(ymin - 1, 0):ymax, max(xmin - 1, 0):xmax] = 255
        return image, mask
