"""Process capability against a drawing's tolerance (ISO 22514-2; Montgomery, chapter 8).

    Cp  = (USL - LSL) / (6 sigma_within)      what the spread would allow if centred
    Cpk = min(USL - mu, mu - LSL) / (3 sigma_within)   what it allows where it is centred
    Pp, Ppk  the same with the overall sample standard deviation (n - 1)

sigma_within (R-bar / d2) is the short-term spread; the overall sd also holds any drift
between subgroups. The two agree only on a process in statistical control: on one that is not,
no single number predicts what it will make next.
"""

from __future__ import annotations

import numpy as np

from process_control.constants import for_size


def capability(subgroups, lsl: float, usl: float) -> dict:
    """Cp, Cpk (sigma from R-bar / d2) and Pp, Ppk (overall sd) of rows of n readings."""
    x = np.asarray(subgroups, float)
    if not usl > lsl:
        raise ValueError(f"USL {usl} must lie above LSL {lsl}")
    sigma_within = float(np.ptp(x, axis=1).mean() / for_size(x.shape[1])["d2"])
    sigma_overall = float(x.std(ddof=1))
    mu = float(x.mean())
    nearest = min(usl - mu, mu - lsl)
    return {"mean": mu, "sigma_within": sigma_within, "sigma_overall": sigma_overall,
            "cp": (usl - lsl) / (6 * sigma_within), "cpk": nearest / (3 * sigma_within),
            "pp": (usl - lsl) / (6 * sigma_overall), "ppk": nearest / (3 * sigma_overall)}
