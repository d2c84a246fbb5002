"""Reading data-set files: image and mask decoding, finding files, naming labels.

Every failure raises BadItem with a reason that names the file, so the importer's
report can say which file is wrong and what to do about it.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Iterable
from pathlib import Path

import numpy as np

# What file:// reads; cv2 itself loads on the first decode, keeping the import cheap.
IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".webp"}
# Masks must be lossless: a JPEG mask smears its edges into grey levels.
MASK_EXTS = (".png", ".bmp", ".tif", ".tiff")
MASK_DIRS = {"masks", "mask"}
MASK_SUFFIX = "_mask"
# Folder names that hold files but say nothing about their class.
CONTAINER_DIRS = {"images", "image", "imgs", "img", "masks", "mask", "jpegimages"}
GOOD_NAMES = {"mt_free", "good", "ok"}
_JPEG_EOI = b"\xff\xd9"


class BadItem(Exception):
    """One data-set item cannot be imported; the message names the file and the fix."""


def rel(path: Path, root: Path) -> str:
    """A path as the report shows it: relative to the data-set root, with forward slashes."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return str(path)


def list_files(root: Path, exclude: Iterable[str] = ()) -> list[Path]:
    """Every file under `root`, sorted, minus hidden ones and `exclude` globs (relative)."""
    patterns = list(exclude)
    files = []
    # os.walk, not rglob: on a 3,000-file data set pathlib's parsing costs more than the disk.
    for folder, dirs, names in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        prefix = os.path.relpath(folder, root).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in names:
            if name.startswith(".") or any(
                fnmatch.fnmatch(prefix + name, p) or fnmatch.fnmatch(name, p) for p in patterns
            ):
                continue
            files.append(Path(folder, name))
    return sorted(files)


def is_image_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_EXTS


def label_from_folder(name: str) -> str:
    """`MT_Free`, `good`, `ok` -> "good"; `MT_Crack` -> "crack"; `Scratch` -> "scratch"."""
    lowered = name.lower()
    if lowered in GOOD_NAMES:
        return "good"
    return lowered.removeprefix("mt_")


def class_folder(path: Path, root: Path) -> str | None:
    """The first folder below `root` that names a class (skipping images/, masks/...)."""
    for part in path.relative_to(root).parts[:-1]:
        if part.lower() not in CONTAINER_DIRS:
            return part
    return None


def _read_bytes(path: Path, root: Path) -> np.ndarray:
    try:
        data = np.fromfile(path, dtype=np.uint8)
    except OSError as exc:
        where = rel(path, root)
        raise BadItem(f"cannot read {where} ({exc.strerror}); check its permissions") from exc
    if data.size == 0:
        raise BadItem(f"{rel(path, root)} is empty (0 bytes); replace or remove it")
    return data


def _decode(path: Path, root: Path) -> np.ndarray:
    import cv2

    data = _read_bytes(path, root)
    image = cv2.imdecode(data, cv2.IMREAD_UNCHANGED)
    # libjpeg decodes a cut-off JPEG as grey rows without failing; the end marker tells.
    truncated = path.suffix.lower() in (".jpg", ".jpeg") and _JPEG_EOI not in data[-64:].tobytes()
    if image is None or truncated:
        raise BadItem(
            f"cannot decode {rel(path, root)}: the file is truncated, corrupt or not an "
            "image; replace it with a good copy or remove it"
        )
    return image


def read_image(path: Path, root: Path) -> np.ndarray:
    """An image as a Frame takes it: uint8, HxW mono or HxWx3 BGR."""
    image = _decode(path, root)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)  # 16-bit camera files: keep the top 8 bits
    if image.dtype != np.uint8:
        raise BadItem(
            f"{rel(path, root)} has {image.dtype} pixels; convert it to 8-bit (or 16-bit) first"
        )
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]  # drop alpha: cameras do not produce it
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return np.ascontiguousarray(image)


def binarise(mask: np.ndarray) -> np.ndarray:
    """Any mask as 0/255 uint8: colour masks by their brightest channel, 0/1 masks scaled.

    Masks saved after resizing carry grey edge pixels; the half-way threshold keeps
    the defect's extent as drawn.
    """
    if mask.ndim == 3:
        mask = mask.max(axis=2)
    if mask.dtype.kind == "f":
        defect = mask >= 0.5
    elif mask.max(initial=0) <= 1:
        defect = mask > 0
    else:
        defect = mask >= (int(np.iinfo(mask.dtype).max) + 1) // 2
    return np.where(defect, np.uint8(255), np.uint8(0))


def read_mask(path: Path, root: Path, image_shape: tuple[int, ...], image_name: str) -> np.ndarray:
    """A mask file as 0/255, checked to be the size of its image."""
    mask = _decode(path, root)
    if mask.shape[:2] != image_shape[:2]:
        (mh, mw), (ih, iw) = mask.shape[:2], image_shape[:2]
        raise BadItem(
            f"mask {rel(path, root)} is {mw}x{mh} px but image {image_name} is {iw}x{ih} px; "
            "re-export the mask at the image size"
        )
    return binarise(mask)


def mask_folders(image: Path) -> list[Path]:
    """Where an image's mask may live: beside it, in masks/ below it, or in a sibling masks/."""
    below = [image.parent / d for d in sorted(MASK_DIRS)]
    return [image.parent, *below, *(image.parent.parent / d for d in sorted(MASK_DIRS))]


def mask_key(mask: Path) -> tuple[Path, str]:
    """(folder, image stem) a mask answers to: x.png and x_mask.png both belong to x."""
    return mask.parent, mask.stem.removesuffix(MASK_SUFFIX)


def split_images_and_masks(files: list[Path]) -> tuple[list[Path], set[Path]]:
    """Tell masks from images among image-extension files by name and place.

    A mask is in a masks/ folder, ends in `_mask`, or is the lossless same-stem
    partner of a JPEG (x.jpg + x.png).
    """
    present = [f for f in files if is_image_file(f)]
    jpegs = {(f.parent, f.stem) for f in present if f.suffix.lower() in (".jpg", ".jpeg")}
    masks = {
        f for f in present
        if f.parent.name.lower() in MASK_DIRS or f.stem.endswith(MASK_SUFFIX)
        or (f.suffix.lower() in MASK_EXTS and (f.parent, f.stem) in jpegs)
    }
    return [f for f in present if f not in masks], masks
