"""Reading data-set files: which files are images (by content), decoding, masks, class names.

Every failure raises BadItem with a reason that names the file, so the importer's
report can say which file is wrong and what to do about it.

Pixels, as a Frame takes them:
- a file stored grey (grey, grey+alpha, a palette of greys) comes back Mono8: HxW uint8;
- a file stored in colour comes back BGR8: HxWx3 uint8 (alpha dropped), even if grey-looking;
- 16-bit files are converted by one stated rule, SIXTEEN_BIT_RULE: keep the top 8 bits
  (value >> 8), as a camera's Mono16 -> Mono8 conversion does; the frame's
  extra["converted"] says so. Other depths (float, 32-bit) are refused.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .formats import HEAD_BYTES, describe, looks_cut_off, sniff, stored_colour
from .problems import BadItem
from .walk import rel

# Names a data set gives its image files; a file so named that holds no image is refused.
IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".pbm",
              ".webp"}
# Masks must be lossless: a JPEG mask smears its edges into grey levels.
MASK_EXTS = (".png", ".bmp", ".tif", ".tiff")
LOSSLESS = {"PNG", "BMP", "TIFF", "PNM"}
MASK_DIRS = {"masks", "mask"}
MASK_SUFFIX = "_mask"
# Folder names that hold files but say nothing about their class.
CONTAINER_DIRS = {"images", "image", "imgs", "img", "masks", "mask", "jpegimages"}
GOOD_NAMES = {"mt_free", "good", "ok"}
SIXTEEN_BIT_RULE = "16-bit to 8-bit: value >> 8 (the top 8 bits)"
NOT_AN_IMAGE = "not an image"


@dataclass
class Sorted:
    """A listing's files told apart by content.

    images: files whose bytes are an image, plus files named like one (decoding then
    refuses those, saying what their bytes are); formats: the format each image's bytes have.
    """

    images: list[Path] = field(default_factory=list)
    others: list[Path] = field(default_factory=list)  # neither image bytes nor an image name
    formats: dict[Path, str] = field(default_factory=dict)


def head(path: Path) -> bytes:
    try:
        with open(path, "rb") as f:
            return f.read(HEAD_BYTES)
    except OSError:
        return b""  # decoding says why, naming the file


def sort_by_content(files: list[Path]) -> Sorted:
    """Images are the files whose bytes are an image, whatever their names, and the files
    named like one (so that a broken one is refused by name, not passed over)."""
    result = Sorted()
    for f in files:
        fmt = sniff(head(f))
        if fmt is not None:
            result.formats[f] = fmt
        (result.images if fmt or f.suffix.lower() in IMAGE_EXTS else result.others).append(f)
    return result


def label_from_folder(name: str) -> str:
    """`MT_Free`, `good`, `ok` -> "good"; `MT_Crack` -> "crack"; `Scratch` -> "scratch"."""
    lowered = name.lower()
    if lowered in GOOD_NAMES:
        return "good"
    return lowered.removeprefix("mt_")


def class_folder(path: Path, root: Path) -> str | None:
    """The relative path of the folder nearest the file that names a class (skipping the
    images/, masks/... folders in between); None when the file sits in no such folder."""
    parts = path.relative_to(root).parts[:-1]
    while parts and parts[-1].lower() in CONTAINER_DIRS:
        parts = parts[:-1]
    return "/".join(parts) or None


def _read_bytes(path: Path, root: Path) -> bytes:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise BadItem(f"cannot read {rel(path, root)} ({exc.strerror}); check its "
                      "permissions", "unreadable file") from exc
    return data


def _decode(path: Path, root: Path) -> tuple[np.ndarray, bytes, str]:
    import cv2

    data = _read_bytes(path, root)
    fmt = sniff(data[:HEAD_BYTES])
    where = rel(path, root)
    if fmt is None:
        raise BadItem(f"{where} is not an image: {describe(data[:HEAD_BYTES])}; replace it "
                      "with the real image or remove it", NOT_AN_IMAGE)
    # libjpeg decodes a cut-off JPEG as grey rows without failing; the end marker tells.
    if looks_cut_off(data, fmt):
        raise BadItem(f"{where} is a truncated {fmt} file (its end is missing); replace it "
                      "with a complete copy or remove it", "truncated")
    image = cv2.imdecode(np.frombuffer(data, np.uint8), cv2.IMREAD_UNCHANGED)
    if image is None:
        raise BadItem(f"cannot decode {where}: its {fmt} data is corrupt; replace it with a "
                      "good copy or remove it", "corrupt")
    return image, data, fmt


def read_image(path: Path, root: Path, extra: dict | None = None) -> np.ndarray:
    """An image as a Frame takes it: uint8, HxW (stored grey) or HxWx3 BGR (stored colour).

    A 16-bit file is converted by SIXTEEN_BIT_RULE, noted in `extra["converted"]`.
    """
    image, data, fmt = _decode(path, root)
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
        if extra is not None:
            extra["converted"] = SIXTEEN_BIT_RULE
    if image.dtype != np.uint8:
        raise BadItem(f"{rel(path, root)} has {image.dtype} pixels, which no camera format "
                      "here holds; convert it to 8-bit (or 16-bit) first", "pixel depth")
    if image.ndim == 3:
        image = _as_stored(image, stored_colour(data, fmt))
    return np.ascontiguousarray(image)


def _as_stored(image: np.ndarray, colour: str) -> np.ndarray:
    """OpenCV's BGR(A) expansion undone for grey files; alpha dropped (cameras have none)."""
    if image.shape[2] == 1:
        return image[:, :, 0]
    bgr = image[:, :, :3]
    grey = colour == "grey" or (
        colour == "palette" and (bgr[:, :, 0] == bgr[:, :, 1]).all()
        and (bgr[:, :, 1] == bgr[:, :, 2]).all())
    return bgr[:, :, 0] if grey else bgr


def binarise(mask: np.ndarray) -> np.ndarray:
    """Any mask as 0/255 uint8: colour masks by their brightest channel, 0/1 masks scaled.

    Masks saved after resizing carry grey edge pixels; the half-way threshold keeps
    the defect's extent as drawn. A 16-bit mask holding 0/255 is read as 8-bit.
    """
    if mask.ndim == 3:
        mask = mask.max(axis=2)
    top = mask.max(initial=0)
    if mask.dtype.kind == "f":
        defect = mask >= 0.5
    elif top <= 1:
        defect = mask > 0
    elif top <= 255:
        defect = mask >= 128
    else:
        defect = mask >= (int(np.iinfo(mask.dtype).max) + 1) // 2
    return np.where(defect, np.uint8(255), np.uint8(0))


def read_mask(path: Path, root: Path, image_shape: tuple[int, ...], image_name: str) -> np.ndarray:
    """A mask file as 0/255, checked to be the size of its image."""
    mask, _, _ = _decode(path, root)
    if mask.shape[:2] != image_shape[:2]:
        (mh, mw), (ih, iw) = mask.shape[:2], image_shape[:2]
        raise BadItem(
            f"mask {rel(path, root)} is {mw}x{mh} px but image {image_name} is {iw}x{ih} px; "
            "re-export the mask at the image size", "mask size")
    return binarise(mask)


def mask_folders(image: Path) -> list[Path]:
    """Where an image's mask may live: beside it, in masks/ below it, or in a sibling masks/."""
    below = [image.parent / d for d in sorted(MASK_DIRS)]
    return [image.parent, *below, *(image.parent.parent / d for d in sorted(MASK_DIRS))]


def mask_key(mask: Path) -> tuple[Path, str]:
    """(folder, image stem) a mask answers to: x.png and x_mask.png both belong to x."""
    return mask.parent, mask.stem.removesuffix(MASK_SUFFIX)


def split_images_and_masks(images: list[Path], formats: dict[Path, str]
                           ) -> tuple[list[Path], set[Path]]:
    """Tell masks from images (all image files by content) by name and place.

    A mask is in a masks/ folder, ends in `_mask`, or is the lossless same-stem partner
    of a photo: x.png beside x.jpg (by name), or a PNG/BMP/TIFF beside a JPEG (by content).
    """
    by_stem: dict[tuple[Path, str], list[Path]] = {}
    for f in images:
        by_stem.setdefault((f.parent, f.stem), []).append(f)
    masks = {f for f in images
             if f.parent.name.lower() in MASK_DIRS or f.stem.endswith(MASK_SUFFIX)}
    for pair in by_stem.values():
        if len(pair) == 2:
            mask = _partner_mask(*pair, formats)
            if mask is not None:
                masks.add(mask)
    return [f for f in images if f not in masks], masks


def _partner_mask(a: Path, b: Path, formats: dict[Path, str]) -> Path | None:
    for photo, mask in ((a, b), (b, a)):
        if mask.suffix.lower() in MASK_EXTS and photo.suffix.lower() not in MASK_EXTS:
            return mask
    for photo, mask in ((a, b), (b, a)):
        if formats.get(photo) == "JPEG" and formats.get(mask) in LOSSLESS:
            return mask
    return None
