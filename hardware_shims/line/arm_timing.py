"""Pick times measured on the xArm6 twin (PyBullet), once per pick position, then cached.

The cell: the belt runs along +y at x = `BELT_X_MM` with the covers' top faces at
`BELT_TOP_MM`; the arm waits `HOVER_MM` above the window centre, and the reject bin stands
beside the belt. One pick: down to the cover, vacuum on and `GRIP_DWELL_S` for the cup to
seal, lift, over the bin, vacuum off and `RELEASE_DWELL_S`, back to the wait pose. The cup
meets the cover where it is at that instant and lifts it straight away (a touch-and-go pick;
an arm that tracks the belt while gripping adds its tracking time to `return_s`).
"""

from __future__ import annotations

import functools

import numpy as np

from .config import ArmTiming

BELT_X_MM = 300.0
BELT_TOP_MM = 40.0
HOVER_MM = 80.0  # wait pose height above the covers' top faces
LIFT_MM = 60.0  # how high a picked cover is lifted before it travels to the bin
BIN_POSE = (150.0, -320.0, 200.0)  # above the reject bin, beside the belt
GRIP_DWELL_S = 0.05
RELEASE_DWELL_S = 0.10


@functools.lru_cache(maxsize=16)
def measure_pick_timing(pick_window_mm: float = 300.0, arm_speed_mm_s: float = 800.0,
                        positions: int = 5, uri: str = "sim://xarm6") -> ArmTiming:
    """Run one pick cycle per position across the window on the twin; sim seconds per stage."""
    from ..arms import Pose
    from ..arms.sim import SimArm

    offsets = np.linspace(-pick_window_mm / 2, pick_window_mm / 2, positions)
    wait = Pose(BELT_X_MM, 0.0, BELT_TOP_MM + HOVER_MM, 180.0, 0.0, 0.0)
    reach, back = [], []
    with SimArm(uri) as arm:
        arm.move_pose(wait, speed_mm_s=arm_speed_mm_s)
        for y in offsets:
            touch = Pose(BELT_X_MM, float(y), BELT_TOP_MM, 180.0, 0.0, 0.0)
            t0 = arm.sim_time_s
            arm.move_pose(touch, speed_mm_s=arm_speed_mm_s)
            t1 = arm.sim_time_s
            arm.set_output("vacuum", True)
            arm.step(round(GRIP_DWELL_S * arm.hz))
            arm.move_pose(touch.shifted(dz_mm=LIFT_MM), speed_mm_s=arm_speed_mm_s)
            arm.move_pose(Pose(*BIN_POSE, 180.0, 0.0, 0.0), speed_mm_s=arm_speed_mm_s)
            arm.set_output("vacuum", False)
            arm.step(round(RELEASE_DWELL_S * arm.hz))
            arm.move_pose(wait, speed_mm_s=arm_speed_mm_s)
            reach.append(t1 - t0)
            back.append(arm.sim_time_s - t1)
    return ArmTiming(tuple(float(v) for v in offsets), tuple(reach), tuple(back),
                     source=f"{uri} at {arm_speed_mm_s:g} mm/s",
                     notes={"bin_pose_mm": BIN_POSE, "wait_pose_mm": tuple(wait.position_mm)})
