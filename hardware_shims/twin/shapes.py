"""Shapes of real defects, in millimetres: irregular outlines, meandering broken paths, mottle.

All shapes are drawn from a defect's own `texture_seed`, so they do not depend on the
resolution they are rendered at: the same defect has the same outline at 0.28 and at 0.03 mm
per pixel.
"""

from __future__ import annotations

import cv2
import numpy as np

OUTLINE_HARMONICS = np.arange(2, 8)  # lobes of an irregular outline: 2 (oval) to 7 (ragged)
PATH_HARMONICS = np.arange(2, 5)  # bends of a meandering scratch
TAPER = 0.08  # a scratch narrows over this share of its length at each end


def rotation(angle_deg: float) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def irregular_outline(centre_mm, semi_axes_mm: tuple[float, float], angle_deg: float,
                      irregularity: float, rng: np.random.Generator, keep: str = "length",
                      points: int = 96) -> np.ndarray:
    """An ellipse whose radius wanders by up to `irregularity` (a share of it), N x 2 mm.

    The wandering outline is scaled back so that the size the spec measures stays exact:
    keep="length" its extent along the major axis is 2 a (a stain's length), "area" its area is
    that of a circle of diameter 2 a (a pit's diameter), "chord" its chord along the major axis
    through the centre is 2 a (an edge chip's length along the edge).
    """
    phi = np.linspace(0, 2 * np.pi, points, endpoint=False)  # points even: 0 and pi included
    weights = rng.dirichlet(np.ones(OUTLINE_HARMONICS.size)) / OUTLINE_HARMONICS
    weights /= weights.sum()  # low orders dominate: an egg or a bean more often than a star
    phases = rng.uniform(0, 2 * np.pi, OUTLINE_HARMONICS.size)
    wobble = irregularity * (weights[:, None] * np.cos(
        OUTLINE_HARMONICS[:, None] * phi + phases[:, None])).sum(axis=0)
    a, b = semi_axes_mm
    local = np.stack([a * np.cos(phi), b * np.sin(phi)], axis=1) * (1 + wobble)[:, None]
    if keep == "length":
        scale = 2 * a / np.ptp(local[:, 0])
    elif keep == "area":
        x, y = local[:, 0], local[:, 1]
        area = 0.5 * abs(np.dot(x, np.roll(y, -1)) - np.dot(y, np.roll(x, -1)))
        scale = np.sqrt(np.pi * a * b / area)
    else:  # chord
        scale = 2 * a / (local[0, 0] - local[points // 2, 0])
    return local * scale @ rotation(angle_deg).T + np.asarray(centre_mm)


def _smooth_profile(t: np.ndarray, rng: np.random.Generator, harmonics: int = 5) -> np.ndarray:
    """A smooth random profile along t in [-1, 1] with unit standard deviation."""
    k = np.arange(1, harmonics + 1)[:, None]
    amplitude = rng.standard_normal(harmonics)[:, None] / k
    profile = (amplitude * np.sin(k * np.pi * (t + 1) / 2 + rng.uniform(0, 2 * np.pi,
                                                                         (harmonics, 1)))).sum(0)
    return (profile - profile.mean()) / max(profile.std(), 1e-9)


def scratch_path(defect, step_mm: float) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """(points N x 2 mm, width_mm per point, runs of point indices between the gaps)."""
    p = defect.params
    rng = np.random.default_rng(p.get("texture_seed", 0))
    length = defect.size_mm
    count = int(np.clip(np.ceil(length / step_mm), 32, 4000)) + 1
    t = np.linspace(-1, 1, count)
    along = t * length / 2
    bends = rng.uniform(-1, 1, PATH_HARMONICS.size) / PATH_HARMONICS
    meander = p.get("meander", 0.0) * length * (
        bends[:, None] * np.sin(PATH_HARMONICS[:, None] * np.pi * (t + 1) / 2)).sum(axis=0)
    across = p["bow"] * length * (1 - t**2) + meander
    direction = rotation(p["angle_deg"]) @ np.array([1.0, 0.0])
    normal = np.array([-direction[1], direction[0]])
    points = np.asarray(defect.centre_mm) + along[:, None] * direction + \
        across[:, None] * normal
    variation = np.clip(1 + p.get("width_variation", 0.0) * _smooth_profile(t, rng), 0.6, 1.4)
    taper = np.sqrt(np.clip((1 - np.abs(t)) / TAPER, 0.2, 1.0)) if "texture_seed" in p else 1.0
    widths = p["width_mm"] * variation * taper
    drawn = np.ones(count, bool)
    for _ in range(p.get("gaps", 0)):
        middle = rng.uniform(-0.75, 0.75)
        drawn &= np.abs(t - middle) > p["gap_mm"] / length  # t runs 2 per length
    breaks = np.flatnonzero(np.diff(drawn.astype(np.int8)))
    runs = [run for run in np.split(np.arange(count), breaks + 1) if drawn[run[0]] and
            run.size >= 2]
    return points, widths, runs


def mottle(shape: tuple[int, int], rng: np.random.Generator, cells: int = 6) -> np.ndarray:
    """A smooth random field of unit standard deviation over `shape`, `cells` blobs across."""
    height, width = shape
    coarse = rng.standard_normal((cells + 2, cells + 2)).astype(np.float32)
    field = cv2.resize(coarse, (max(width, 1), max(height, 1)), interpolation=cv2.INTER_CUBIC)
    return (field - field.mean()) / max(float(field.std()), 1e-6)


def rim_weight(coverage: np.ndarray, width_px: float) -> np.ndarray:
    """1 at a region's border, falling to 0 over width_px inside it (a film's drying ring)."""
    inside = (coverage >= 0.5).astype(np.uint8)
    depth = cv2.distanceTransform(np.pad(inside, 1), cv2.DIST_L2, 3)[1:-1, 1:-1]
    return np.clip(1 - depth / max(width_px, 1.0), 0, 1).astype(np.float32)
