"""The back cover in millimetres and its pose on the conveyor, drawn into pixel maps."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

COVER_MM = (150.0, 75.0)  # length x width of the back cover
CORNER_MM = 8.0
CUTOUT_MM = (26.0, 26.0, 6.0)  # camera cut-out: w, h, corner radius
CUTOUT_AT_MM = (10.0, 8.0)  # its top-left corner, from the cover's top-left corner
LOGO_RING_MM = (7.0, 1.2)  # outer radius, ring width
SHIFT = 4  # cv2 sub-pixel bits: polygons are placed to 1/16 px


@dataclass(frozen=True)
class Pose:
    """Where the cover lies: its centre in mm from the image centre, and its angle."""

    x_mm: float
    y_mm: float
    angle_deg: float


def rounded_rect(w: float, h: float, r: float, steps: int = 12) -> np.ndarray:
    """Outline of a w x h rectangle with corner radius r, centred on 0, in mm (N x 2)."""
    points = []
    for cx, cy, start in ((w / 2 - r, -h / 2 + r, -90), (w / 2 - r, h / 2 - r, 0),
                          (-w / 2 + r, h / 2 - r, 90), (-w / 2 + r, -h / 2 + r, 180)):
        for a in np.radians(np.linspace(start, start + 90, steps)):
            points.append((cx + r * np.cos(a), cy + r * np.sin(a)))
    return np.asarray(points)


class PartProjector:
    """Maps cover coordinates (mm, origin at the cover centre) to image pixels."""

    def __init__(self, pose: Pose, mm_per_px: float, size_px: tuple[int, int]) -> None:
        self.pose, self.mm_per_px = pose, mm_per_px
        width, height = size_px
        theta = np.radians(pose.angle_deg)
        self.rotation = np.array([[np.cos(theta), -np.sin(theta)],
                                  [np.sin(theta), np.cos(theta)]])
        self.centre_px = np.array([width / 2 + pose.x_mm / mm_per_px,
                                   height / 2 + pose.y_mm / mm_per_px])

    def to_px(self, points_mm: np.ndarray) -> np.ndarray:
        return (np.asarray(points_mm) @ self.rotation.T) / self.mm_per_px + self.centre_px

    def length_px(self, length_mm: float) -> float:
        return length_mm / self.mm_per_px


class Canvas:
    """An anti-aliased 8-bit coverage layer over a region of interest of the frame."""

    def __init__(self, projector: PartProjector, shape: tuple[int, int],
                 bbox_mm: np.ndarray | None = None, margin_px: int = 4) -> None:
        self.projector = projector
        height, width = shape
        if bbox_mm is None:
            x0, y0, x1, y1 = 0, 0, width, height
        else:
            corners = projector.to_px(bbox_mm)
            x0, y0 = np.floor(corners.min(axis=0)).astype(int) - margin_px
            x1, y1 = np.ceil(corners.max(axis=0)).astype(int) + margin_px
            x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, width), min(y1, height)
        self.origin = np.array([x0, y0], dtype=float)
        self.roi = (slice(y0, max(y1, y0)), slice(x0, max(x1, x0)))
        self.layer = np.zeros((max(y1 - y0, 0), max(x1 - x0, 0)), np.uint8)

    @property
    def empty(self) -> bool:
        return self.layer.size == 0

    def fixed(self, points_mm) -> np.ndarray:
        """Points in the layer's pixels, as cv2's fixed-point coordinates (SHIFT bits)."""
        px = self.projector.to_px(np.asarray(points_mm, dtype=float)) - self.origin
        return np.round(px * (1 << SHIFT)).astype(np.int32)

    def fill(self, points_mm, value: int = 255) -> Canvas:
        if self.empty:  # wholly outside the frame: nothing to draw
            return self
        cv2.fillPoly(self.layer, [self.fixed(points_mm)], value, cv2.LINE_AA, SHIFT)
        return self

    def polyline(self, points_mm, thickness_px: int = 1, value: int = 255) -> Canvas:
        if self.empty:  # wholly outside the frame: nothing to draw
            return self
        cv2.polylines(self.layer, [self.fixed(points_mm)], False, value, thickness_px,
                      cv2.LINE_AA, SHIFT)
        return self

    def circle(self, centre_mm, radius_mm: float, value: int = 255,
               thickness_mm: float | None = None) -> Canvas:
        if self.empty:
            return self
        centre = self.fixed([centre_mm])[0]
        radius = round(self.projector.length_px(radius_mm) * (1 << SHIFT))
        thickness = -1 if thickness_mm is None else max(
            1, round(self.projector.length_px(thickness_mm)))
        cv2.circle(self.layer, (int(centre[0]), int(centre[1])), int(radius), value, thickness,
                   cv2.LINE_AA, SHIFT)
        return self

    def coverage(self) -> np.ndarray:
        return self.layer.astype(np.float32) * np.float32(1 / 255)

    def mask(self, threshold: int = 128) -> np.ndarray:
        return self.layer >= threshold


def cover_outline() -> np.ndarray:
    return rounded_rect(*COVER_MM, CORNER_MM)


def cutout_outline() -> np.ndarray:
    w, h, r = CUTOUT_MM
    x0 = -COVER_MM[0] / 2 + CUTOUT_AT_MM[0] + w / 2
    y0 = -COVER_MM[1] / 2 + CUTOUT_AT_MM[1] + h / 2
    return rounded_rect(w, h, r) + (x0, y0)


def logo_centre(offset_mm: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float]:
    """The printed logo sits at the cover's centre (shifted by a print-offset defect)."""
    return (15.0 + offset_mm[0], offset_mm[1])


def logo_shapes(canvas: Canvas, offset_mm: tuple[float, float] = (0.0, 0.0)) -> Canvas:
    """A ring and three text bars: the print whose position the print-offset check measures."""
    cx, cy = logo_centre(offset_mm)
    outer, ring = LOGO_RING_MM
    canvas.circle((cx, cy), outer - ring / 2, thickness_mm=ring)
    for i, length in enumerate((16.0, 12.0, 14.0)):
        y = cy + outer + 3.0 + i * 2.2
        bar = np.array([[-length / 2, -0.5], [length / 2, -0.5], [length / 2, 0.5],
                        [-length / 2, 0.5]]) + (cx, y)
        canvas.fill(bar)
    return canvas


def logo_bbox_mm(offset_mm: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    cx, cy = logo_centre(offset_mm)
    outer = LOGO_RING_MM[0]
    return np.array([[cx - 9, cy - outer - 1], [cx + 9, cy + outer + 9.5]])
