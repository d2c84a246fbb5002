"""The lens: OpenCV's pinhole camera model with radial (k1, k2) and tangential (p1, p2) distortion.

The camera looks straight down at the conveyor. Its pinhole model images the cover plane at the
working distance with the frame's `mm_per_px`:

    fx = fy = working_distance_mm / mm_per_px    (the image distance over the pixel pitch; the
                                                  thin lens's focal length is slightly shorter)
    cx, cy  = width / 2, height / 2              (OpenCV's pixel coordinates: pixel centres at
                                                  whole numbers, as every twin drawing uses)

With x, y the ideal normalised image coordinates and r^2 = x^2 + y^2, OpenCV's model moves an
image point to

    x_d = x (1 + k1 r^2 + k2 r^4) + 2 p1 x y + p2 (r^2 + 2 x^2)
    y_d = y (1 + k1 r^2 + k2 r^4) + p1 (r^2 + 2 y^2) + 2 p2 x y

The twin renders the ideal image, then inverse-maps: every sensor pixel looks up the ideal point
it shows (the model inverted by fixed-point iteration, once per station) with `cv2.remap`, and the
defect mask goes through the same map. The ideal image is rendered on a canvas padded so that
every looked-up point lies on it (barrel distortion shows more of the scene). With all four
coefficients 0 (the default) nothing is remapped and the pixels are exactly the undistorted ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

MAX_PAD_SHARE = 0.5  # a distortion needing a canvas wider than this on each side is refused


def camera_matrix(width: int, height: int, mm_per_px: float,
                  working_distance_mm: float) -> np.ndarray:
    focal_px = working_distance_mm / mm_per_px
    return np.array([[focal_px, 0.0, width / 2], [0.0, focal_px, height / 2], [0.0, 0.0, 1.0]])


def distort_normalised(x: np.ndarray, y: np.ndarray, dist) -> tuple[np.ndarray, np.ndarray]:
    k1, k2, p1, p2 = dist
    r2 = x * x + y * y
    radial = 1 + r2 * (k1 + k2 * r2)
    return (x * radial + 2 * p1 * x * y + p2 * (r2 + 2 * x * x),
            y * radial + p1 * (r2 + 2 * y * y) + 2 * p2 * x * y)


def undistort_normalised(xd: np.ndarray, yd: np.ndarray, dist,
                         iterations: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """The ideal point that the model moves to (xd, yd): fixed-point iteration."""
    k1, k2, p1, p2 = dist
    x, y = xd.copy(), yd.copy()
    for _ in range(iterations):
        r2 = x * x + y * y
        radial = 1 + r2 * (k1 + k2 * r2)
        x_new = (xd - 2 * p1 * x * y - p2 * (r2 + 2 * x * x)) / radial
        y_new = (yd - p1 * (r2 + 2 * y * y) - 2 * p2 * x * y) / radial
        change = max(float(np.abs(x_new - x).max()), float(np.abs(y_new - y).max()))
        x, y = x_new, y_new
        if change < 1e-12:
            break
    return x, y


@dataclass(frozen=True, eq=False)
class Lens:
    """One station's lens: its matrix, distortion, and the maps that apply it."""

    width: int
    height: int
    camera_matrix: np.ndarray
    dist_coeffs: tuple[float, float, float, float]
    pad: tuple[int, int] = (0, 0)  # ideal canvas margin (x, y) in pixels
    map_x: np.ndarray | None = None
    map_y: np.ndarray | None = None

    @property
    def distorts(self) -> bool:
        return self.map_x is not None

    @property
    def canvas_size(self) -> tuple[int, int]:
        """(width, height) of the ideal image the scene is rendered on."""
        return self.width + 2 * self.pad[0], self.height + 2 * self.pad[1]

    @property
    def canvas_matrix(self) -> np.ndarray:
        """The camera matrix in the padded canvas's pixels."""
        matrix = self.camera_matrix.copy()
        matrix[0, 2] += self.pad[0]
        matrix[1, 2] += self.pad[1]
        return matrix

    def image(self, ideal: np.ndarray) -> np.ndarray:
        """The sensor's view of an ideal float image rendered on the canvas."""
        if not self.distorts:
            return ideal
        return cv2.remap(ideal, self.map_x, self.map_y, cv2.INTER_LINEAR,
                         borderMode=cv2.BORDER_REPLICATE)

    def mask(self, ideal: np.ndarray) -> np.ndarray:
        """A 0/255 mask on the canvas, distorted like the image (half-covered pixels count)."""
        if not self.distorts:
            return ideal
        warped = cv2.remap(ideal, self.map_x, self.map_y, cv2.INTER_LINEAR,
                           borderMode=cv2.BORDER_CONSTANT, borderValue=0)
        return np.where(warped >= 128, 255, 0).astype(np.uint8)

    def record(self) -> dict:
        return {"camera_matrix": [[round(v, 6) for v in row] for row in
                                  self.camera_matrix.tolist()],
                "dist_coeffs": list(self.dist_coeffs)}


@lru_cache(maxsize=8)
def _lens(width: int, height: int, mm_per_px: float, working_distance_mm: float,
          dist: tuple[float, float, float, float]) -> Lens:
    matrix = camera_matrix(width, height, mm_per_px, working_distance_mm)
    if not any(dist):
        return Lens(width, height, matrix, dist)
    (fx, _, cx), (_, fy, cy), _ = matrix
    ideal_x = np.empty((height, width), np.float64)
    ideal_y = np.empty((height, width), np.float64)
    error_px = 0.0
    rows_per_block = max(1, 2**19 // width)  # bounded memory for large frames
    for top in range(0, height, rows_per_block):
        v, u = np.mgrid[top:min(top + rows_per_block, height), 0:width].astype(np.float64)
        xd, yd = (u - cx) / fx, (v - cy) / fy
        x, y = undistort_normalised(xd, yd, dist)
        back_x, back_y = distort_normalised(x, y, dist)
        error_px = max(error_px, fx * float(np.abs(back_x - xd).max()),
                       fy * float(np.abs(back_y - yd).max()))
        ideal_x[top:top + len(v)], ideal_y[top:top + len(v)] = fx * x + cx, fy * y + cy
    pad_x = int(np.ceil(max(0.0, -ideal_x.min(), ideal_x.max() - (width - 1)))) + 2
    pad_y = int(np.ceil(max(0.0, -ideal_y.min(), ideal_y.max() - (height - 1)))) + 2
    if error_px > 0.01 or pad_x > MAX_PAD_SHARE * width or pad_y > MAX_PAD_SHARE * height:
        raise ValueError(f"lens distortion k1, k2, p1, p2 = {dist} folds or stretches the image "
                         f"beyond what the model can invert over a {width} x {height} frame "
                         f"(fx = {fx:.0f} px); use smaller coefficients")
    return Lens(width, height, matrix, dist, (pad_x, pad_y),
                (ideal_x + pad_x).astype(np.float32), (ideal_y + pad_y).astype(np.float32))


def lens_of(config) -> Lens:
    """The lens of a StationConfig (its maps are computed once per station and reused)."""
    return _lens(config.width, config.height, config.mm_per_px, config.working_distance_mm,
                 tuple(float(c) for c in config.dist_coeffs))
