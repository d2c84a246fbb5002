"""`SimArm`: an xArm6 in PyBullet, headless (DIRECT) and offline, stepped at a fixed rate.

URI: `sim://xarm6?seed=0&realtime=0&hz=240`
  seed      seeds `place_part()` when no pose is given (default 0)
  realtime  1 sleeps so simulated time keeps pace with the wall clock (default 0)
  hz        physics steps per simulated second (default 240)
plus IO aliases, e.g. `vacuum=DO2`.

Timeouts count simulated seconds (so runs repeat exactly) and wall seconds
(so a slow machine still cannot hang): `timeout_s * hz` is the step budget.
The URDF has no tool, so the TCP is the flange (an xArm with TCP offset 0).
The suction cup is a point there; the arm does not collide with parts.
`move_pose` moves in joint space (all joints arrive together), not in a line.
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
import os
import sys
import time
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from ..errors import MalformedURIError
from ..uri import ResourceURI
from . import checks
from .base import Arm
from .errors import ArmError, ArmUnreachable
from .model import JOINTS, XARM6
from .pose import Pose
from .sim_parts import PartTray

_URDF = {"xarm6": "xarm/xarm6_robot.urdf"}
MODELS = tuple(_URDF)  # what sim://MODEL opens
_POLL_S = 1 / 60  # simulated time between state reads while a move waits
_IK_ROUNDS = 20  # PyBullet's IK is one solve from the current state; re-seeding converges
_GAIN = 0.3  # position-loop gain: settles to 0.01° in a few steps without overshoot
_MIN_JOINT_SPEED_DEG_S = 0.5  # so a joint with a tiny share of the move still finishes


class SimArm(Arm):
    """The xArm6 digital twin: same names, limits and units as the real arm."""

    # The twin settles exactly, so its moves can end much closer to the target.
    model = dataclasses.replace(XARM6, joint_tol_deg=0.02, pose_tol_mm=0.1, pose_tol_deg=0.1)
    params = frozenset({"seed", "realtime", "hz"})
    halt_is_thread_safe = False  # PyBullet calls stay on the thread that steps
    #: `part_present` is true when a part's top face is this close to the TCP.
    grip_radius_mm: float = 5.0

    def __init__(self, uri: str | ResourceURI, aliases: Mapping[str, str] | None = None) -> None:
        super().__init__(uri, aliases)
        name = self.uri.path.strip("/").lower()
        if name not in _URDF:
            raise MalformedURIError(
                f"{self.uri} names no simulated arm; known: "
                + ", ".join(f"sim://{n}" for n in _URDF)
            )
        self.hz = self.uri.param_int("hz", 240, minimum=30)
        self.realtime = self.uri.param_bool("realtime", False)
        self.seed = self.uri.param_int("seed", 0)
        self.rng = np.random.default_rng(self.seed)
        self.sim_time_s = 0.0
        self._steps_per_poll = max(1, round(self.hz * _POLL_S))
        self._pace = (time.monotonic(), 0.0)  # (wall, sim) seconds realtime pacing counts from
        self._jammed: set[str] = set()
        self._forced: dict[str, bool] = {}
        self._vacuum = False
        self._c, self._robot = _load_world(_URDF[name], self.hz)
        names = {self._c.getJointInfo(self._robot, j)[1].decode(): j
                 for j in range(self._c.getNumJoints(self._robot))}
        self._ids = [names[f"joint{i}"] for i in range(1, len(JOINTS) + 1)]
        self._effort = [self._c.getJointInfo(self._robot, j)[10] for j in self._ids]
        self._flange = self._ids[-1]  # link6 carries the flange
        self.parts = PartTray(self._c, self._robot, self._flange)
        for joint, angle in zip(self._ids, self.model.home_deg, strict=True):
            self._c.resetJointState(self._robot, joint, math.radians(angle))
        self._halt()

    # --- device calls -----------------------------------------------------------------
    def _read_joints(self) -> list[float]:
        states = self._c.getJointStates(self._robot, self._ids)
        return [math.degrees(s[0]) for s in states]

    def _read_pose(self) -> Pose:
        state = self._c.getLinkState(self._robot, self._flange, computeForwardKinematics=True)
        rpy = self._c.getEulerFromQuaternion(state[5])
        return Pose(*(v * 1000.0 for v in state[4]), *(math.degrees(a) for a in rpy))

    def _start_joints(self, target_deg: list[float], speed_deg_s: float) -> None:
        current = self._read_joints()
        span = max(abs(t - c) for t, c in zip(target_deg, current, strict=True)) or 1.0
        for name, joint, effort, target, now in zip(
            JOINTS, self._ids, self._effort, target_deg, current, strict=True
        ):
            # Scale each joint's speed so all arrive together, like the xArm's joint moves.
            speed = max(speed_deg_s * abs(target - now) / span, _MIN_JOINT_SPEED_DEG_S)
            self._command(joint, now if name in self._jammed else target, speed, effort)

    def _start_pose(self, pose: Pose, speed_mm_s: float) -> None:
        target = self._solve_ik(pose)
        self._check_solution(target, pose)
        current = self._read_joints()
        span = max(abs(t - c) for t, c in zip(target, current, strict=True))
        duration = self._read_pose().distance_mm(pose) / speed_mm_s
        speed = span / duration if duration > 0 else self.model.max_joint_speed_deg_s
        speed = min(max(speed, 1.0), self.model.max_joint_speed_deg_s)
        self._start_joints(target, speed)

    def _halt(self) -> None:
        for joint, effort, now in zip(self._ids, self._effort, self._read_joints(), strict=True):
            self._command(joint, now, self.model.max_joint_speed_deg_s, effort)

    def _advance(self) -> None:
        self.step(self._steps_per_poll)

    def _now(self) -> float:
        return self.sim_time_s

    def _write_output(self, channel: str, value: bool) -> None:
        if channel == self.io.aliases.get("vacuum"):
            self._vacuum = value
            if value:
                self._grab()
            else:
                self.parts.release()

    def _read_input(self, channel: str) -> bool:
        if channel in self._forced:
            return self._forced[channel]
        if channel == self.io.aliases.get("part_present"):
            return self.parts.at(self._read_pose(), self.grip_radius_mm) is not None
        return False

    def _close(self) -> None:
        self._c.disconnect()

    # --- simulation controls ------------------------------------------------------------
    def step(self, steps: int = 1) -> None:
        """Advance the physics by `steps` fixed steps of 1/hz s (e.g. to let a part drop)."""
        self._check_open()
        for _ in range(int(steps)):
            self._c.stepSimulation()
            self.sim_time_s += 1.0 / self.hz
        if self._vacuum and self.parts.held is None:
            self._grab()  # a cup left on picks a part up as soon as one touches it
        if self.realtime:
            wall, sim = self._pace
            due, now = wall + self.sim_time_s - sim, time.monotonic()
            if due > now:
                time.sleep(due - now)
            else:  # behind (e.g. the notebook sat idle): keep pace from here, don't race
                self._pace = (now, self.sim_time_s)

    def place_part(self, pose: Pose | Sequence[float] | None = None,
                   size_mm: Sequence[float] = (150.0, 72.0, 8.0), mass_kg: float = 0.03) -> int:
        """Put a part (default: a phone back cover) with its top face at `pose`; return its id.

        Without a pose the part lands somewhere in the pick zone, chosen by the URI's seed.
        """
        self._check_open()
        if pose is None:
            pose = Pose(round(self.rng.uniform(280, 340), 1), round(self.rng.uniform(-80, 80), 1),
                        40.0, 180.0, 0.0, round(self.rng.uniform(-30, 30), 1))
        return self.parts.place(Pose.coerce(pose), size_mm, mass_kg)

    def part_pose(self, part: int) -> Pose:
        """Where a part's top-face centre is now."""
        return self.parts.pose(part)

    def drive_input(self, name: str, value: bool | None) -> None:
        """Force an input (a test's wiring); None hands it back to the simulation."""
        channel = self.io.input(name)
        if value is None:
            self._forced.pop(channel, None)
        else:
            self._forced[channel] = bool(value)

    def jam(self, joint: str, jammed: bool = True) -> None:
        """Simulate a blocked joint: it holds where it is until un-jammed."""
        name = JOINTS[checks.joint_index(joint, str(self.uri))]
        if jammed:
            self._jammed.add(name)
        else:
            self._jammed.discard(name)

    # --- helpers ----------------------------------------------------------------------
    def _command(self, joint: int, target_deg: float, speed_deg_s: float, effort: float) -> None:
        self._c.setJointMotorControl2(
            self._robot, joint, self._c.POSITION_CONTROL, targetPosition=math.radians(target_deg),
            maxVelocity=math.radians(speed_deg_s), force=effort, positionGain=_GAIN,
        )

    def _grab(self) -> None:
        part = self.parts.at(self._read_pose(), self.grip_radius_mm)
        if part is not None:
            self.parts.grip(part)

    def _solve_ik(self, pose: Pose) -> list[float]:
        """Joint angles (deg) that put the flange at `pose`, or ArmUnreachable."""
        c, saved = self._c, self._c.getJointStates(self._robot, self._ids)
        position = [v / 1000.0 for v in pose.position_mm]
        orientation = c.getQuaternionFromEuler(
            [math.radians(a) for a in (pose.roll_deg, pose.pitch_deg, pose.yaw_deg)])
        tol_mm, tol_deg = self.model.pose_tol_mm, self.model.pose_tol_deg
        try:
            for _ in range(_IK_ROUNDS):
                solution = c.calculateInverseKinematics(
                    self._robot, self._flange, position, orientation,
                    maxNumIterations=100, residualThreshold=1e-8)[: len(JOINTS)]
                for joint, angle in zip(self._ids, solution, strict=True):
                    c.resetJointState(self._robot, joint, angle)
                reached = self._read_pose()
                mm, deg = reached.distance_mm(pose), reached.angle_deg(pose)
                if mm < tol_mm / 10 and deg < tol_deg / 10:
                    break
        finally:  # IK probes by moving the model; put the real state back
            for joint, (angle, velocity, *_) in zip(self._ids, saved, strict=True):
                c.resetJointState(self._robot, joint, angle, velocity)
        if mm > tol_mm or deg > tol_deg:
            raise ArmUnreachable(
                f"no joint solution puts the TCP at {pose} on {self.uri}: the best is "
                f"{mm:.1f} mm and {deg:.1f}° away. The pose is at the edge of the workspace "
                "or the tool cannot point that way there; move it closer or tilt the tool less"
            )
        current = [math.degrees(s[0]) for s in saved]
        return [_nearest_turn(math.degrees(a), now, limits)
                for a, now, limits in zip(solution, current, self.model.limits_deg, strict=True)]


def _nearest_turn(angle: float, current: float, limits: tuple[float, float]) -> float:
    """The same joint angle ±360°, inside the range and closest to where the joint is."""
    options = [angle + turn for turn in (-360.0, 0.0, 360.0)
               if limits[0] <= angle + turn <= limits[1]]
    return min(options, key=lambda a: abs(a - current)) if options else angle


def _load_world(urdf: str, hz: int) -> tuple[Any, int]:
    """A DIRECT PyBullet world: gravity, a table plane at z=0, the arm bolted to it."""
    try:
        with _quiet():  # the C library prints a banner on import
            import pybullet
            import pybullet_data
            from pybullet_utils.bullet_client import BulletClient
    except ImportError as exc:
        raise ArmError(
            f"sim:// needs PyBullet ({exc}): pip install pybullet, then open_arm again"
        ) from exc
    with _quiet():  # ...and connection notes and URDF warnings on fd 1/2
        client = BulletClient(connection_mode=pybullet.DIRECT)
        client.setAdditionalSearchPath(pybullet_data.getDataPath())
        client.setTimeStep(1.0 / hz)
        client.setGravity(0, 0, -9.81)
        client.loadURDF("plane.urdf")
        robot = client.loadURDF(urdf, useFixedBase=True)
    return client, robot


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
        saved = (os.dup(1), os.dup(2))
    except (OSError, ValueError):  # no real file descriptors (some notebook front ends)
        yield
        return
    try:
        with open(os.devnull, "w") as null:
            os.dup2(null.fileno(), 1)
            os.dup2(null.fileno(), 2)
            yield
    finally:
        os.dup2(saved[0], 1)
        os.dup2(saved[1], 2)
        os.close(saved[0])
        os.close(saved[1])
