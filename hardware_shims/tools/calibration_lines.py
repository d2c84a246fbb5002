"""The held-back calibration line: checkerboard views and covers through one seed-drawn lens.

    replay://calibration/grading    rendered per course by `autograder.held_back`, never shipped

Parts 0 to `views - 1` show the calibration board in a new pose each; the parts after them are
covers under dark-field light, glass and aluminium, seen through the same lens. The lens's
distortion (k1, k2, p1, p2) is drawn from the line's seed, so a course's hidden tests check a
calibration that no student has seen. Every frame records the true `camera_matrix`,
`dist_coeffs` and (boards) `corners_px` in its `extra`. `write_line` of `make_sessions` renders
it like any other line (board views carry no defect mask, which its digest allows).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

SIZE = "width=1280&height=960&fov_mm=180"
BOARD = "11x8"
SQUARE_MM = 8.0
MATERIALS = ("glass", "aluminium")
# k1, k2, p1, p2 ranges: barrel to mild pincushion, as the station's 8 mm lenses show
DISTORTION_RANGES = ((-0.25, 0.1), (-0.05, 0.1), (-0.0015, 0.0015), (-0.0015, 0.0015))


@dataclass(frozen=True)
class CalibrationLine:
    name: str
    description: str
    views: int  # checkerboard views first, then covers
    covers: int
    seed: int

    @property
    def parts(self) -> int:
        return self.views + self.covers

    @property
    def dist_coeffs(self) -> tuple[float, float, float, float]:
        """The lens's (k1, k2, p1, p2), drawn from the seed (rounded as the URI writes them)."""
        rng = np.random.default_rng([self.seed, 1288])  # its own stream: views keep their poses
        return tuple(round(float(rng.uniform(low, high)), 5) for low, high in DISTORTION_RANGES)

    def uri(self, index: int) -> str:
        k1, k2, p1, p2 = self.dist_coeffs
        lens = f"{SIZE}&k1={k1}&k2={k2}&p1={p1}&p2={p2}&seed={self.seed}"
        if index < self.views:
            return (f"sim://backboard-station?target=checkerboard&board={BOARD}"
                    f"&square_mm={SQUARE_MM:g}&{lens}")
        material = MATERIALS[(index - self.views) % len(MATERIALS)]
        return (f"sim://backboard-station?{lens}&light=dark-field&material={material}"
                f"&defect_rate=0&takt_s=3")


# Rendered per course from the instructor's secret seed (the seed here is replaced).
HELD_BACK_CALIBRATION = CalibrationLine(
    "grading", "held-back calibration line: board views and covers through one unseen lens",
    12, 8, 0)
