"""Defects of a back cover, sized in millimetres, drawn into the surface maps with their masks."""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .geometry import COVER_MM, Canvas, PartProjector, cutout_outline, logo_bbox_mm
from .surface import MATERIALS, SurfaceMaps

DEFECT_TYPES = ("scratch", "pit", "stain", "edge-chip", "print-offset")


@dataclass
class Defect:
    """One defect: its type, size in mm, where it is on the cover and its shape parameters."""

    kind: str
    size_mm: float
    centre_mm: tuple[float, float]
    params: dict = field(default_factory=dict)

    def record(self, mask: np.ndarray) -> dict:
        ys, xs = np.nonzero(mask)
        bbox = [int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1] if xs.size \
            else None
        return {"type": self.kind, "size_mm": round(self.size_mm, 4),
                "centre_mm": [round(c, 3) for c in self.centre_mm], "bbox_px": bbox}


def _free_spot(rng: np.random.Generator, margin_mm: float) -> tuple[float, float]:
    """A point on the cover away from the cut-out, the logo and the edges."""
    cut = cutout_outline()
    logo = logo_bbox_mm()
    for _ in range(100):
        x = rng.uniform(-COVER_MM[0] / 2 + margin_mm, COVER_MM[0] / 2 - margin_mm)
        y = rng.uniform(-COVER_MM[1] / 2 + margin_mm, COVER_MM[1] / 2 - margin_mm)
        in_cut = cut[:, 0].min() - margin_mm < x < cut[:, 0].max() + margin_mm and \
            cut[:, 1].min() - margin_mm < y < cut[:, 1].max() + margin_mm
        in_logo = logo[0, 0] - margin_mm < x < logo[1, 0] + margin_mm and \
            logo[0, 1] - margin_mm < y < logo[1, 1] + margin_mm
        if not (in_cut or in_logo):
            return float(x), float(y)
    return 40.0, 20.0


def sample_defect(kind: str, rng: np.random.Generator) -> Defect:
    """Draw a defect's size and place from the ranges seen on the line."""
    if kind == "scratch":
        length = rng.uniform(1.5, 25.0)
        centre = _free_spot(rng, length / 2 + 1)
        return Defect(kind, length, centre, {"width_mm": rng.uniform(0.03, 0.15),
                                             "angle_deg": rng.uniform(0, 180),
                                             "bow": rng.uniform(-0.08, 0.08)})
    if kind == "pit":
        diameter = rng.uniform(0.3, 1.5)
        return Defect(kind, diameter, _free_spot(rng, 2), {"depth_um": rng.uniform(20, 60)})
    if kind == "stain":
        major = rng.uniform(3.0, 12.0)
        return Defect(kind, major, _free_spot(rng, major / 2 + 1),
                      {"minor_mm": major * rng.uniform(0.4, 0.9),
                       "angle_deg": rng.uniform(0, 180)})
    if kind == "edge-chip":
        radius = rng.uniform(0.4, 2.0)
        side = rng.choice([-1.0, 1.0])
        centre = (float(rng.uniform(-60, 60)), float(side * COVER_MM[1] / 2))
        return Defect(kind, 2 * radius, centre, {"radius_mm": radius})
    if kind == "print-offset":
        distance = rng.uniform(0.4, 1.5)
        angle = rng.uniform(0, 2 * np.pi)
        offset = (float(distance * np.cos(angle)), float(distance * np.sin(angle)))
        return Defect(kind, distance, offset, {"offset_mm": offset})
    raise ValueError(f"unknown defect type {kind!r}; valid: {', '.join(DEFECT_TYPES)}")


def _scratch_points(defect: Defect) -> np.ndarray:
    half = defect.size_mm / 2
    t = np.linspace(-1, 1, 9)
    along = t * half
    across = defect.params["bow"] * defect.size_mm * (1 - t**2)
    a = np.radians(defect.params["angle_deg"])
    direction, normal = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    return np.asarray(defect.centre_mm) + along[:, None] * direction + across[:, None] * normal


def _bbox(centre, half: float) -> np.ndarray:
    cx, cy = centre
    return np.array([[cx - half, cy - half], [cx + half, cy + half], [cx - half, cy + half],
                     [cx + half, cy - half]])


def draw_defect(defect: Defect, maps: SurfaceMaps, projector: PartProjector,
                cover_mask: np.ndarray) -> np.ndarray:
    """Change the surface maps where the defect is; return its full-frame 0/255 mask."""
    mask = np.zeros(maps.shape, np.uint8)
    mm_per_px = projector.mm_per_px
    if defect.kind == "scratch":
        points = _scratch_points(defect)
        canvas = Canvas(projector, maps.shape, points).polyline(points)
        if canvas.empty:  # outside the field of view: the camera cannot see it
            return mask
        # a scratch narrower than a pixel still scatters, in proportion to what it covers
        strength = 0.95 * min(1.0, defect.params["width_mm"] / mm_per_px + 0.15)
        maps.add_scatter(canvas.coverage(), strength, canvas.roi)
        mask[canvas.roi][canvas.mask(64)] = 255
    elif defect.kind == "pit":
        radius = defect.size_mm / 2
        canvas = Canvas(projector, maps.shape, _bbox(defect.centre_mm, radius + 0.5))
        if canvas.empty:
            return mask
        canvas.circle(defect.centre_mm, radius)
        inside = canvas.coverage()
        maps.scale(inside, specular=0.35, roi=canvas.roi)
        sigma_px = max(radius / 2 / mm_per_px, 0.7)
        relief = cv2.GaussianBlur(inside, (0, 0), sigma_px)
        maps.relief_um[canvas.roi] -= relief * np.float32(defect.params["depth_um"])
        rim = Canvas(projector, maps.shape, _bbox(defect.centre_mm, radius + 0.5))
        rim.circle(defect.centre_mm, radius, thickness_mm=max(0.08, mm_per_px))
        maps.add_scatter(rim.coverage(), 0.6, rim.roi)
        mask[canvas.roi][canvas.mask(64)] = 255
        maps.relief_rois.append(canvas.roi)
    elif defect.kind == "stain":
        major, minor = defect.size_mm / 2, defect.params["minor_mm"] / 2
        a = np.radians(defect.params["angle_deg"])
        t = np.linspace(0, 2 * np.pi, 48, endpoint=False)
        ellipse = np.stack([major * np.cos(t), minor * np.sin(t)], axis=1)
        rot = np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])
        outline = ellipse @ rot.T + np.asarray(defect.centre_mm)
        canvas = Canvas(projector, maps.shape, outline, margin_px=8).fill(outline)
        if canvas.empty:  # outside the field of view: the camera cannot see it
            return mask
        soft = cv2.GaussianBlur(canvas.coverage(), (0, 0), max(0.4 / mm_per_px, 0.7))
        # an oil film dims the mirror reflection, barely the diffuse one, and scatters nothing
        maps.scale(soft, albedo=0.93, specular=0.6, roi=canvas.roi)
        mask[canvas.roi][soft >= 0.5] = 255
    elif defect.kind == "edge-chip":
        radius = defect.params["radius_mm"]
        canvas = Canvas(projector, maps.shape, _bbox(defect.centre_mm, radius + 0.3))
        if canvas.empty:
            return mask
        canvas.circle(defect.centre_mm, radius)
        notch = canvas.coverage() * cover_mask[canvas.roi]
        maps.blend(notch, MATERIALS["conveyor"], canvas.roi)
        rim = Canvas(projector, maps.shape, _bbox(defect.centre_mm, radius + 0.3))
        rim.circle(defect.centre_mm, radius, thickness_mm=max(0.1, mm_per_px))
        maps.add_scatter(rim.coverage() * cover_mask[rim.roi], 0.7, rim.roi)
        mask[canvas.roi][notch >= 0.5] = 255
    # print-offset is drawn by the renderer, which moves the logo (see render.py)
    return mask
