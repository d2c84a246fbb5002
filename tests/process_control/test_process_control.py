"""Control limits, run rules and capability against values worked by hand and textbook
figures; each test can fail on the plausible mistake it names."""

from __future__ import annotations

import math

import matplotlib
import numpy as np
import pytest

from process_control import (
    capability,
    first_alarm,
    p_chart_limits,
    run_length_arl,
    standardise_p,
    standardise_xbar,
    violations,
    xbar_r_limits,
)
from process_control.charts import p_limits_for
from process_control.constants import A2, D4, d2, for_size
from process_control.line import GAUGE_SD_MM, gauged_line
from process_control.rules import alarms

matplotlib.use("Agg")


def test_constants_follow_from_d2():
    # A2 = 3 / (d2 sqrt(n)) to the table's three decimals
    for n in range(2, 11):
        assert A2[n] == pytest.approx(3 / (d2[n] * math.sqrt(n)), abs=1.5e-3)
    assert D4[5] == 2.114 and d2[5] == 2.326
    with pytest.raises(ValueError, match="n = 2..10"):
        for_size(12)


def test_p_chart_pools_the_subgroups_and_limits_depend_on_n():
    limits = p_chart_limits([1, 9], [10, 90])
    assert limits["p_bar"] == pytest.approx(0.1)  # 10 / 100, not the mean of 0.1 and 0.1
    assert p_chart_limits([5, 5], [10, 90])["p_bar"] == pytest.approx(0.1)  # not (0.5 + 0.056)/2
    lcl, ucl = p_limits_for(0.1, [25, 100])
    assert ucl[0] == pytest.approx(0.1 + 3 * math.sqrt(0.09 / 25))
    assert ucl[1] == pytest.approx(0.19)
    assert lcl[0] == 0.0 and lcl[1] == pytest.approx(0.01)
    z = standardise_p([10, 19], [100, 100], 0.1)
    assert z == pytest.approx([0.0, 3.0])
    with pytest.raises(ValueError):
        p_chart_limits([3], [2])


def test_xbar_r_limits_by_hand():
    x = np.array([[1.0, 2, 3, 4, 5], [2, 2, 2, 2, 6]])  # ranges 4 and 4, means 3 and 2.8
    limits = xbar_r_limits(x)
    assert limits["r_bar"] == 4 and limits["x_bar"] == pytest.approx(2.9)
    assert limits["sigma"] == pytest.approx(4 / 2.326)
    assert limits["ucl_x"] == pytest.approx(2.9 + 0.577 * 4)
    assert limits["ucl_r"] == pytest.approx(2.114 * 4) and limits["lcl_r"] == 0
    z = standardise_xbar(x, limits)
    assert z[0] == pytest.approx(0.1 / (4 / 2.326 / math.sqrt(5)))


def test_sigma_within_ignores_a_shift_between_subgroups():
    line = gauged_line(subgroups=40, shift_at=20, shift_mm=(0.06, 0.0), seed=3)
    limits = xbar_r_limits(line["length_mm"])
    overall = line["length_mm"].std(ddof=1)
    assert limits["sigma"] < 0.8 * overall  # the shift inflates only the overall sd
    assert limits["sigma"] == pytest.approx(math.hypot(0.020, GAUGE_SD_MM), rel=0.2)


def test_each_rule_fires_on_its_pattern_only():
    assert [v["rule"] for v in violations([0, 3.2, 0])] == [1]
    two_of_three = violations([0, 2.5, -0.5, 2.5, 0])
    assert [(v["rule"], v["at"], v["subgroups"]) for v in two_of_three] == [(2, 3, [1, 3])]
    # one above and one below 2 sigma is no rule-2 pattern
    assert violations([0, 2.5, -2.5, 0]) == []
    assert {v["rule"] for v in violations([1.5, 1.5, 0.2, 1.5, 1.5])} == {3}
    eight = violations([0.5] * 8)
    assert [(v["rule"], v["at"], v["side"]) for v in eight] == [(4, 7, "above")]
    assert violations([0.5] * 7 + [-0.5]) == []
    assert violations([-1.2] * 4 + [0.0])[0]["side"] == "below"


def test_alarms_run_along_the_last_axis():
    z = np.array([[0, 0, 3.5], [0, 0, 0]])
    fired = alarms(z, rules=(1,))
    assert fired[1].tolist() == [[False, False, True], [False, False, False]]
    assert first_alarm(z[0]) == {"at": 2, "rules": [1]}
    assert first_alarm([0.0, 0.1, -0.2]) is None
    assert first_alarm([3.5, 0, 0, 3.5], start=1)["at"] == 3


def test_arl_matches_the_textbook():
    one = run_length_arl((1,), runs=3000, length=4000, seed=1)
    assert abs(one["arl"] - 1 / (2 * 0.0013499)) < 4 * one["se"]  # 370.4
    four = run_length_arl(runs=3000, length=2000, seed=1)
    assert abs(four["arl"] - 91.75) < 4 * four["se"]  # Champ and Woodall 1987
    assert four["censored"] == 0


def test_capability_by_hand_and_cp_is_not_cpk():
    x = np.array([[0.0, 1.0], [0.0, 1.0], [1.0, 0.0]])  # R-bar 1, d2(2) 1.128
    result = capability(x, lsl=-2.0, usl=3.0)
    sigma = 1 / 1.128
    assert result["sigma_within"] == pytest.approx(sigma)
    assert result["mean"] == pytest.approx(0.5)
    assert result["cp"] == pytest.approx(5 / (6 * sigma))
    assert result["cpk"] == pytest.approx(2.5 / (3 * sigma))
    assert result["pp"] == pytest.approx(5 / (6 * x.std(ddof=1)))
    off = capability(x + 1.5, lsl=-2.0, usl=3.0)
    assert off["cpk"] < off["cp"] == pytest.approx(result["cp"])
    with pytest.raises(ValueError):
        capability(x, lsl=1.0, usl=0.0)


def test_line_is_seeded_and_shifts_where_asked():
    a = gauged_line(subgroups=30, seed=5, shift_at=10, shift_mm=(0.02, 0.0))
    b = gauged_line(subgroups=30, seed=5, shift_at=10, shift_mm=(0.02, 0.0))
    assert np.array_equal(a["length_mm"], b["length_mm"])
    moved = a["true_length_mm"][10:].mean() - a["true_length_mm"][:10].mean()
    assert moved == pytest.approx(0.02, abs=0.012)
    assert a["length_mm"].shape == (30, 5)


def test_plots_draw_limits_and_marks():
    import matplotlib.pyplot as plt

    from process_control.plots import capability_histogram, control_chart

    fig, (top, bottom) = plt.subplots(2)
    control_chart(top, [0, 1, 4], 0, -3, 3, alarms_at=[2], ylabel="z", phase_end=2, shift_at=1)
    labels = top.get_legend_handles_labels()[1]
    assert {"UCL", "LCL", "centre", "in a violated rule", "true shift"} <= set(labels)
    capability_histogram(bottom, np.random.default_rng(0).normal(0, 1, 200), -3, 3, 0, 1, 1.1,
                         xlabel="mm")
    assert len(bottom.lines) >= 4
    plt.close(fig)
