"""Draw a defect into the surface maps and return its mask: exactly the pixels it changed.

Each defect is drawn as an 8-bit anti-aliased coverage layer (`Canvas`) over a region of
interest; the surface maps change in proportion to the coverage, and the mask is the pixels
covered at least a quarter (scratch, pit: coverage >= 64/255) or half (stain, chip, patch). The
pixels outside the mask change by less than that share of the defect's effect.
"""

from __future__ import annotations

import cv2
import numpy as np

from .defects import Defect
from .geometry import SHIFT, Canvas, PartProjector
from .shapes import irregular_outline, mottle, rim_weight, scratch_path
from .surface import MATERIALS, SurfaceMaps

SCRATCH_MASK_LEVEL = 64  # a quarter of a pixel covered: a thin line's anti-aliased core
STAIN_EDGE_MM = 0.4  # an oil film thins out over this distance at its border
STAIN_RIM_MM = 0.6
STAIN_MAX_DENSITY = 1.2  # the thickest film dims the mirror reflection by 48 %, not more


def _texture_rng(defect: Defect, stream: int) -> np.random.Generator:
    """Stream 0 draws the outline, stream 1 what lies inside it."""
    return np.random.default_rng([defect.params.get("texture_seed", 0), stream])


def _outline(defect: Defect, semi_axes: tuple[float, float], angle_deg: float = 0.0,
             keep: str = "length"):
    """The defect's irregular outline (a plain ellipse for a defect drawn without looks)."""
    return irregular_outline(defect.centre_mm, semi_axes, angle_deg,
                             defect.params.get("irregularity", 0.0), _texture_rng(defect, 0),
                             keep)


def _closed(outline: np.ndarray) -> np.ndarray:
    return np.vstack([outline, outline[:1]])


def _scratch(defect: Defect, maps: SurfaceMaps, projector: PartProjector,
             mask: np.ndarray) -> None:
    mm = projector.mm_per_px
    points, widths, runs = scratch_path(defect, step_mm=2 * mm)
    widest_px = int(np.ceil(widths.max() / mm))
    geometry = Canvas(projector, maps.shape, points, margin_px=4 + widest_px)
    if geometry.empty:  # outside the field of view: the camera cannot see it
        return
    strength = np.zeros_like(geometry.layer)
    fixed = geometry.fixed(points)
    thickness = np.maximum(1, np.round(widths / mm)).astype(int)
    # a scratch narrower than a pixel still scatters, in proportion to what it covers
    scatter = 0.95 * np.minimum(1.0, widths / mm + 0.15) * defect.params.get("contrast", 1.0)
    level = np.round(255 * scatter).astype(int)
    for run in runs:
        for i, j in zip(run[:-1], run[1:], strict=True):
            a, b = tuple(map(int, fixed[i])), tuple(map(int, fixed[j]))
            cv2.line(geometry.layer, a, b, 255, int(thickness[i]), cv2.LINE_AA, SHIFT)
            cv2.line(strength, a, b, int(level[i]), int(thickness[i]) + 2, cv2.LINE_8, SHIFT)
    strength = cv2.dilate(strength, np.ones((5, 5), np.uint8))  # reach every anti-aliased edge
    cover = geometry.coverage() * (strength.astype(np.float32) * np.float32(1 / 255))
    maps.add_scatter(cover, 1.0, geometry.roi)
    mask[geometry.roi][geometry.mask(SCRATCH_MASK_LEVEL)] = 255


def _pit(defect: Defect, maps: SurfaceMaps, projector: PartProjector, mask: np.ndarray):
    radius = defect.size_mm / 2
    contrast = defect.params.get("contrast", 1.0)
    outline = _outline(defect, (radius, radius), keep="area")
    canvas = Canvas(projector, maps.shape, outline, margin_px=4).fill(outline)
    if canvas.empty:
        return
    inside = canvas.coverage()
    maps.scale(inside, specular=1 - 0.65 * contrast, roi=canvas.roi)
    sigma_px = max(radius / 2 / projector.mm_per_px, 0.7)
    relief = cv2.GaussianBlur(inside, (0, 0), sigma_px)
    maps.relief_um[canvas.roi] -= relief * np.float32(defect.params["depth_um"])
    rim = Canvas(projector, maps.shape, outline, margin_px=4)
    rim.polyline(_closed(outline), thickness_px=max(
        1, round(rim.projector.length_px(max(0.08, projector.mm_per_px)))))
    maps.add_scatter(rim.coverage(), 0.6 * contrast, rim.roi)
    # the pit's pixels: its floor and its broken rim, which scatters
    mask[canvas.roi][canvas.mask(SCRATCH_MASK_LEVEL) | rim.mask(SCRATCH_MASK_LEVEL)] = 255
    maps.relief_rois.append(canvas.roi)


def _film(defect: Defect, projector: PartProjector, shape, margin_px: int):
    """(canvas, footprint coverage) of a stain or patch with an irregular outline."""
    semi = (defect.size_mm / 2, defect.params["minor_mm"] / 2)
    outline = _outline(defect, semi, defect.params["angle_deg"])
    return Canvas(projector, shape, outline, margin_px=margin_px).fill(outline)


def _stain(defect: Defect, maps: SurfaceMaps, projector: PartProjector, mask: np.ndarray):
    mm = projector.mm_per_px
    canvas = _film(defect, projector, maps.shape, margin_px=8)
    if canvas.empty:  # outside the field of view: the camera cannot see it
        return
    soft = cv2.GaussianBlur(canvas.coverage(), (0, 0), max(STAIN_EDGE_MM / mm, 0.7))
    p = defect.params
    rng = _texture_rng(defect, 1)
    # a drying film thins in the middle and gathers at its rim (a coffee ring), unevenly
    ring = rim_weight(soft, STAIN_RIM_MM / mm)
    ring -= ring[soft >= 0.5].mean() if (soft >= 0.5).any() else 0.0
    density = 1 + p.get("rim", 0.0) * ring + p.get("mottle", 0.0) * mottle(soft.shape, rng)
    density = np.clip(density, 0.3, STAIN_MAX_DENSITY) * np.float32(p.get("contrast", 1.0))
    # an oil film dims the mirror reflection, barely the diffuse one, and scatters nothing
    maps.scale(soft * density, albedo=0.93, specular=0.6, roi=canvas.roi)
    mask[canvas.roi][soft >= 0.5] = 255


def _edge_chip(defect: Defect, maps: SurfaceMaps, projector: PartProjector, mask: np.ndarray,
               cover_mask: np.ndarray) -> None:
    radius = defect.params["radius_mm"]
    outline = _outline(defect, (radius, radius), keep="chord")
    canvas = Canvas(projector, maps.shape, outline, margin_px=4).fill(outline)
    if canvas.empty:
        return
    notch = canvas.coverage() * cover_mask[canvas.roi]
    maps.blend(notch, MATERIALS["conveyor"], canvas.roi)
    rim = Canvas(projector, maps.shape, outline, margin_px=4)
    rim.polyline(_closed(outline), thickness_px=max(
        1, round(rim.projector.length_px(max(0.1, projector.mm_per_px)))))
    rim_on_cover = rim.coverage() * cover_mask[rim.roi]
    maps.add_scatter(rim_on_cover, 0.7 * defect.params.get("contrast", 1.0), rim.roi)
    # the chip's pixels: the missing material and the broken rim left on the cover
    mask[canvas.roi][(notch >= 0.5) | (rim_on_cover >= SCRATCH_MASK_LEVEL / 255)] = 255


def _rough_patch(defect: Defect, maps: SurfaceMaps, projector: PartProjector,
                 mask: np.ndarray) -> None:
    mm = projector.mm_per_px
    canvas = _film(defect, projector, maps.shape, margin_px=4)
    if canvas.empty:
        return
    p = defect.params
    rng = _texture_rng(defect, 1)
    cover = canvas.coverage()
    # roughness below the pixel: each pixel scatters what its own micro-facets do
    grit = np.abs(rng.standard_normal(cover.shape).astype(np.float32))
    grit = cv2.GaussianBlur(grit, (0, 0), max(0.03 / mm, 0.4))
    grit *= np.float32(p["roughness"] * p.get("contrast", 1.0) / max(float(grit.mean()), 1e-6))
    maps.add_scatter(cover * np.clip(grit, 0, 1), 1.0, canvas.roi)
    uneven = mottle(cover.shape, rng, cells=max(4, round(defect.size_mm / 0.5)))
    maps.relief_um[canvas.roi] += cover * uneven * np.float32(p["relief_um"])
    maps.relief_rois.append(canvas.roi)
    mask[canvas.roi][cover >= 0.5] = 255


def draw_defect(defect: Defect, maps: SurfaceMaps, projector: PartProjector,
                cover_mask: np.ndarray) -> np.ndarray:
    """Change the surface maps where the defect is; return its full-frame 0/255 mask."""
    mask = np.zeros(maps.shape, np.uint8)
    if defect.kind == "scratch":
        _scratch(defect, maps, projector, mask)
    elif defect.kind == "pit":
        _pit(defect, maps, projector, mask)
    elif defect.kind == "stain":
        _stain(defect, maps, projector, mask)
    elif defect.kind == "edge-chip":
        _edge_chip(defect, maps, projector, mask, cover_mask)
    elif defect.kind == "rough-patch":
        _rough_patch(defect, maps, projector, mask)
    # print-offset is drawn by the renderer, which moves the logo (see render.py)
    return mask
