"""Shewhart control limits (ISO 7870-2; Montgomery, chapters 6 and 7).

Phase I estimates the centre and sigma from a reference period believed in control; phase II
keeps those limits fixed and plots every new subgroup against them. The functions here take the
reference data only: what comes after it never moves the limits.
"""

from __future__ import annotations

import numpy as np

from process_control.constants import for_size


def p_chart_limits(defectives, sizes) -> dict:
    """p-bar from reference subgroups (defectives out of sizes): total defectives over total
    parts, not the mean of the fractions, so a small subgroup weighs less."""
    defectives, sizes = np.asarray(defectives, float), np.asarray(sizes, float)
    if np.any(sizes <= 0) or np.any(defectives < 0) or np.any(defectives > sizes):
        raise ValueError("every subgroup needs 0 <= defectives <= size and size > 0")
    return {"p_bar": float(defectives.sum() / sizes.sum())}


def p_limits_for(p_bar: float, sizes) -> tuple[np.ndarray, np.ndarray]:
    """(LCL, UCL) per subgroup: p-bar +- 3 sqrt(p-bar (1 - p-bar) / n_i), LCL floored at 0."""
    sizes = np.asarray(sizes, float)
    half = 3 * np.sqrt(p_bar * (1 - p_bar) / sizes)
    return np.maximum(p_bar - half, 0.0), np.minimum(p_bar + half, 1.0)


def standardise_p(defectives, sizes, p_bar: float) -> np.ndarray:
    """Each subgroup's fraction in its own sigmas from p-bar: the run rules need one scale
    when the subgroup sizes differ."""
    defectives, sizes = np.asarray(defectives, float), np.asarray(sizes, float)
    return (defectives / sizes - p_bar) / np.sqrt(p_bar * (1 - p_bar) / sizes)


def xbar_r_limits(subgroups) -> dict:
    """X-bar and R chart limits from reference subgroups (rows of n readings, n = 2..10).

    sigma within = R-bar / d2: the spread inside a subgroup, which a shift between subgroups
    does not inflate (the overall standard deviation would)."""
    x = np.asarray(subgroups, float)
    if x.ndim != 2 or x.shape[0] < 2:
        raise ValueError(f"subgroups must be a 2-D array, one row per subgroup; got {x.shape}")
    c = for_size(x.shape[1])
    means, ranges = x.mean(axis=1), np.ptp(x, axis=1)
    x_bar, r_bar = float(means.mean()), float(ranges.mean())
    return {"n": x.shape[1], "x_bar": x_bar, "r_bar": r_bar, "sigma": r_bar / c["d2"],
            "lcl_x": x_bar - c["A2"] * r_bar, "ucl_x": x_bar + c["A2"] * r_bar,
            "lcl_r": c["D3"] * r_bar, "ucl_r": c["D4"] * r_bar}


def standardise_xbar(subgroups, limits: dict) -> np.ndarray:
    """Each subgroup mean in sigmas of the mean (sigma / sqrt(n)) from the centre line."""
    means = np.asarray(subgroups, float).mean(axis=1)
    return (means - limits["x_bar"]) / (limits["sigma"] / np.sqrt(limits["n"]))
