"""The drift tests against hand-worked values and the nominal false-alarm rate."""

import numpy as np
import pytest

from cloud_loop import drift


def test_ks_statistic_by_hand():
    # F_a - F_b at 1, 2, 3, 4: 1/2 - 0, 1 - 0, 1 - 1/2, 1 - 1
    assert drift.ks_statistic([1, 2], [3, 4]) == 1.0
    assert drift.ks_statistic([1, 3], [2, 4]) == 0.5


def test_kolmogorov_tail_known_quantiles():
    # the Kolmogorov distribution's 95 % and 99 % points are 1.3581 and 1.6276
    assert drift.kolmogorov_q(1.3581) == pytest.approx(0.05, abs=2e-4)
    assert drift.kolmogorov_q(1.6276) == pytest.approx(0.01, abs=1e-4)
    assert drift.kolmogorov_q(0.1) == 1.0


def test_ks_pvalue_is_uniform_under_no_change():
    rng = np.random.default_rng(0)
    p = np.array([drift.ks_pvalue(rng.normal(size=150), rng.normal(size=120))
                  for _ in range(2000)])
    assert np.mean(p <= 0.05) == pytest.approx(0.05, abs=0.015)
    assert np.mean(p <= 0.01) == pytest.approx(0.01, abs=0.008)


def test_ks_detects_a_shift_of_half_a_standard_deviation():
    rng = np.random.default_rng(1)
    assert drift.ks_pvalue(rng.normal(size=300), rng.normal(0.5, size=300)) < 1e-4


def test_corrections_by_hand():
    p = [0.01, 0.04, 0.03, 0.005]
    # Bonferroni at 0.05 / 4 = 0.0125
    assert drift.bonferroni(p, 0.05).tolist() == [True, False, False, True]
    # BH: sorted 0.005, 0.01, 0.03, 0.04 against 0.0125, 0.025, 0.0375, 0.05: all pass
    assert drift.benjamini_hochberg(p, 0.05).tolist() == [True, True, True, True]
    # thresholds 0.0167, 0.0333, 0.05: 0.03 passes rank 2, 0.2 fails rank 3
    assert drift.benjamini_hochberg([0.001, 0.03, 0.2], 0.05).tolist() == [True, True, False]
    # step-up: ranks 1 and 2 fail their own thresholds, rank 3 passes, so all three are rejected
    assert drift.benjamini_hochberg([0.04, 0.045, 0.05], 0.05).all()
    assert not drift.benjamini_hochberg([0.5, 0.9], 0.05).any()


def test_family_wise_rate_of_bonferroni_on_independent_features():
    rng = np.random.default_rng(2)
    alarms = [drift.bonferroni(drift.feature_pvalues(rng.normal(size=(100, 8)),
                                                     rng.normal(size=(100, 8))), 0.1).any()
              for _ in range(400)]
    assert np.mean(alarms) <= 0.1 + 0.03


def test_psi_zero_for_same_and_large_for_shift():
    rng = np.random.default_rng(3)
    a = rng.normal(size=5000)
    assert drift.psi(a, a) == pytest.approx(0.0, abs=1e-12)
    assert drift.psi(a, rng.normal(size=5000)) < 0.02
    assert drift.psi(a, rng.normal(1.0, size=5000)) > 0.5
