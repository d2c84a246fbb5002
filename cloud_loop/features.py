"""Nine numbers per patch: what the station monitors for drift and what the scorer reads.

Brightness (mean, median), spread (standard deviation), the dark and bright tails relative to the
median (a pit's shadow, a scratch's glint), edge energy (mean Sobel magnitude, Laplacian standard
deviation), the centre-to-ring contrast (a defect is cut near the middle) and how uneven the
texture is across the patch (largest over median 8 x 8 block standard deviation).
"""

from __future__ import annotations

import cv2
import numpy as np

NAMES = ("mean", "median", "std", "dark_tail", "bright_tail", "gradient", "laplacian_std",
         "centre_contrast", "texture_unevenness")


def patch_features(patches) -> np.ndarray:
    """(n, 9) float64 features of uint8 patches (n, 32, 32)."""
    rows = []
    for patch in np.asarray(patches, np.uint8):
        x = patch.astype(np.float32)
        median = float(np.median(x))
        gx = cv2.Sobel(x, cv2.CV_32F, 1, 0, ksize=3)
        gy = cv2.Sobel(x, cv2.CV_32F, 0, 1, ksize=3)
        blocks = x.reshape(4, 8, 4, 8).std(axis=(1, 3))
        centre = x[8:24, 8:24].mean()
        ring = (x.sum() - x[8:24, 8:24].sum()) / (x.size - 256)
        rows.append([
            x.mean(), median, x.std(),
            median - np.percentile(x, 2), np.percentile(x, 98) - median,
            np.hypot(gx, gy).mean(), cv2.Laplacian(x, cv2.CV_32F).std(),
            centre - ring, blocks.max() / max(float(np.median(blocks)), 0.5),
        ])
    return np.asarray(rows, np.float64).reshape(-1, len(NAMES))
