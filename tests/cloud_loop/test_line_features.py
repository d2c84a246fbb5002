"""Patches from the twin and their features."""

import numpy as np

from cloud_loop.features import NAMES, patch_features
from cloud_loop.line import line_uri, render_line


def test_patches_and_labels_from_a_twin_line():
    patches, labels, types, covers = render_line(line_uri(3), 4, seed=0)
    assert patches.shape[1:] == (32, 32) and patches.dtype == np.uint8
    assert len(patches) == len(labels) == len(types) == len(covers)
    assert set(np.unique(covers)) <= set(range(4))
    assert all((t == "good") == (label == 0) for t, label in zip(types, labels, strict=True))


def test_features_follow_brightness():
    flat = np.full((2, 32, 32), 100, np.uint8)
    flat[1] += 50
    f = patch_features(flat)
    assert f.shape == (2, len(NAMES))
    assert f[1, NAMES.index("mean")] - f[0, NAMES.index("mean")] == 50
    assert f[0, NAMES.index("std")] == 0
    spot = flat[:1].copy()
    spot[0, 14:18, 14:18] = 20  # a dark pit in the middle
    assert patch_features(spot)[0, NAMES.index("centre_contrast")] < 0
