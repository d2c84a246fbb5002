"""How each illumination turns the surface maps into radiance at the camera.

bright-field  flat, mirror-like areas reflect the light into the lens: the cover is bright,
              scratches and pits throw light away and look dark, stains dim the reflection
dark-field    only light scattered off-axis reaches the lens: the flat cover is dark,
              scratches, pits and edges light up, a flat oil film stays invisible
coaxial       light along the optical axis: any tilt (a dent's wall) sends it away
low-angle     grazing light from one side: relief casts shading, brushed grain stands out
"""

from __future__ import annotations

import numpy as np

from .surface import SurfaceMaps

LIGHT_INTENSITY = {"bright-field": 1.0, "dark-field": 2.0, "coaxial": 1.1, "low-angle": 1.6}
TILT_SCALE_UM_PER_MM = 25.0  # a slope of this many um per mm halves the coaxial reflection


def _slopes(maps: SurfaceMaps, mm_per_px: float) -> tuple[np.ndarray, np.ndarray]:
    """Relief gradients (um per mm), computed only where there is relief."""
    gx = np.zeros(maps.shape, np.float32)
    gy = np.zeros(maps.shape, np.float32)
    for roi in maps.relief_rois:
        patch = maps.relief_um[roi]
        if min(patch.shape) >= 2:
            dy, dx = np.gradient(patch, mm_per_px)
            gx[roi], gy[roi] = dx, dy
    return gx, gy


def radiance(light: str, maps: SurfaceMaps, mm_per_px: float) -> np.ndarray:
    """Radiance (arbitrary units, ~1 for a bright-field glass cover) per pixel."""
    intensity = np.float32(LIGHT_INTENSITY[light])
    if light == "bright-field":
        out = maps.specular * (1 - maps.scatter) + np.float32(0.35) * maps.albedo
    elif light == "dark-field":
        out = maps.scatter + np.float32(0.02) * maps.albedo
    elif light == "coaxial":
        out = maps.specular * (1 - maps.scatter) ** 2
        if maps.relief_rois:
            gx, gy = _slopes(maps, mm_per_px)
            out *= np.exp(-(gx**2 + gy**2) / np.float32(TILT_SCALE_UM_PER_MM**2))
        out += np.float32(0.1) * maps.albedo
    elif light == "low-angle":
        shade = np.float32(0.0)
        if maps.relief_rois:
            gx, _ = _slopes(maps, mm_per_px)
            # light comes from -x: walls facing it brighten, walls facing away darken
            shade = np.clip(-gx / np.float32(TILT_SCALE_UM_PER_MM), -0.9, 2.0)
        out = np.float32(0.6) * maps.scatter + np.float32(0.25) * maps.albedo * (1 + shade)
    else:
        raise ValueError(f"unknown light {light!r}; valid: {', '.join(LIGHT_INTENSITY)}")
    return out * intensity
