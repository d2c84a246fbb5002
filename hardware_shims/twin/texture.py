"""Surface texture of a good cover: what a real part shows besides its defects.

glass      waviness: float glass is not perfectly flat; a smooth random field (correlation
           length `WAVINESS_MM`) dims and brightens its mirror reflection by a few tenths of a
           percent. Dust: a few specks per cover that scatter light (they are not defects and
           are not in the mask)
aluminium  the brushing grain: ridges every `BRUSH_PERIOD_MM` across the brushing direction
           (1 +- 0.5 of the scatter, as always), and brushing streaks: random lines along the
           brushing direction, fine (~0.03 mm) and coarse (~0.25 mm) across it and ~15 mm long,
           of a random strength per part

`TEXTURES` states each distribution. The random fields are rendered once per (material,
mm_per_px, seed) as tiles in the cover's own frame, coarse along their smooth directions; each
part takes its tile at a random offset, turned with the part, in one `cv2.warpAffine`.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from .distributions import Poisson, Uniform
from .geometry import COVER_MM, PartProjector
from .surface import BRUSH_PERIOD_MM, SurfaceMaps

TEXTURE_STREAM = 2  # the third random stream of a part: where its texture tile sits
TILE_MARGIN_MM = 10.0  # a part's tile is offset by up to this much in each direction
COARSE_MM = 0.5  # tiles sample smooth directions every COARSE_MM
FINE_MM = 0.02  # streak tiles are made this fine across the brushing, then averaged to pixels
WAVINESS_MM = 5.0
STREAK_ACROSS_MM = (0.03, 0.25)  # fine and coarse streak widths (Gaussian sigma)
STREAK_ALONG_MM = 15.0
STREAK_CLIP = 2.5
GRAIN_DEPTH = 0.5

TEXTURES = {
    "glass": {
        "waviness": Uniform(0.002, 0.008),  # RMS relative change of the mirror reflection
        "dust_count": Poisson(3.0),  # specks per cover
        "dust_um": Uniform(5.0, 30.0),  # speck diameter
        "dust_scatter": Uniform(0.2, 0.6),  # share of the light on a speck it scatters
    },
    "aluminium": {
        "grain_phase_rad": Uniform(0.0, 6.28),  # where the 0.8 mm ridges start
        "streaks": Uniform(0.02, 0.05),  # RMS relative change of the scatter
    },
}


def _tile_span_mm() -> tuple[float, float]:
    return COVER_MM[0] + 2 * TILE_MARGIN_MM, COVER_MM[1] + 2 * TILE_MARGIN_MM


def _unit(field: np.ndarray) -> np.ndarray:
    field = field - field.mean()
    return (field / max(float(field.std()), 1e-9)).astype(np.float32)


@lru_cache(maxsize=8)
def waviness_tile(seed: int) -> np.ndarray:
    """Unit-RMS smooth field over the cover, COARSE_MM per cell (same at every resolution)."""
    span_u, span_v = _tile_span_mm()
    rng = np.random.default_rng([seed, TEXTURE_STREAM, 0])
    noise = rng.standard_normal((round(span_v / COARSE_MM), round(span_u / COARSE_MM)))
    return _unit(cv2.GaussianBlur(noise.astype(np.float32), (0, 0), WAVINESS_MM / COARSE_MM))


@lru_cache(maxsize=8)
def streak_tile(seed: int, mm_per_px: float) -> np.ndarray:
    """Unit-RMS (at FINE_MM) streaks: rows across the brushing at mm_per_px, columns along it
    every COARSE_MM."""
    span_u, span_v = _tile_span_mm()
    rng = np.random.default_rng([seed, TEXTURE_STREAM, 1])
    shape = (round(span_v / FINE_MM), round(span_u / COARSE_MM))
    along = STREAK_ALONG_MM / COARSE_MM
    fine, coarse = (cv2.GaussianBlur(rng.standard_normal(shape).astype(np.float32), (0, 0),
                                     along, sigmaY=sigma / FINE_MM) for sigma in STREAK_ACROSS_MM)
    # a deep score is rare but bounded: +-STREAK_CLIP standard deviations at most
    streaks = np.clip(_unit(_unit(fine) + 0.7 * _unit(coarse)), -STREAK_CLIP, STREAK_CLIP)
    rows = max(round(span_v / mm_per_px), 2)
    # a pixel averages the streaks it covers (INTER_AREA); finer pixels interpolate them
    method = cv2.INTER_AREA if rows < shape[0] else cv2.INTER_LINEAR
    return cv2.resize(streaks, (shape[1], rows), interpolation=method)


def _warp_tile(tile: np.ndarray, cell_mm: tuple[float, float], projector: PartProjector,
               roi: tuple[slice, slice], offset_mm: np.ndarray) -> np.ndarray:
    """The tile (cover frame, cell_mm = (along, across) per cell) seen in the frame's ROI."""
    span = np.asarray(_tile_span_mm())
    to_cell = np.diag(1 / np.asarray(cell_mm))
    linear = to_cell @ projector.rotation.T * projector.mm_per_px
    origin = np.array([roi[1].start, roi[0].start], float)
    shift = to_cell @ (projector.rotation.T @ (origin - projector.centre_px) *
                       projector.mm_per_px + span / 2 + offset_mm)
    matrix = np.hstack([linear, shift[:, None]]).astype(np.float64)
    size = (roi[1].stop - roi[1].start, roi[0].stop - roi[0].start)
    return cv2.warpAffine(tile, matrix, size, flags=cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP,
                          borderMode=cv2.BORDER_REFLECT)


def _grain(projector: PartProjector, roi: tuple[slice, slice], phase: float) -> np.ndarray:
    """1 + 0.5 sin(2 pi v / period): v across the brushing; separable, two outer products."""
    rows = np.arange(roi[0].start, roi[0].stop, dtype=np.float64)
    columns = np.arange(roi[1].start, roi[1].stop, dtype=np.float64)
    theta = np.radians(projector.pose.angle_deg)
    k = 2 * np.pi / BRUSH_PERIOD_MM * projector.mm_per_px
    a = (k * np.cos(theta)) * rows
    b = -(k * np.sin(theta)) * columns + phase
    wave = np.outer(np.sin(a), np.cos(b)) + np.outer(np.cos(a), np.sin(b))
    return (1 + GRAIN_DEPTH * wave).astype(np.float32)


def _dust(maps: SurfaceMaps, projector: PartProjector, rng: np.random.Generator,
          count: int) -> None:
    table = TEXTURES["glass"]
    height, width = maps.shape
    pixel_mm2 = projector.mm_per_px ** 2
    half = np.asarray(COVER_MM) / 2 - 2.0
    for _ in range(count):
        centre = rng.uniform(-half, half)
        diameter_mm = table["dust_um"].draw(rng) * 1e-3
        strength = table["dust_scatter"].draw(rng)
        x, y = np.round(projector.to_px(centre[None, :])[0]).astype(int)
        if 0 <= x < width and 0 <= y < height:
            # a speck smaller than a pixel scatters in proportion to the area it covers
            share = min(1.0, np.pi * diameter_mm**2 / 4 / pixel_mm2) * strength
            maps.scatter[y, x] += share
            maps.specular[y, x] *= 1 - share


def apply_texture(material: str, maps: SurfaceMaps, projector: PartProjector,
                  roi: tuple[slice, slice], coverage: np.ndarray, seed: int,
                  phase: float, rng: np.random.Generator) -> dict:
    """Texture the cover (coverage over roi) in place; what was drawn, for the frame's record."""
    offset = rng.uniform(-TILE_MARGIN_MM, TILE_MARGIN_MM, 2)
    if material == "aluminium":
        strength = TEXTURES["aluminium"]["streaks"].draw(rng)
        streaks = _warp_tile(streak_tile(seed, projector.mm_per_px),
                             (COARSE_MM, projector.mm_per_px), projector, roi, offset)
        texture = _grain(projector, roi, phase) * (1 + strength * streaks)
        np.maximum(texture, 0.05, out=texture)
        maps.scatter[roi] *= 1 + coverage * (texture - 1)
        return {"streaks": round(strength, 4)}
    if material == "glass":
        table = TEXTURES["glass"]
        amplitude = table["waviness"].draw(rng)
        dust = table["dust_count"].draw(rng)
        wave = _warp_tile(waviness_tile(seed), (COARSE_MM, COARSE_MM), projector, roi, offset)
        maps.specular[roi] *= 1 + coverage * (np.float32(amplitude) * wave)
        _dust(maps, projector, rng, dust)
        return {"waviness": round(amplitude, 5), "dust": dust}
    return {}
