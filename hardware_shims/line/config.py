"""The line's layout and the arm's pick times: plain numbers in mm, s and mm/s.

The conveyor runs along the arm's +y axis. A photo-eye at the camera triggers the frame; the
arm (or each arm, in belt order) picks rejected covers inside its **pick window**, a stretch of
belt `pick_window_mm` long centred `pick_mm` downstream of the photo-eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class LineConfig:
    """One conveyor line. Parts cross the photo-eye every `takt_s` (+- `gap_jitter_mm`)."""

    takt_s: float = 1.2  # time between parts at the photo-eye
    speed_mm_s: float = 250.0  # belt speed
    pick_mm: tuple[float, ...] = (450.0,)  # photo-eye to each arm's window centre, belt order
    pick_window_mm: float = 300.0  # stretch of belt an arm can pick from
    frame_s: float = 0.03  # exposure + transfer: the frame is ready this long after the trigger
    decide_s: float = 0.002  # PLC cycle from the inspection result to the decision
    gap_jitter_mm: float = 10.0  # spread (std) of where parts sit on the belt
    seed: int = 0

    def __post_init__(self) -> None:
        positive = {"takt_s": self.takt_s, "speed_mm_s": self.speed_mm_s,
                    "pick_window_mm": self.pick_window_mm}
        for name, value in positive.items():
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                raise ValueError(f"LineConfig: {name} must be a number > 0, got {value!r}")
        for name in ("frame_s", "decide_s", "gap_jitter_mm"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
                raise ValueError(f"LineConfig: {name} must be a number >= 0, got {value!r}")
        picks = tuple(float(p) for p in self.pick_mm)
        if not picks or any(p <= self.pick_window_mm / 2 for p in picks):
            raise ValueError(
                f"LineConfig: pick_mm={self.pick_mm!r} needs one distance per arm, each more than "
                f"half the pick window ({self.pick_window_mm / 2:g} mm) downstream of the "
                "photo-eye, so no window reaches back to the camera")
        object.__setattr__(self, "pick_mm", picks)

    @property
    def arms(self) -> int:
        return len(self.pick_mm)

    @property
    def pitch_mm(self) -> float:
        """Distance between parts on the belt."""
        return self.speed_mm_s * self.takt_s


@dataclass(frozen=True)
class ArmTiming:
    """Pick times of one arm by where in its window the cup meets the part.

    `offsets_mm` are positions along the belt from the window centre (upstream negative);
    `reach_s[k]`: from the wait pose over the centre until the cup touches a part at
    `offsets_mm[k]`; `return_s[k]`: from that touch (grip, lift, the reject bin, release)
    until the arm waits over the centre again.
    """

    offsets_mm: tuple[float, ...]
    reach_s: tuple[float, ...]
    return_s: tuple[float, ...]
    source: str = "given"
    notes: dict = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        n = len(self.offsets_mm)
        if n < 1 or len(self.reach_s) != n or len(self.return_s) != n:
            raise ValueError("ArmTiming: offsets_mm, reach_s and return_s need the same length")
        if list(self.offsets_mm) != sorted(self.offsets_mm):
            raise ValueError("ArmTiming: offsets_mm must be in increasing order")
        if min(self.reach_s) < 0 or min(self.return_s) < 0:
            raise ValueError("ArmTiming: times must be >= 0")

    def reach(self, offset_mm: float) -> float:
        return float(_interp(offset_mm, self.offsets_mm, self.reach_s))

    def back(self, offset_mm: float) -> float:
        return float(_interp(offset_mm, self.offsets_mm, self.return_s))

    @property
    def cycle_s(self) -> float:
        """The longest pick cycle, reach plus return, anywhere in the window."""
        return max(a + b for a, b in zip(self.reach_s, self.return_s, strict=True))


def _interp(x: float, xs: tuple[float, ...], ys: tuple[float, ...]) -> float:
    """Linear between the measured positions, the end value beyond them."""
    return float(np.interp(x, xs, ys))


def line_facts(config: LineConfig, timing: ArmTiming) -> dict:
    """What a controller may know about the line, as plain data (lists, numbers)."""
    return {
        "takt_s": config.takt_s, "speed_mm_s": config.speed_mm_s,
        "pick_mm": list(config.pick_mm), "pick_window_mm": config.pick_window_mm,
        "decide_s": config.decide_s, "arms": config.arms,
        "offsets_mm": list(timing.offsets_mm), "reach_s": list(timing.reach_s),
        "return_s": list(timing.return_s),
    }
