"""Which patches to label: uncertainty sampling against random sampling at the same budget."""

from __future__ import annotations

import numpy as np


def entropy(probabilities) -> np.ndarray:
    """Binary entropy in bits of P(defect): 1 at 0.5, 0 when the scorer is sure."""
    p = np.clip(np.asarray(probabilities, float), 1e-12, 1 - 1e-12)
    return -(p * np.log2(p) + (1 - p) * np.log2(1 - p))


def most_uncertain(probabilities, k: int, exclude=()) -> np.ndarray:
    """Indices of the k patches of highest entropy, not already labelled."""
    h = entropy(probabilities)
    h[np.asarray(list(exclude), dtype=int)] = -np.inf
    return np.argsort(-h, kind="stable")[:k]


def at_random(n: int, k: int, rng: np.random.Generator, exclude=()) -> np.ndarray:
    """k indices drawn without replacement from those not already labelled."""
    free = np.setdiff1d(np.arange(n), np.asarray(list(exclude), dtype=int))
    return rng.choice(free, size=min(k, len(free)), replace=False)
