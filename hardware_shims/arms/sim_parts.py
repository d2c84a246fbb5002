"""`PartTray`: the simulated parts a `SimArm` picks — boxes, their conveyor pads, the cup.

A part is a thin box (a phone back cover by default) resting on a static pad
that stands in for the conveyor belt. Poses name the centre of the part's top
face, which is where the suction cup touches it. Gripping is a fixed
constraint from the flange to the part, made where the part is when the
vacuum comes on, so the part keeps its offset and follows the TCP.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .pose import Pose

_PAD_MARGIN_M = 0.01  # the belt is a little wider than the part under it
_HOLD_FORCE_N = 50.0  # enough for a 30 g cover at full speed, like a 40 mm cup


class PartTray:
    """Parts in one PyBullet world, and which one the vacuum cup holds."""

    def __init__(self, client, robot: int, flange: int) -> None:
        self._c = client
        self._robot = robot
        self._flange = flange
        self._half: dict[int, tuple[float, float, float]] = {}  # part id -> half extents (m)
        self._held: tuple[int, int] | None = None  # (part id, constraint id)

    @property
    def ids(self) -> list[int]:
        return list(self._half)

    @property
    def held(self) -> int | None:
        """The part on the cup, or None."""
        return self._held[0] if self._held else None

    def place(self, pose: Pose, size_mm: Sequence[float], mass_kg: float) -> int:
        """Add a part whose top-face centre is at `pose` (its yaw turns the part)."""
        if len(size_mm) != 3 or not all(s > 0 for s in size_mm) or not mass_kg > 0:
            raise ValueError(
                f"a part needs size_mm=(length, width, thickness) > 0 and mass_kg > 0, "
                f"got size_mm={tuple(size_mm)}, mass_kg={mass_kg}"
            )
        c = self._c
        half = tuple(s / 2000.0 for s in size_mm)
        x, y, top = (v / 1000.0 for v in pose.position_mm)
        turn = c.getQuaternionFromEuler([0.0, 0.0, math.radians(pose.yaw_deg)])
        shape = c.createCollisionShape(c.GEOM_BOX, halfExtents=half)
        part = c.createMultiBody(baseMass=mass_kg, baseCollisionShapeIndex=shape,
                                 basePosition=[x, y, top - half[2]], baseOrientation=turn)
        bottom = top - 2 * half[2]
        if bottom > 0.0005:  # parts lower than that lie on the table itself
            pad_half = [half[0] + _PAD_MARGIN_M, half[1] + _PAD_MARGIN_M, bottom / 2]
            pad_shape = c.createCollisionShape(c.GEOM_BOX, halfExtents=pad_half)
            pad = c.createMultiBody(baseMass=0, baseCollisionShapeIndex=pad_shape,
                                    basePosition=[x, y, bottom / 2], baseOrientation=turn)
            self._no_arm_contact(pad)
        self._no_arm_contact(part)
        self._half[part] = half
        return part

    def pose(self, part: int) -> Pose:
        """Pose of the part's top-face centre (mm, degrees)."""
        if part not in self._half:
            raise KeyError(f"no simulated part with id {part}; parts: {self.ids}")
        c = self._c
        position, orientation = c.getBasePositionAndOrientation(part)
        top, _ = c.multiplyTransforms(position, orientation, [0, 0, self._half[part][2]],
                                      [0, 0, 0, 1])
        rpy = c.getEulerFromQuaternion(orientation)
        return Pose(*(v * 1000.0 for v in top), *(math.degrees(a) for a in rpy))

    def at(self, tcp: Pose, radius_mm: float) -> int | None:
        """The part whose top-face centre is nearest the TCP, if within `radius_mm`."""
        near = [(self.pose(p).distance_mm(tcp), p) for p in self._half]
        near = [(d, p) for d, p in near if d <= radius_mm]
        return min(near)[1] if near else None

    def grip(self, part: int) -> None:
        """Fix `part` to the flange where it is now (vacuum on)."""
        if self._held:
            return
        c = self._c
        link = c.getLinkState(self._robot, self._flange, computeForwardKinematics=True)
        # Constraint frames are relative to each body's centre of mass (state[0], state[1]).
        inv_pos, inv_orn = c.invertTransform(link[0], link[1])
        part_pos, part_orn = c.getBasePositionAndOrientation(part)
        rel_pos, rel_orn = c.multiplyTransforms(inv_pos, inv_orn, part_pos, part_orn)
        constraint = c.createConstraint(
            self._robot, self._flange, part, -1, c.JOINT_FIXED, [0, 0, 0],
            parentFramePosition=rel_pos, childFramePosition=[0, 0, 0],
            parentFrameOrientation=rel_orn, childFrameOrientation=[0, 0, 0, 1],
        )
        c.changeConstraint(constraint, maxForce=_HOLD_FORCE_N)
        self._held = (part, constraint)

    def release(self) -> None:
        """Drop the held part (vacuum off)."""
        if self._held:
            self._c.removeConstraint(self._held[1])
            self._held = None

    def _no_arm_contact(self, body: int) -> None:
        for link in range(-1, self._c.getNumJoints(self._robot)):
            self._c.setCollisionFilterPair(self._robot, body, link, -1, 0)
