"""Labelled 32 x 32 px patches (9 mm at 0.28 mm per pixel) cut from a line of twin covers.

A defective patch is centred near a pixel of a defect's mask; a good patch at a random point of
the cover (edges and logo included) with no mask pixel. Print offsets are a position error, not a
surface defect: covers that carry one give no defective patch.
"""

from __future__ import annotations

import numpy as np

from hardware_shims import open_camera

PATCH_PX = 32
STATION = "sim://backboard-station?width=640&height=480&fov_mm=180"


def cover_to_px(frame, x_mm: float, y_mm: float) -> tuple[float, float]:
    """Image position (column, row) of a point given in the cover's own millimetres."""
    pose = frame.extra["pose"]
    a = np.deg2rad(pose["angle_deg"])
    s = frame.extra["mm_per_px"]
    x = np.cos(a) * x_mm - np.sin(a) * y_mm + pose["x_mm"]
    y = np.sin(a) * x_mm + np.cos(a) * y_mm + pose["y_mm"]
    rows, cols = frame.image.shape
    return cols / 2 + x / s, rows / 2 + y / s


def cut_patches(frame, rng: np.random.Generator, n_defect: int = 3, n_good: int = 4):
    """(patches uint8 (n, 32, 32), labels 1 defect / 0 good, defect type per patch)."""
    half = PATCH_PX // 2
    image = np.pad(frame.image, PATCH_PX, mode="edge")  # patches near the border stay whole
    mask = np.pad(frame.defect_mask > 0, PATCH_PX)
    kinds = [d["type"] for d in frame.extra["defects"]]
    found, labels, types = [], [], []
    if kinds and "print-offset" not in kinds:
        rows, cols = np.nonzero(mask)
        for _ in range(n_defect if len(rows) else 0):
            k = rng.integers(len(rows))
            r, c = rows[k] + rng.integers(-6, 7), cols[k] + rng.integers(-6, 7)
            if mask[r - 8: r + 8, c - 8: c + 8].sum() >= 3:  # the defect in the middle half
                found.append(image[r - half: r + half, c - half: c + half])
                labels.append(1)
                types.append(kinds[0])
    for _ in range(20 * n_good):
        if labels.count(0) == n_good:
            break
        c, r = cover_to_px(frame, rng.uniform(-75, 75), rng.uniform(-37.5, 37.5))
        r, c = int(round(r)) + PATCH_PX, int(round(c)) + PATCH_PX
        if not mask[r - half: r + half, c - half: c + half].any():
            found.append(image[r - half: r + half, c - half: c + half])
            labels.append(0)
            types.append("good")
    return (np.array(found, np.uint8).reshape(-1, PATCH_PX, PATCH_PX),
            np.array(labels, np.int64), np.array(types))


def line_uri(seed: int, defects: str = "scratch,pit,stain,edge-chip", **params) -> str:
    """The twin's URI of a line: glass under bright-field light unless `params` say otherwise."""
    query = {"material": "glass", "light": "bright-field", "defect_rate": 0.7, "seed": seed,
             "defects": defects, **params}
    return STATION + "".join(f"&{key}={value}" for key, value in query.items())


def render_line(uri: str, n_covers: int, seed: int = 0):
    """(patches, labels, types, cover index per patch) of the first `n_covers` covers of a line."""
    rng = np.random.default_rng(seed)
    patches, labels, types, covers = [], [], [], []
    with open_camera(uri) as camera:
        for n in range(n_covers):
            x, y, t = cut_patches(camera.read(), rng)
            patches.append(x)
            labels.append(y)
            types.append(t)
            covers.append(np.full(len(y), n))
    return (np.concatenate(patches), np.concatenate(labels), np.concatenate(types),
            np.concatenate(covers))
