"""Label selection, the escape-budget threshold and the scorer's metrics."""

import numpy as np
import pytest

from cloud_loop import sampling, scorer


def test_entropy_and_most_uncertain():
    assert sampling.entropy([0.5])[0] == pytest.approx(1.0)
    assert sampling.entropy([0.0, 1.0]).max() < 1e-9
    p = np.array([0.05, 0.45, 0.9, 0.55, 0.5])
    assert sampling.most_uncertain(p, 2).tolist() == [4, 1]
    assert sampling.most_uncertain(p, 2, exclude=[4]).tolist() == [1, 3]


def test_at_random_excludes_labelled():
    chosen = sampling.at_random(10, 5, np.random.default_rng(0), exclude=[0, 1, 2])
    assert len(set(chosen)) == 5 and not set(chosen) & {0, 1, 2}


def test_allowed_escapes_clopper_pearson():
    assert scorer.allowed_escapes(200, 0.05, None) == 10
    # P(X <= 4 | 200, 0.05) = 0.026 <= 0.05 < P(X <= 5) = 0.062
    assert scorer.allowed_escapes(200, 0.05, 0.95) == 4
    # 0.95 ** 58 = 0.051: not even no escape at all proves 5 % with 58 defects
    assert scorer.allowed_escapes(58, 0.05, 0.95) == -1
    assert scorer.allowed_escapes(59, 0.05, 0.95) == 0


def test_threshold_and_metrics():
    s = np.array([0.1, 0.2, 0.3, 0.6, 0.7, 0.8, 0.9, 0.95])
    y = np.array([0, 0, 0, 1, 1, 1, 1, 1])
    assert scorer.threshold_for_escapes(s, y, 0.2) == 0.7  # one of five defects may pass
    m = scorer.line_metrics(s, y, 0.7)
    assert m == {"escape_rate": 0.2, "false_reject_rate": 0.0, "auroc": 1.0}
    # patches grouped by defect: two defects, none may pass
    assert scorer.threshold_for_escapes(s, y, 0.2, 0.95, groups=[0, 0, 0, 1, 1, 1, 2, 2]) == 0.6
    assert scorer.auroc([0.5, 0.5], [0, 1]) == 0.5


def test_scorer_learns_a_separable_rule():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(400, 3)) * [1.0, 50.0, 0.01] + [0.0, 100.0, 5.0]
    y = (x[:, 0] + (x[:, 1] - 100) / 50 > 0).astype(int)
    model = scorer.train_scorer(x, y, epochs=300)
    assert scorer.auroc(scorer.scores(model, x), y) > 0.98
