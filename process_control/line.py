"""A seeded line of gauged cover dimensions, to practise control charts on.

The twin renders every cover at the drawing's 150 x 75 mm exactly, so the spread of the cutting
process is modelled here: each cover's true length and width are normal about the process mean
(`offset_mm` from nominal, `process_sd_mm`), and the gauge adds its own normal noise
(`gauge_sd_mm`; 0.0033 mm is the most a gauge may have and still pass unit 06's acceptance:
%GRR <= 10 % of the 0.2 mm tolerance band is 6 sigma_gauge <= 0.02 mm). From subgroup
`shift_at` on, the process mean moves by `shift_mm` (a fixture that has slipped).
"""

from __future__ import annotations

import numpy as np

COVER_MM = (150.0, 75.0)
TOLERANCE_MM = 0.1
GAUGE_SD_MM = 0.1 * 2 * TOLERANCE_MM / 6


def gauged_line(subgroups: int = 60, n: int = 5, offset_mm=(0.010, -0.004),
                process_sd_mm=(0.020, 0.016), gauge_sd_mm: float = GAUGE_SD_MM,
                shift_at: int | None = None, shift_mm=(0.0, 0.0), seed: int = 0) -> dict:
    """{"length_mm", "width_mm": gauged readings, one row of n covers per subgroup;
    "true_length_mm", "true_width_mm": the covers' true sizes; "shift_at"}."""
    rng = np.random.default_rng(seed)
    moved = np.zeros(subgroups, bool)
    if shift_at is not None:
        moved[shift_at:] = True
    line = {"shift_at": shift_at}
    for k, name in enumerate(("length", "width")):
        mean = COVER_MM[k] + offset_mm[k] + np.where(moved, shift_mm[k], 0.0)[:, None]
        true = mean + rng.normal(0.0, process_sd_mm[k], (subgroups, n))
        line[f"true_{name}_mm"] = true
        line[f"{name}_mm"] = true + rng.normal(0.0, gauge_sd_mm, (subgroups, n))
    return line
