"""`yolo`: YOLO (Ultralytics, Darknet) detection and segmentation labels.

    images/train/0001.jpg   labels/train/0001.txt   data.yaml (names: [crack, dent])
    train/images/0001.jpg   train/labels/0001.txt   classes.txt      (also fine)
Each image's label file is its path with the last images/ replaced by labels/ and .txt.
A line is a box `class cx cy w h` or a polygon `class x1 y1 x2 y2 x3 y3 ...`, all
coordinates fractions of the image's width and height. Class names come from data.yaml
(`names`, a list or an {id: name} map) or else classes.txt (one name a line).
Label: the first object's class (all of them in extra["classes"]); an image with an empty
label file, or none, is "good". defect_mask: boxes filled as rectangles, polygons filled.
extra["objects"]: [{"class", "box": [cx, cy, w, h]} or {"class", "polygon": [x1, y1, ...]}].
"""

from __future__ import annotations

import math
from pathlib import Path, PurePosixPath

import numpy as np

from .base import Importer, Item, LayoutError, Problem
from .files import read_image, rel
from .problems import BadItem

IMAGES, LABELS = "images", "labels"
SPLITS = {"train", "val", "valid", "test"}
YAML_NAMES = ("data.yaml", "data.yml", "dataset.yaml", "dataset.yml")
LIST_NAMES = ("classes.txt", "obj.names", "classes.names")
EXPECTED = ("expected images/ and labels/ side by side (images/train/x.jpg with "
            "labels/train/x.txt, or train/images/x.jpg with train/labels/x.txt) and a "
            "data.yaml or classes.txt naming the classes")


class YoloImporter(Importer):
    layout = "yolo"
    description = "YOLO: images/ + labels/*.txt boxes or polygons; names from data.yaml"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        root = self.root
        files = self.files()
        self.names, names_file = self._class_names(files.others)
        labelled = [f for f in files.images if IMAGES in f.relative_to(root).parts]
        if not labelled:
            raise LayoutError(f"no images/ folder with images in {root}; {EXPECTED}")
        problems = [
            Problem(rel(f, root), "an image outside any images/ folder (mixed layout); move it "
                    "into images/ beside its labels/ file, or remove it", "mixed layout")
            for f in files.images if IMAGES not in f.relative_to(root).parts
        ]
        label_files = {rel(f, root): f for f in files.others if f.suffix == ".txt"
                       and LABELS in f.relative_to(root).parts and f.name not in LIST_NAMES}
        items = []
        for image in labelled:
            where = label_path(rel(image, root))
            note = label_files.pop(where, None)
            try:
                items.append(self._item(image, note, names_file))
            except BadItem as exc:
                problems.append(Problem(where, str(exc), exc.kind))
                self.used.add(image)  # refused with its label file, not passed over
        problems += [
            Problem(where, "a label file with no image (looked for the same name under "
                    "images/ with any image extension); add the image or remove the label",
                    "label without image")
            for where in sorted(label_files)
        ]
        return items, problems

    def _class_names(self, others: list[Path]) -> tuple[dict[int, str], str]:
        """Class id -> name from data.yaml, else classes.txt; which file said so."""
        root = self.root
        yamls = [f for f in others if f.parent == root and f.suffix in (".yaml", ".yml")]
        lists = [f for f in others if f.name in LIST_NAMES]
        preferred = [f for f in yamls if f.name in YAML_NAMES]
        chosen = (preferred or yamls or lists)[:1]
        if not chosen:
            raise LayoutError(f"no data.yaml or classes.txt in {root} names the classes; "
                              f"{EXPECTED}")
        source = chosen[0]
        if source.suffix in (".yaml", ".yml"):
            names = _yaml_names(source, root)
        else:
            names = _list_names(source, root)
            differing = [rel(f, root) for f in lists[1:] if _list_names(f, root) != names]
            if differing:
                raise LayoutError(f"{rel(source, root)} and {', '.join(differing)} name "
                                  "different classes; keep one list, or add a data.yaml")
        self.used.update(yamls + lists)
        self.notes.append(f"class names: from {rel(source, root)} ({len(names)} classes: "
                          f"{', '.join(names[k] for k in sorted(names))[:80]})")
        return names, rel(source, root)

    def _item(self, image: Path, note: Path | None, names_file: str) -> Item:
        source = rel(image, self.root)
        parts = PurePosixPath(source).parts
        extra: dict = {}
        split = next((p for p in parts[:-1] if p in SPLITS), None)
        if split:
            extra["split"] = split
        if note is None:  # no label file: nothing found on the part
            return Item(source, "good", {"image": image}, {**extra, "objects": []})
        objects = parse_labels(note, rel(note, self.root), self.names, names_file)
        classes = list(dict.fromkeys(o["class"] for o in objects))
        extra.update(objects=objects, annotation=rel(note, self.root))
        if len(classes) > 1:
            extra["classes"] = classes
        return Item(source, classes[0] if classes else "good",
                    {"image": image, "annotation": note}, extra)

    def load(self, item: Item) -> tuple[np.ndarray, np.ndarray]:
        image = read_image(item.paths["image"], self.root, item.extra)
        return image, defect_mask(item.extra["objects"], image.shape[:2])


def label_path(image: str) -> str:
    """labels/.../x.txt for images/.../x.jpg: the last images/ becomes labels/ (Ultralytics)."""
    parts = list(PurePosixPath(image).parts)
    last = len(parts) - 1 - parts[::-1].index(IMAGES)
    parts[last] = LABELS
    return str(PurePosixPath(*parts).with_suffix(".txt"))


def parse_labels(path: Path, where: str, names: dict[int, str], names_file: str) -> list[dict]:
    """Every object in a label file; a bad line raises BadItem naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise BadItem(f"cannot read {where} ({exc}); fix or regenerate it",
                      "bad label file") from exc
    objects = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        at = f"{where} line {n} ({line.strip()[:60]!r})"
        fields = line.split()
        try:
            values = [float(v) for v in fields]
        except ValueError:
            raise BadItem(f"{at}: not all numbers; a YOLO line is 'class cx cy w h' or "
                          "'class x1 y1 x2 y2 x3 y3 ...'", "bad label line") from None
        objects.append(_object(values, at, names, names_file))
    return objects


def _object(values: list[float], at: str, names: dict[int, str], names_file: str) -> dict:
    if len(values) == 6:
        raise BadItem(f"{at}: six numbers, like a prediction with a confidence; a label is "
                      "'class cx cy w h' (a box) or 'class x1 y1 ... x3 y3 ...' (a polygon)",
                      "bad label line")
    if len(values) != 5 and (len(values) < 7 or len(values) % 2 == 0):
        raise BadItem(f"{at}: {len(values)} numbers; a label is 'class cx cy w h' (a box) or "
                      "'class x1 y1 x2 y2 x3 y3 ...' (a polygon of 3 or more points)",
                      "bad label line")
    class_id, coords = values[0], values[1:]
    if class_id < 0 or not class_id.is_integer():
        raise BadItem(f"{at}: class id {class_id:g} is not a whole number >= 0",
                      "bad label line")
    if class_id not in names:
        raise BadItem(f"{at}: class id {int(class_id)} has no name in {names_file} (it names "
                      f"ids {_id_range(names)}); add the name there or fix the label",
                      "unknown class id")
    if not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in coords):
        raise BadItem(f"{at}: coordinates outside 0..1; YOLO labels are fractions of the "
                      "image's width and height (pixel coordinates must be divided by them)",
                      "bad label line")
    name = names[int(class_id)]
    if len(values) == 5:
        return {"class": name, "box": coords}
    return {"class": name, "polygon": coords}


def _id_range(names: dict[int, str]) -> str:
    ids = sorted(names)
    return f"{ids[0]}-{ids[-1]}" if ids == list(range(ids[0], ids[-1] + 1)) else \
        ", ".join(map(str, ids))


def defect_mask(objects: list[dict], shape: tuple[int, int]) -> np.ndarray:
    """0/255 mask: a box covers pixels [round(x0 * W), round(x1 * W)), likewise in y; a
    polygon is filled through its vertices (x * W, y * H) rounded, its edges included."""
    import cv2

    height, width = shape
    mask = np.zeros((height, width), np.uint8)
    for obj in objects:
        if "box" in obj:
            cx, cy, w, h = obj["box"]
            x0, x1 = _span(cx - w / 2, cx + w / 2, width)
            y0, y1 = _span(cy - h / 2, cy + h / 2, height)
            mask[y0:y1, x0:x1] = 255
        else:
            # Drawn as Ultralytics' polygon2mask draws it: vertices rounded, edges included.
            xy = np.asarray(obj["polygon"], np.float64).reshape(-1, 2) * (width, height)
            cv2.fillPoly(mask, [np.round(xy).astype(np.int32)], 255)
    return mask


def _span(start: float, end: float, size: int) -> tuple[int, int]:
    """Pixel range [a, b) a box edge pair covers, at least one pixel, clipped to the image."""
    a = min(max(round(start * size), 0), size - 1)
    b = min(max(round(end * size), a + 1), size)
    return a, b


def _yaml_names(path: Path, root: Path) -> dict[int, str]:
    import yaml

    where = rel(path, root)
    try:
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise LayoutError(f"cannot read {where} ({exc}); fix its YAML") from exc
    names = document.get("names") if isinstance(document, dict) else None
    if isinstance(names, list):
        names = dict(enumerate(names))
    if not isinstance(names, dict) or not names or not all(
            isinstance(k, int) and k >= 0 for k in names):
        raise LayoutError(f"{where} has no usable `names`: give a list (names: [crack, dent]) "
                          "or a map of class ids to names (names: {0: crack, 1: dent})")
    count = document.get("nc")
    if count is not None and count != len(names):
        raise LayoutError(f"{where} says nc: {count} but names {len(names)} classes; make "
                          "them agree")
    return {k: str(v) for k, v in names.items()}


def _list_names(path: Path, root: Path) -> dict[int, str]:
    """Line N (from 0) names class N; a blank line inside the list would shift every id."""
    try:
        lines = path.read_text(encoding="utf-8").rstrip().splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise LayoutError(f"cannot read {rel(path, root)} ({exc}); fix it") from exc
    names = [line.strip() for line in lines]
    if not names or not all(names):
        raise LayoutError(f"{rel(path, root)} must name one class a line, from class 0, with "
                          "no blank lines in between")
    return dict(enumerate(names))
