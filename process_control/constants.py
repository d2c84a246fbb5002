"""Control-chart constants for subgroups of n = 2..10 (Montgomery, *Introduction to Statistical
Quality Control*, 8th ed., Appendix Table VI; ISO 7870-2 tabulates the same factors).

    d2   E[R] / sigma for a normal sample of n: sigma is estimated as R-bar / d2
    A2   3 / (d2 sqrt(n)): X-bar limits are X-double-bar +- A2 R-bar
    D3   lower R limit D3 R-bar (0 up to n = 6: the 3-sigma limit would be negative)
    D4   upper R limit D4 R-bar
"""

from __future__ import annotations

d2 = {2: 1.128, 3: 1.693, 4: 2.059, 5: 2.326, 6: 2.534, 7: 2.704, 8: 2.847, 9: 2.970,
      10: 3.078}
A2 = {2: 1.880, 3: 1.023, 4: 0.729, 5: 0.577, 6: 0.483, 7: 0.419, 8: 0.373, 9: 0.337,
      10: 0.308}
D3 = {2: 0.0, 3: 0.0, 4: 0.0, 5: 0.0, 6: 0.0, 7: 0.076, 8: 0.136, 9: 0.184, 10: 0.223}
D4 = {2: 3.267, 3: 2.574, 4: 2.282, 5: 2.114, 6: 2.004, 7: 1.924, 8: 1.864, 9: 1.816,
      10: 1.777}


def for_size(n: int) -> dict:
    """The four constants of subgroups of `n`; a clear error outside the table."""
    if n not in d2:
        raise ValueError(f"no X-bar-R constants for subgroups of {n}: the table covers n = 2..10 "
                         "(use an S chart for larger subgroups)")
    return {"d2": d2[n], "A2": A2[n], "D3": D3[n], "D4": D4[n]}
