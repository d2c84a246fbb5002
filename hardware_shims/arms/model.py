"""`ArmModel`: the facts about one arm type that validation needs, in pendant units."""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The shared joint names, base to flange.
JOINTS: tuple[str, ...] = ("J1", "J2", "J3", "J4", "J5", "J6")


@dataclass(frozen=True)
class ArmModel:
    """Joint ranges, speeds and workspace of one six-axis arm type."""

    name: str
    limits_deg: tuple[tuple[float, float], ...]  # (lower, upper) per joint, J1..J6
    home_deg: tuple[float, ...] = (0.0,) * 6
    max_joint_speed_deg_s: float = 180.0
    max_tcp_speed_mm_s: float = 1000.0
    shoulder_mm: tuple[float, float, float] = (0.0, 0.0, 0.0)  # J2 axis in the base frame
    envelope_mm: float = 1000.0  # nothing farther than this from the shoulder is reachable
    joint_tol_deg: float = 0.1  # a joint move is done when every joint is this close
    pose_tol_mm: float = 0.5  # a pose move is done within this distance...
    pose_tol_deg: float = 0.5  # ...and this rotation

    def __post_init__(self) -> None:
        if len(self.limits_deg) != len(JOINTS) or len(self.home_deg) != len(JOINTS):
            raise ValueError(f"{self.name}: limits_deg and home_deg need {len(JOINTS)} entries")

    @property
    def limits(self) -> dict[str, tuple[float, float]]:
        """Valid range of each joint in degrees, by name."""
        return dict(zip(JOINTS, self.limits_deg, strict=True))

    def outside_envelope(self, position_mm: tuple[float, float, float]) -> float | None:
        """Distance from the shoulder if `position_mm` is beyond the envelope, else None."""
        distance = math.dist(position_mm, self.shoulder_mm)
        return distance if distance > self.envelope_mm else None


# UFACTORY xArm6 datasheet ranges (they match the URDF shipped with pybullet_data).
# The datasheet reach is 700 mm; the envelope is the flange's outer limit at full stretch.
XARM6 = ArmModel(
    name="xArm6",
    limits_deg=((-360.0, 360.0), (-118.0, 120.0), (-225.0, 11.0),
                (-360.0, 360.0), (-97.0, 180.0), (-360.0, 360.0)),
    max_joint_speed_deg_s=180.0,
    max_tcp_speed_mm_s=1000.0,
    shoulder_mm=(0.0, 0.0, 267.0),
    envelope_mm=760.0,
)
