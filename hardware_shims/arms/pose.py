"""`Pose`: a TCP pose in the arm's base frame, in the units the pendant shows.

Millimetres and degrees; roll/pitch/yaw are fixed-axis X, Y, Z rotations
(R = Rz(yaw) @ Ry(pitch) @ Rx(roll)), the convention of the xArm SDK and of
PyBullet's Euler helpers. `Pose(207, 0, 112, 180, 0, 0)` is the xArm6 at zero.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np

from .errors import ArmLimitError


class Pose(NamedTuple):
    """TCP pose: position in mm, orientation as roll/pitch/yaw in degrees."""

    x_mm: float
    y_mm: float
    z_mm: float
    roll_deg: float = 180.0  # tool pointing down, the usual pick orientation
    pitch_deg: float = 0.0
    yaw_deg: float = 0.0

    @classmethod
    def coerce(cls, value: Any) -> Pose:
        """A Pose from a Pose, a 3- or 6-number sequence, or a mapping of field names."""
        if isinstance(value, Pose):
            pose = value
        elif isinstance(value, Mapping):
            unknown = set(value) - set(cls._fields)
            if unknown:
                raise ArmLimitError(
                    f"unknown pose field(s) {sorted(unknown)}; fields: {', '.join(cls._fields)}"
                )
            pose = cls(**value)
        elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) in (3, 6):
            pose = cls(*value)
        else:
            raise ArmLimitError(
                f"pose must be a Pose, [x, y, z] or [x, y, z, roll, pitch, yaw] in mm and "
                f"degrees, got {value!r}"
            )
        for name, number in zip(cls._fields, pose, strict=True):
            if isinstance(number, bool) or not isinstance(number, (int, float, np.number)):
                raise ArmLimitError(f"pose field {name}={number!r} must be a number")
            if not math.isfinite(number):
                raise ArmLimitError(f"pose field {name}={number!r} must be finite")
        return cls(*(float(v) for v in pose))

    @property
    def position_mm(self) -> tuple[float, float, float]:
        return (self.x_mm, self.y_mm, self.z_mm)

    def shifted(self, dx_mm: float = 0.0, dy_mm: float = 0.0, dz_mm: float = 0.0) -> Pose:
        """The same orientation, moved in the base frame (e.g. 100 mm above a part)."""
        return self._replace(x_mm=self.x_mm + dx_mm, y_mm=self.y_mm + dy_mm,
                             z_mm=self.z_mm + dz_mm)

    def rotation(self) -> np.ndarray:
        """3x3 rotation matrix of the orientation."""
        r, p, y = (math.radians(a) for a in (self.roll_deg, self.pitch_deg, self.yaw_deg))
        cr, sr, cp, sp, cy, sy = (math.cos(r), math.sin(r), math.cos(p), math.sin(p),
                                  math.cos(y), math.sin(y))
        return np.array([
            [cy * cp, cy * sp * sr - sy * cr, cy * sp * cr + sy * sr],
            [sy * cp, sy * sp * sr + cy * cr, sy * sp * cr - cy * sr],
            [-sp, cp * sr, cp * cr],
        ])

    def distance_mm(self, other: Pose) -> float:
        """Straight-line distance between the two TCP positions."""
        return math.dist(self.position_mm, Pose.coerce(other).position_mm)

    def angle_deg(self, other: Pose) -> float:
        """Smallest rotation between the orientations (roll 180 and -180 are the same)."""
        relative = self.rotation().T @ Pose.coerce(other).rotation()
        cos = (np.trace(relative) - 1.0) / 2.0
        return math.degrees(math.acos(max(-1.0, min(1.0, cos))))

    def __str__(self) -> str:
        return (f"({self.x_mm:.1f}, {self.y_mm:.1f}, {self.z_mm:.1f}) mm, "
                f"rpy ({self.roll_deg:.1f}, {self.pitch_deg:.1f}, {self.yaw_deg:.1f})°")
