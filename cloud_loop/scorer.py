"""The defect scorer: a two-layer perceptron on patch features, its training and its metrics.

The features are standardised with the training set's mean and spread, kept in the model's
state_dict beside the weights, so a registered version carries everything it needs to score.
"""

from __future__ import annotations

import math

import numpy as np
import torch
from torch import nn


class Scorer(nn.Module):
    """P(defect) of a patch from its feature vector."""

    def __init__(self, n_features: int, hidden: int = 16):
        super().__init__()
        self.register_buffer("centre", torch.zeros(n_features))
        self.register_buffer("scale", torch.ones(n_features))
        self.net = nn.Sequential(nn.Linear(n_features, hidden), nn.ReLU(), nn.Linear(hidden, 1))

    def forward(self, x: torch.Tensor) -> torch.Tensor:  # logits
        return self.net((x - self.centre) / self.scale).squeeze(-1)


def train_scorer(features, labels, seed: int = 0, epochs: int = 400, hidden: int = 16) -> Scorer:
    """A scorer fitted by full-batch Adam on the cross-entropy, classes weighted to balance."""
    torch.manual_seed(seed)
    x = torch.as_tensor(np.asarray(features), dtype=torch.float32)
    y = torch.as_tensor(np.asarray(labels), dtype=torch.float32)
    model = Scorer(x.shape[1], hidden)
    model.centre.copy_(x.mean(0))
    model.scale.copy_(x.std(0).clamp_min(1e-6))
    positives = float(y.sum())
    weight = torch.tensor((len(y) - positives) / max(positives, 1.0))  # balance the classes
    loss_fn = nn.BCEWithLogitsLoss(pos_weight=weight)
    optimiser = torch.optim.Adam(model.parameters(), lr=0.02, weight_decay=1e-3)
    model.train()
    for _ in range(epochs):
        optimiser.zero_grad()
        loss = loss_fn(model(x), y)
        loss.backward()
        optimiser.step()
    return model.eval()


def scores(model: Scorer, features) -> np.ndarray:
    """P(defect) per patch."""
    with torch.no_grad():
        x = torch.as_tensor(np.asarray(features), dtype=torch.float32)
        return torch.sigmoid(model(x)).numpy().astype(np.float64)


def allowed_escapes(n_defects: int, max_escape: float, confidence: float | None) -> int:
    """How many validation defects may score below the threshold.

    Without `confidence`: floor(max_escape * n). With it: the largest k such that, were the true
    escape rate `max_escape`, k or fewer escapes would be seen with probability at most
    1 - confidence (the one-sided Clopper-Pearson bound on the escape rate is then within the
    budget). -1 when even no escape at all is not proof enough.
    """
    if confidence is None:
        return int(np.floor(max_escape * n_defects))
    k, cdf = -1, 0.0
    while k + 1 <= n_defects:
        cdf += math.comb(n_defects, k + 1) * max_escape ** (k + 1) * (1 - max_escape) ** (
            n_defects - k - 1)
        if cdf > 1 - confidence:
            break
        k += 1
    return k


def threshold_for_escapes(scores_, labels, max_escape: float, confidence: float | None = None,
                          groups=None) -> float:
    """The highest threshold that lets at most the allowed number of validation defects pass.

    `groups` (one id per patch, e.g. the cover) says which defect patches are views of one
    defect: the bound then counts distinct defects, not patches, and the allowed escapes are
    scaled back to patches.
    """
    y = np.asarray(labels) == 1
    s = np.sort(np.asarray(scores_)[y])
    if not len(s):
        return 0.5
    n_effective = len(np.unique(np.asarray(groups)[y])) if groups is not None else len(s)
    allowed = max(allowed_escapes(n_effective, max_escape, confidence), 0)
    # the (allowed + 1)-th weakest defect patch is the first one rejected
    return float(s[min(int(np.floor(allowed * len(s) / n_effective)), len(s) - 1)])


def auroc(scores_, labels) -> float:
    """Area under the ROC curve: P(a defect scores above a good patch), ties counting half."""
    s, y = np.asarray(scores_, float), np.asarray(labels)
    pos, neg = s[y == 1], s[y == 0]
    if not len(pos) or not len(neg):
        return float("nan")
    greater = (pos[:, None] > neg[None, :]).sum() + 0.5 * (pos[:, None] == neg[None, :]).sum()
    return float(greater / (len(pos) * len(neg)))


def line_metrics(scores_, labels, threshold: float) -> dict:
    """Escape rate, false-reject rate and AUROC of a scorer on one labelled line."""
    s, y = np.asarray(scores_, float), np.asarray(labels)
    reject = s >= threshold
    return {"escape_rate": float(np.mean(~reject[y == 1])) if (y == 1).any() else 0.0,
            "false_reject_rate": float(np.mean(reject[y == 0])) if (y == 0).any() else 0.0,
            "auroc": auroc(s, y)}
