"""Small synthetic data sets, built in tmp_path, in each layout the importers read."""

from __future__ import annotations

from pathlib import Path
from types import SimpleNamespace

import cv2
import numpy as np
import pytest

# <repo>/../shared/data/magnetic-tile: beside the project, never inside it.
MAGNETIC_TILE = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "magnetic-tile"


def write(path: Path, image: np.ndarray) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return path


def texture(seed: int, shape=(40, 56)) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def box_mask(shape=(40, 56), grey_edge: bool = False, scale: int = 255) -> np.ndarray:
    mask = np.zeros(shape[:2], np.uint8)
    mask[10:20, 15:30] = scale
    if grey_edge:
        mask[9, 15:30] = 90  # below half: background once binarised
        mask[20, 15:30] = 200  # above half: defect once binarised
    return mask


@pytest.fixture
def image_mask_root(tmp_path) -> Path:
    """Magnetic-tile style (x.jpg + x.png in class/Imgs/), plus masks/ and *_mask variants."""
    root = tmp_path / "tiles"
    write(root / "MT_Crack/Imgs/c1.jpg", texture(1))
    write(root / "MT_Crack/Imgs/c1.png", box_mask(grey_edge=True))
    write(root / "MT_Crack/Imgs/c2.jpg", texture(2))
    write(root / "MT_Crack/Imgs/c2.png", box_mask(scale=1))  # a 0/1 mask
    write(root / "MT_Free/Imgs/f1.jpg", texture(3))
    write(root / "MT_Free/Imgs/f1.png", np.zeros((40, 56), np.uint8))
    write(root / "good/images/g1.png", texture(4))
    write(root / "good/masks/g1.png", np.zeros((40, 56), np.uint8))
    write(root / "Scratch/s1.bmp", texture(5, (40, 56, 3)))
    write(root / "Scratch/masks/s1_mask.png", box_mask())
    return root


@pytest.fixture
def class_folder_root(tmp_path) -> Path:
    root = tmp_path / "sorted"
    write(root / "good/a.png", texture(1))
    write(root / "good/b.png", texture(2))
    write(root / "Dent/c.png", texture(3, (40, 56, 3)))
    write(root / "Dent/images/d.png", texture(4))  # images/ says nothing of the class
    return root


VOC_XML = """<annotation><filename>{stem}.jpg</filename>
<size><width>{w}</width><height>{h}</height><depth>1</depth></size>{objects}</annotation>"""
VOC_OBJECT = ("<object><name>{name}</name><bndbox><xmin>{x0}</xmin><ymin>{y0}</ymin>"
              "<xmax>{x1}</xmax><ymax>{y1}</ymax></bndbox></object>")


def voc_annotation(root: Path, stem: str, boxes, size=(56, 40)) -> Path:
    objects = "".join(VOC_OBJECT.format(name=n, x0=a, y0=b, x1=c, y1=d)
                      for a, b, c, d, n in boxes)
    path = root / "Annotations" / f"{stem}.xml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(VOC_XML.format(stem=stem, w=size[0], h=size[1], objects=objects))
    return path


@pytest.fixture
def voc_root(tmp_path) -> Path:
    """Three images: one crack, one with a patch and a crack, one good (no objects)."""
    root = tmp_path / "NEU-mini"
    for i, stem in enumerate(("crack_1", "mixed_2", "good_3")):
        write(root / "JPEGImages" / f"{stem}.png", texture(i))
    voc_annotation(root, "crack_1", [(11, 6, 20, 10, "crack")])
    voc_annotation(root, "mixed_2", [(1, 1, 5, 5, "patches"), (50, 30, 56, 40, "crack")])
    voc_annotation(root, "good_3", [])
    return root


@pytest.fixture
def elpv_root(tmp_path) -> Path:
    """An ELPV-shaped folder: images/ + labels.csv (path, probability, type)."""
    root = tmp_path / "elpv"
    rows = [("cell0001", 1.0, "mono"), ("cell0002", 0.0, "poly"),
            ("cell0003", 0.3333333333333333, "mono"), ("cell0004", 0.6666666666666666, "poly")]
    for i, (stem, _, _) in enumerate(rows):
        write(root / "images" / f"{stem}.png", texture(i, (30, 30)))
    (root / "labels.csv").write_text(
        "".join(f"images/{s}.png  {p}  {t}\n" for s, p, t in rows))
    return root


@pytest.fixture
def make():
    """The builders above, for tests that lay out their own variant."""
    return SimpleNamespace(write=write, texture=texture, box_mask=box_mask,
                           voc_annotation=voc_annotation)
