"""A defect's mask is exactly its pixels, and its size in mm can be measured back from it."""

import cv2
import numpy as np
import pytest

from hardware_shims.twin.defects import sample_defect
from hardware_shims.twin.drawing import STAIN_EDGE_MM, draw_defect
from hardware_shims.twin.geometry import COVER_MM, Canvas, PartProjector, Pose, cover_outline
from hardware_shims.twin.surface import MATERIALS, SurfaceMaps

MM_PER_PX = 0.05
SIZE_PX = (3400, 1700)  # the whole cover at 0.05 mm per pixel
KINDS = ("scratch", "pit", "stain", "edge-chip", "rough-patch")


def draw(kind: str, seed: int):
    """(defect, mask, per-pixel change of the reflectance maps) on a flat glass cover."""
    defect = sample_defect(kind, np.random.default_rng(seed), np.random.default_rng([seed, 1]))
    projector = PartProjector(Pose(0.0, 0.0, 0.0), MM_PER_PX, SIZE_PX)
    maps = SurfaceMaps(SIZE_PX[1], SIZE_PX[0], MATERIALS["conveyor"])
    cover = Canvas(projector, maps.shape, cover_outline()).fill(cover_outline())
    maps.blend(cover.coverage(), MATERIALS["glass"], cover.roi)
    cover_mask = np.zeros(maps.shape, np.float32)
    cover_mask[cover.roi] = cover.coverage()
    names = ("albedo", "specular", "scatter")
    before = [getattr(maps, name).copy() for name in names]
    mask = draw_defect(defect, maps, projector, cover_mask) > 0
    change = np.max([np.abs(getattr(maps, name) - old)
                     for name, old in zip(names, before, strict=True)], axis=0)
    return defect, mask, change


def _near(mask: np.ndarray, px: int) -> np.ndarray:
    return cv2.dilate(mask.astype(np.uint8), np.ones((2 * px + 1,) * 2, np.uint8)) > 0


@pytest.mark.parametrize("kind", KINDS)
def test_the_mask_is_exactly_the_pixels_the_defect_changed(kind):
    for seed in range(6):
        _, mask, change = draw(kind, seed)
        assert mask.any() and (change[mask] > 0).all(), f"{kind} {seed}: unchanged mask pixels"
        typical = np.median(change[mask])
        # the anti-aliased border is one pixel; an oil film thins out over STAIN_EDGE_MM
        border = int(np.ceil(STAIN_EDGE_MM / MM_PER_PX)) + 1 if kind == "stain" else 1
        strong = change > 0.5 * typical
        assert not (strong & ~_near(mask, border)).any(), f"{kind} {seed}: changed outside"
        assert (change[mask] > 0.1 * typical).mean() > 0.9, f"{kind} {seed}: mask too large"


def _points_mm(mask: np.ndarray) -> np.ndarray:
    ys, xs = np.nonzero(mask)
    return (np.stack([xs, ys], axis=1) - np.asarray(SIZE_PX) / 2) * MM_PER_PX


def _extent_along(points: np.ndarray, angle_deg: float) -> float:
    a = np.radians(angle_deg)
    return float(np.ptp(points @ np.array([np.cos(a), np.sin(a)])))


@pytest.mark.parametrize("seed", range(8))
def test_sizes_measured_on_the_mask_match_the_recorded_size(seed):
    px = MM_PER_PX
    defect, mask, _ = draw("scratch", seed)
    ends = np.asarray(defect.centre_mm)  # a scratch's length is the chord between its ends
    length = _extent_along(_points_mm(mask), defect.params["angle_deg"])
    assert defect.size_mm - 2 * px <= length <= defect.size_mm + 0.25 + 2 * px, ends

    defect, mask, _ = draw("pit", seed)  # mean diameter: the circle of the floor's area
    diameter = 2 * np.sqrt(mask.sum() * px * px / np.pi)
    rim_mm = max(0.08, px)
    assert defect.size_mm - 2 * px <= diameter <= defect.size_mm + 2 * rim_mm + 2 * px

    for kind in ("stain", "rough-patch"):  # length along the major axis
        defect, mask, _ = draw(kind, seed)
        length = _extent_along(_points_mm(mask), defect.params["angle_deg"])
        blur = STAIN_EDGE_MM if kind == "stain" else 0.0
        assert abs(length - defect.size_mm) <= blur + 3 * px, (kind, length, defect.size_mm)

    defect, mask, _ = draw("edge-chip", seed)  # length along the edge it bites into
    points = _points_mm(mask)
    at_edge = np.abs(np.abs(points[:, 1]) - COVER_MM[1] / 2) <= 1.5 * px
    along = float(np.ptp(points[at_edge, 0]))
    assert abs(along - defect.size_mm) <= 0.1 + 3 * px, (along, defect.size_mm)
