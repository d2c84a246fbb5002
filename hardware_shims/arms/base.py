"""`Arm`: the bookkeeping every arm shares, so a backend writes only device calls.

The base class owns the vocabulary (joints J1..J6 in degrees, `Pose` in mm
and degrees, IO channels and aliases), validation (joint limits, speeds,
workspace envelope), the wait-until-reached loop with its timeout, `stop()`,
the context manager and the binding. A backend implements the `_` hooks in
the "what a backend implements" block and nothing else.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from typing import ClassVar

from ..device import Binding, DeviceLifetime
from ..errors import MalformedURIError
from ..uri import ResourceURI, parse_uri
from . import checks
from .errors import ArmLimitError, ArmStopped, ArmTimeout
from .iomap import DEFAULT_ALIASES, INPUTS, OUTPUTS, IOMap
from .model import JOINTS, XARM6, ArmModel
from .pose import Pose


class Arm(DeviceLifetime):
    """Base class for every six-axis arm. Subclasses implement the `_` hooks."""

    kind = "arm"

    #: Joint ranges, speeds and workspace of the arm type this backend drives.
    model: ClassVar[ArmModel] = XARM6
    #: IO channels beyond DO0..DO7 / DI0..DI7 (e.g. the xArm tool connector TO0, TI0).
    extra_outputs: ClassVar[tuple[str, ...]] = ()
    extra_inputs: ClassVar[tuple[str, ...]] = ()
    #: URI parameters the backend reads; any other parameter must wire an IO alias.
    params: ClassVar[frozenset[str]] = frozenset()
    #: False when device calls must stay on the thread that moves (e.g. PyBullet).
    halt_is_thread_safe: ClassVar[bool] = True

    def __init__(self, uri: str | ResourceURI, aliases: Mapping[str, str] | None = None) -> None:
        self.uri = parse_uri(uri)
        self.binding = Binding(str(self.uri))
        channels = OUTPUTS + self.extra_outputs + INPUTS + self.extra_inputs
        wiring = dict(DEFAULT_ALIASES)
        for key, value in self.uri.params.items():
            if key in self.params:
                continue
            if value.upper() not in channels:
                accepts = ", ".join(sorted(self.params)) or "no parameters"
                raise MalformedURIError(
                    f"unknown parameter {key}={value!r} in {self.uri}; {self.uri.scheme}:// "
                    f"accepts {accepts}, or IO aliases like vacuum=DO0"
                )
            wiring[key] = value
        wiring.update(aliases or {})
        self.io = IOMap(OUTPUTS + self.extra_outputs, INPUTS + self.extra_inputs, wiring,
                        str(self.uri))
        self._outputs = dict.fromkeys(self.io.outputs, False)
        self._stop = threading.Event()
        self._moving = False
        self._closed = False

    # --- what a backend implements -------------------------------------------------
    def _read_joints(self) -> list[float]:
        """Current J1..J6 in degrees."""
        raise NotImplementedError(f"{type(self).__name__} must implement _read_joints")

    def _read_pose(self) -> Pose:
        """Current TCP pose in the base frame."""
        raise NotImplementedError(f"{type(self).__name__} must implement _read_pose")

    def _start_joints(self, target_deg: list[float], speed_deg_s: float) -> None:
        """Start a joint move to validated targets and return at once (do not wait)."""
        raise NotImplementedError(f"{type(self).__name__} must implement _start_joints")

    def _start_pose(self, pose: Pose, speed_mm_s: float) -> None:
        """Start a move to a TCP pose inside the envelope; raise ArmUnreachable if none."""
        raise NotImplementedError(f"{type(self).__name__} must implement _start_pose")

    def _halt(self) -> None:
        """Stop moving now and hold position."""
        raise NotImplementedError(f"{type(self).__name__} must implement _halt")

    def _write_output(self, channel: str, value: bool) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _write_output")

    def _read_input(self, channel: str) -> bool:
        raise NotImplementedError(f"{type(self).__name__} must implement _read_input")

    def _advance(self) -> None:
        """Let time pass while waiting for a move (real: sleep; sim: step the physics)."""
        time.sleep(0.01)

    def _now(self) -> float:
        """Seconds on the arm's clock (a simulator returns simulated time)."""
        return time.monotonic()

    def _check_fault(self) -> None:
        """Raise ArmFault if the controller reports an error (default: never)."""

    def _close(self) -> None:
        """Release the connection or simulator."""

    # --- state ------------------------------------------------------------------------
    def joints(self) -> dict[str, float]:
        """Joint angles in degrees, {"J1": ..., "J6": ...}."""
        self._check_open()
        return dict(zip(JOINTS, (float(v) for v in self._read_joints()), strict=True))

    def pose(self) -> Pose:
        """TCP pose in the base frame (mm, degrees)."""
        self._check_open()
        return Pose.coerce(self._read_pose())

    # --- motion -----------------------------------------------------------------------
    def move_joints(self, targets: Mapping[str, float] | Sequence[float],
                    speed_deg_s: float = 30.0, timeout_s: float = 10.0) -> dict[str, float]:
        """Move to joint targets (a dict may name only some joints) and wait until reached."""
        self._check_open()
        where = str(self.uri)
        target = checks.joint_targets(self.model, where, targets, self._read_joints)
        speed = checks.rate(self.model, where, "speed_deg_s", speed_deg_s,
                            self.model.max_joint_speed_deg_s, "°")
        timeout_s = checks.timeout(timeout_s)
        start = self._read_joints()
        worst = max(range(len(JOINTS)), key=lambda i: abs(target[i] - start[i]))
        checks.feasible(where, f"{JOINTS[worst]} by", abs(target[worst] - start[worst]), "°",
                        speed, "speed_deg_s", timeout_s)
        self._start_joints(target, speed)

        def remaining() -> tuple[float, str]:
            now = self._read_joints()
            i = max(range(len(JOINTS)), key=lambda k: abs(target[k] - now[k]))
            return abs(target[i] - now[i]), (
                f"{JOINTS[i]} is at {now[i]:.2f}°, target {target[i]:.2f}°")

        self._wait("move_joints", remaining, self.model.joint_tol_deg, timeout_s)
        return self.joints()

    def move_pose(self, pose: Pose | Sequence[float], speed_mm_s: float = 100.0,
                  timeout_s: float = 10.0) -> Pose:
        """Move the TCP to `pose` (inverse kinematics) and wait until it is there."""
        self._check_open()
        where = str(self.uri)
        target = Pose.coerce(pose)
        speed = checks.rate(self.model, where, "speed_mm_s", speed_mm_s,
                            self.model.max_tcp_speed_mm_s, "mm")
        timeout_s = checks.timeout(timeout_s)
        checks.in_envelope(self.model, where, target)
        checks.feasible(where, "the TCP", self._read_pose().distance_mm(target), "mm", speed,
                        "speed_mm_s", timeout_s)
        self._start_pose(target, speed)
        tol_mm, tol_deg = self.model.pose_tol_mm, self.model.pose_tol_deg

        def remaining() -> tuple[float, str]:
            now = Pose.coerce(self._read_pose())
            mm, deg = now.distance_mm(target), now.angle_deg(target)
            return max(mm / tol_mm, deg / tol_deg), (
                f"TCP is at {now}, {mm:.1f} mm and {deg:.1f}° from {target}")

        self._wait("move_pose", remaining, 1.0, timeout_s)
        return self.pose()

    def home(self, speed_deg_s: float = 30.0, timeout_s: float = 30.0) -> dict[str, float]:
        """Move to the model's home joints (the xArm's zero pose)."""
        return self.move_joints(list(self.model.home_deg), speed_deg_s, timeout_s)

    def stop(self) -> None:
        """Stop now; a move waiting in another thread raises ArmStopped."""
        self._check_open()
        if self._moving:
            self._stop.set()
        if not self._moving or self.halt_is_thread_safe:
            self._halt()

    def _wait(self, what: str, remaining: Callable[[], tuple[float, str]], tolerance: float,
              timeout_s: float) -> None:
        """Poll until `remaining()` is within tolerance; halt and raise on stop or timeout."""
        self._stop.clear()
        self._moving = True
        start_arm, start_wall = self._now(), time.monotonic()
        try:
            while True:
                if self._stop.is_set():
                    self._halt()
                    raise ArmStopped(f"{what} on {self.uri} was interrupted by stop()")
                self._check_fault()
                error, where = remaining()
                if error <= tolerance:
                    return
                # Both clocks: a simulator keeps its own time, but a notebook must not hang.
                if max(self._now() - start_arm, time.monotonic() - start_wall) >= timeout_s:
                    self._halt()
                    raise ArmTimeout(
                        f"{what} on {self.uri} did not finish within {timeout_s:g} s: {where}. "
                        "The arm was stopped; check for a blocked joint or an obstacle, "
                        "or raise timeout_s"
                    )
                self._advance()
        finally:
            self._moving = False

    # --- IO ---------------------------------------------------------------------------
    def set_output(self, name: str, value: bool) -> None:
        """Switch a digital output by channel (`DO0`) or alias (`vacuum`)."""
        self._check_open()
        channel = self.io.output(name)
        if isinstance(value, float) or value not in (True, False):
            raise ArmLimitError(
                f"set_output({name!r}, {value!r}) on {self.uri} needs True or False"
            )
        self._write_output(channel, bool(value))
        self._outputs[channel] = bool(value)

    def output(self, name: str) -> bool:
        """The value last written to an output."""
        return self._outputs[self.io.output(name)]

    def get_input(self, name: str) -> bool:
        """Read a digital input by channel (`DI0`) or alias (`part_present`)."""
        self._check_open()
        return bool(self._read_input(self.io.input(name)))

    # --- validation helpers a backend may use -------------------------------------------
    def _check_solution(self, joints_deg: Sequence[float], pose: Pose) -> None:
        """For backends with their own IK: a solution outside a joint range is unreachable."""
        checks.ik_solution(self.model, str(self.uri), joints_deg, pose)

