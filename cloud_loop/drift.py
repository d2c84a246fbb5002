"""Two-sample drift tests: Kolmogorov-Smirnov per feature, corrected over features, and PSI.

The KS p-value uses the asymptotic Kolmogorov distribution with Stephens' correction for the
effective sample size (Numerical Recipes, 3rd ed., 14.3.3); it is accurate to a few percent for
effective sizes above about 4, and continuous features (no ties) are assumed.
"""

from __future__ import annotations

import numpy as np


def ks_statistic(reference, current) -> float:
    """Largest gap between the two empirical distribution functions."""
    a, b = np.sort(np.asarray(reference, float)), np.sort(np.asarray(current, float))
    grid = np.concatenate([a, b])
    gap = (np.searchsorted(a, grid, side="right") / len(a)
           - np.searchsorted(b, grid, side="right") / len(b))
    return float(np.max(np.abs(gap)))


def kolmogorov_q(lam: float) -> float:
    """P(K > lam) for the Kolmogorov distribution: 2 sum (-1)^(j-1) exp(-2 j^2 lam^2)."""
    if lam < 0.2:
        return 1.0
    j = np.arange(1, 101)
    return float(np.clip(2 * np.sum((-1.0) ** (j - 1) * np.exp(-2 * j**2 * lam**2)), 0.0, 1.0))


def ks_pvalue(reference, current) -> float:
    """Two-sided p-value of the two-sample KS test (no difference in distribution)."""
    n = len(reference) * len(current) / (len(reference) + len(current))
    root = np.sqrt(n)
    return kolmogorov_q((root + 0.12 + 0.11 / root) * ks_statistic(reference, current))


def feature_pvalues(reference, current) -> np.ndarray:
    """KS p-value of every column (feature) of two (n, d) arrays."""
    a, b = np.asarray(reference, float), np.asarray(current, float)
    return np.array([ks_pvalue(a[:, k], b[:, k]) for k in range(a.shape[1])])


def bonferroni(pvalues, alpha: float) -> np.ndarray:
    """Rejected hypotheses with the family-wise error rate held at `alpha`."""
    p = np.asarray(pvalues, float)
    return p <= alpha / len(p)


def benjamini_hochberg(pvalues, alpha: float) -> np.ndarray:
    """Rejected hypotheses with the false discovery rate held at `alpha` (step-up)."""
    p = np.asarray(pvalues, float)
    order = np.argsort(p)
    passed = p[order] <= alpha * np.arange(1, len(p) + 1) / len(p)
    rejected = np.zeros(len(p), bool)
    if passed.any():
        rejected[order[: np.max(np.nonzero(passed)[0]) + 1]] = True
    return rejected


def psi(reference, current, n_bins: int = 10, floor: float = 1e-4) -> float:
    """Population stability index over the reference's quantile bins."""
    a, b = np.asarray(reference, float), np.asarray(current, float)
    edges = np.quantile(a, np.linspace(0, 1, n_bins + 1))[1:-1]
    p = np.bincount(np.searchsorted(edges, a, side="right"), minlength=n_bins) / len(a)
    q = np.bincount(np.searchsorted(edges, b, side="right"), minlength=n_bins) / len(b)
    p, q = np.maximum(p, floor), np.maximum(q, floor)
    return float(np.sum((q - p) * np.log(q / p)))
