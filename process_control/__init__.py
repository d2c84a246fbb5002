"""Statistical process control for the inspection line: Shewhart control charts (p and X-bar-R),
the Western Electric run rules, process capability, and a gauged-dimension line to practise on.

One idea per module:

    constants    the control-chart constants d2, A2, D3, D4 for subgroups of n = 2..10
    charts       p-chart limits (varying subgroup sizes) and X-bar-R limits, phase I/phase II
    rules        Western Electric rules 1-4 on standardised points, and their false-alarm ARL
    capability   Cp, Cpk (within-subgroup sigma) and Pp, Ppk (overall sigma)
    line         a seeded line of gauged lengths and widths, with an optional fixture shift
    plots        control charts and a capability histogram with matplotlib

    limits = xbar_r_limits(reference_subgroups)         # phase I: an in-control period
    z = standardise_xbar(subgroups, limits)              # phase II: every subgroup
    for v in violations(z): print(v["rule"], v["subgroups"])
"""

from process_control.capability import capability
from process_control.charts import (
    p_chart_limits,
    standardise_p,
    standardise_xbar,
    xbar_r_limits,
)
from process_control.constants import A2, D3, D4, d2
from process_control.rules import alarms, first_alarm, run_length_arl, violations

__all__ = [
    "A2", "D3", "D4", "alarms", "capability", "d2", "first_alarm", "p_chart_limits",
    "run_length_arl", "standardise_p", "standardise_xbar", "violations", "xbar_r_limits",
]
