"""Surface maps of the scene: what each pixel's patch of material does with light.

albedo    diffuse reflectance (what bright-field sees besides the mirror reflection)
specular  mirror-like reflectance of a flat patch (what bright-field and coaxial light see)
scatter   light thrown off-axis by roughness, scratches and edges (what dark-field sees)
relief_um depth of dents and pits (what low-angle and coaxial light turn into shading)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Material:
    albedo: float
    specular: float
    scatter: float


MATERIALS = {
    "conveyor": Material(0.06, 0.0, 0.04),
    "glass": Material(0.35, 0.85, 0.015),
    "aluminium": Material(0.55, 0.45, 0.10),
    "cutout": Material(0.10, 0.20, 0.05),
    "ink": Material(0.18, 0.25, 0.06),
}
BRUSH_PERIOD_MM = 0.8  # period of the brushed-aluminium grain across the brushing direction


class SurfaceMaps:
    """Float32 maps of the frame, blended in place as regions are drawn."""

    def __init__(self, height: int, width: int, base: Material) -> None:
        shape = (height, width)
        self.albedo = np.full(shape, base.albedo, np.float32)
        self.specular = np.full(shape, base.specular, np.float32)
        self.scatter = np.full(shape, base.scatter, np.float32)
        self.relief_um = np.zeros(shape, np.float32)
        self.relief_rois: list[tuple[slice, slice]] = []  # where relief is not zero

    @property
    def shape(self) -> tuple[int, int]:
        return self.albedo.shape

    def blend(self, coverage: np.ndarray, material: Material, roi=(slice(None), slice(None))):
        """Paint `material` where coverage (0..1, the ROI's shape) says, anti-aliased."""
        for name in ("albedo", "specular", "scatter"):
            target = getattr(self, name)[roi]
            target += coverage * (getattr(material, name) - target)

    def scale(self, coverage: np.ndarray, albedo: float = 1.0, specular: float = 1.0,
              roi=(slice(None), slice(None))) -> None:
        """Multiply reflectances where coverage says (a stain dims, it does not replace)."""
        if albedo != 1.0:
            self.albedo[roi] *= 1.0 + coverage * (albedo - 1.0)
        if specular != 1.0:
            self.specular[roi] *= 1.0 + coverage * (specular - 1.0)

    def add_scatter(self, coverage: np.ndarray, strength: float,
                    roi=(slice(None), slice(None))) -> None:
        """Scratches and edges scatter; they also take light from the mirror reflection."""
        scatter = self.scatter[roi]
        np.maximum(scatter, coverage * strength, out=scatter)
        self.specular[roi] *= 1.0 - coverage * strength

