"""Defects of a back cover: what is drawn, from which distributions, sized in millimetres.

Every defect has a type, a size in mm (`size_mm`, what a spec limit is compared with), a place
on the cover and shape parameters. Each parameter is drawn from the distribution named in
`DISTRIBUTIONS` (see `distributions.py`); `hardware_shims/twin/README.md` tabulates them.

Two random streams per part keep lines stable: the part's own stream draws what the twin has
always drawn (type, size, place, angle, bow, depth), in the same order, so a seed still puts the
same defect in the same place; a second stream, seeded by (seed, part, 1), draws how real the
defect looks: its contrast, an irregular outline, a meandering path of varying width with gaps.

  scratch       a path of `length_mm` (= size, the chord between its ends), bowed and
                meandering, whose width varies along it and tapers at both ends; some are
                broken into segments by short gaps
  pit           a dent of `diameter_mm` (= size: the circle of its area) with an irregular rim
  stain         an oil film of `length_mm` (= size, along its major axis), irregular outline,
                mottled, thicker towards its rim (a "coffee ring")
  edge-chip     a jagged bite out of a long edge, `size_mm` = 2 x radius: its length along it
  print-offset  the printed logo shifted by `size_mm`
  rough-patch   (opt-in: `defects=...,rough-patch`) a patch of rough, uneven surface of
                `length_mm` (= size): it scatters light like a fine texture

Outlines are scaled so that the size stays exact however irregular they are. Every type's
`contrast` is U(contrast_min, 1), `contrast_min` a station parameter (default `CONTRAST_MIN`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import cv2
import numpy as np

from .distributions import Choice, Uniform
from .geometry import COVER_MM, cutout_outline, logo_bbox_mm

DEFECT_TYPES = ("scratch", "pit", "stain", "edge-chip", "print-offset", "rough-patch")
SHAPE_STREAM = 1  # the second random stream of a part: how its defect looks
CONTRAST_MIN = 0.8  # default of the station's contrast_min: the faintest defect it draws
CONTRAST = Uniform(CONTRAST_MIN, 1.0)  # the station's contrast_min replaces the lower end


# The one table of defect parameters; README.md and unit 01's lesson quote it.
DISTRIBUTIONS: dict[str, dict[str, Uniform | Choice]] = {
    "scratch": {
        "length_mm": Uniform(1.5, 25.0),  # size
        "width_mm": Uniform(0.03, 0.15),  # nominal width, before its variation along the path
        "angle_deg": Uniform(0.0, 180.0),
        "bow": Uniform(-0.08, 0.08),  # sagitta / length
        "meander": Uniform(0.0, 0.015),  # lateral wander / length
        "width_variation": Uniform(0.05, 0.25),  # coefficient of variation along the path
        "gaps": Choice((0, 1, 2, 3), (0.5, 0.25, 0.15, 0.1)),
        "gap_mm": Uniform(0.03, 0.15),  # length of each gap
        "contrast": CONTRAST,  # share of the full scatter of a fresh scratch
    },
    "pit": {
        "diameter_mm": Uniform(0.3, 1.5),  # size
        "depth_um": Uniform(20.0, 60.0),
        "irregularity": Uniform(0.05, 0.2),  # largest radial deviation of the rim / radius
        "contrast": CONTRAST,  # share of a fresh pit's dimming and rim scatter
    },
    "stain": {
        "length_mm": Uniform(3.0, 12.0),  # size: nominal major axis
        "aspect": Uniform(0.4, 0.9),  # minor / major axis
        "angle_deg": Uniform(0.0, 180.0),
        "irregularity": Uniform(0.05, 0.2),
        "mottle": Uniform(0.05, 0.3),  # relative variation of the film's density inside
        "rim": Uniform(0.0, 0.6),  # density gathered at the rim from the middle (coffee ring)
        "contrast": CONTRAST,  # density of the film
    },
    "edge-chip": {
        "radius_mm": Uniform(0.4, 2.0),  # size = 2 x radius
        "x_mm": Uniform(-60.0, 60.0),  # along the long edge, from the cover's centre
        "irregularity": Uniform(0.1, 0.3),
        "contrast": CONTRAST,  # scatter of the broken rim
    },
    "print-offset": {
        "offset_mm": Uniform(0.4, 1.5),  # size
        "direction_rad": Uniform(0.0, 2 * np.pi),
    },
    "rough-patch": {
        "length_mm": Uniform(1.5, 6.0),  # size: nominal major axis
        "aspect": Uniform(0.5, 1.0),
        "angle_deg": Uniform(0.0, 180.0),
        "irregularity": Uniform(0.1, 0.3),
        "roughness": Uniform(0.15, 0.5),  # scatter of the roughened surface
        "relief_um": Uniform(0.5, 3.0),  # RMS height of its unevenness
        "contrast": CONTRAST,
    },
}


@dataclass
class Defect:
    """One defect: its type, size in mm, where it is on the cover and its shape parameters."""

    kind: str
    size_mm: float
    centre_mm: tuple[float, float]
    params: dict = field(default_factory=dict)

    def record(self, mask: np.ndarray) -> dict:
        x, y, w, h = cv2.boundingRect(mask)  # of the non-zero pixels
        bbox = [x, y, x + w, y + h] if w else None
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


def _draw(kind: str, names: str, rng: np.random.Generator) -> dict:
    table = DISTRIBUTIONS[kind]
    return {name: table[name].draw(rng) for name in names.split()}


def sample_defect(kind: str, rng: np.random.Generator,
                  shape_rng: np.random.Generator | None = None,
                  contrast_min: float = CONTRAST_MIN) -> Defect:
    """Draw a defect's size and place (`rng`), then how it looks (`shape_rng`)."""
    if kind not in DEFECT_TYPES:
        raise ValueError(f"unknown defect type {kind!r}; valid: {', '.join(DEFECT_TYPES)}")
    table = DISTRIBUTIONS[kind]
    if kind == "scratch":
        length = table["length_mm"].draw(rng)
        centre = _free_spot(rng, length / 2 + 1)
        defect = Defect(kind, length, centre, _draw(kind, "width_mm angle_deg bow", rng))
    elif kind == "pit":
        diameter = table["diameter_mm"].draw(rng)
        defect = Defect(kind, diameter, _free_spot(rng, 2), _draw(kind, "depth_um", rng))
    elif kind == "stain":
        major = table["length_mm"].draw(rng)
        centre = _free_spot(rng, major / 2 + 1)
        params = {"minor_mm": major * table["aspect"].draw(rng),
                  "angle_deg": table["angle_deg"].draw(rng)}
        defect = Defect(kind, major, centre, params)
    elif kind == "edge-chip":
        radius = table["radius_mm"].draw(rng)
        side = rng.choice([-1.0, 1.0])
        centre = (table["x_mm"].draw(rng), float(side * COVER_MM[1] / 2))
        defect = Defect(kind, 2 * radius, centre, {"radius_mm": radius})
    elif kind == "print-offset":
        distance = table["offset_mm"].draw(rng)
        angle = table["direction_rad"].draw(rng)
        offset = (float(distance * np.cos(angle)), float(distance * np.sin(angle)))
        return Defect(kind, distance, offset, {"offset_mm": offset})
    else:  # rough-patch
        major = table["length_mm"].draw(rng)
        centre = _free_spot(rng, major / 2 + 1)
        params = {"minor_mm": major * table["aspect"].draw(rng),
                  "angle_deg": table["angle_deg"].draw(rng)}
        defect = Defect(kind, major, centre, params)
    if shape_rng is not None:
        defect.params.update(_looks(kind, shape_rng, contrast_min))
    return defect


def _looks(kind: str, rng: np.random.Generator, contrast_min: float) -> dict:
    """How real the defect looks: contrast, irregular outline, path and texture seeds."""
    names = {"scratch": "meander width_variation gaps gap_mm",
             "pit": "irregularity",
             "stain": "irregularity mottle rim",
             "edge-chip": "irregularity",
             "rough-patch": "irregularity roughness relief_um"}[kind]
    looks = _draw(kind, names, rng)
    looks["contrast"] = Uniform(contrast_min, 1.0).draw(rng)
    looks["texture_seed"] = int(rng.integers(2**31))  # outline, path and mottle: drawn later
    return looks
