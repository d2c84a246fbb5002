"""Validation of what a program asks an arm to do, before any device call is made.

Every check raises an `ArmError` subclass whose message names the value, the
valid range, the arm (`where`, its URI) and what to change.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from .errors import ArmLimitError, ArmNameError, ArmTimeout, ArmUnreachable
from .model import JOINTS, ArmModel
from .pose import Pose


def number(name: str, value: Any) -> float:
    """`value` as a finite float; bools and strings are mistakes, not numbers."""
    if isinstance(value, (bool, str)):
        raise ArmLimitError(f"{name}={value!r} must be a number")
    try:
        result = float(value)
    except (TypeError, ValueError):
        raise ArmLimitError(f"{name}={value!r} must be a number") from None
    if not math.isfinite(result):
        raise ArmLimitError(f"{name}={value!r} must be finite")
    return result


def joint_index(name: str, where: str) -> int:
    key = str(name).upper()
    if key not in JOINTS:
        raise ArmNameError(f"unknown joint {name!r} on {where}; joints are {', '.join(JOINTS)}")
    return JOINTS.index(key)


def joint_targets(model: ArmModel, where: str, targets: Mapping[str, float] | Sequence[float],
                  current: Callable[[], list[float]]) -> list[float]:
    """Six targets in degrees; a dict names only the joints that move, the rest stay."""
    if isinstance(targets, Mapping):
        values = [float(v) for v in current()]
        for name, value in targets.items():
            values[joint_index(name, where)] = number(str(name).upper(), value)
    elif isinstance(targets, Sequence) and not isinstance(targets, str):
        if len(targets) != len(JOINTS):
            raise ArmNameError(
                f"move_joints on {where} needs {len(JOINTS)} angles (J1..J6) or a dict like "
                f"{{'J2': -30}}, got {len(targets)} values"
            )
        values = [number(name, v) for name, v in zip(JOINTS, targets, strict=True)]
    else:
        raise ArmNameError(
            f"joint targets must be a dict like {{'J1': 30}} or six angles, got {targets!r}"
        )
    for name, value, (lower, upper) in zip(JOINTS, values, model.limits_deg, strict=True):
        if not lower <= value <= upper:
            raise ArmLimitError(
                f"{name}={value:g}° is outside its range {lower:g}° to {upper:g}° on {where} "
                f"({model.name}); pick a target inside the range",
                joint=name, value=value, valid=(lower, upper),
            )
    return values


def rate(model: ArmModel, where: str, name: str, value: float, maximum: float,
         unit: str) -> float:
    """A speed in (0, maximum]."""
    result = number(name, value)
    if not 0 < result <= maximum:
        raise ArmLimitError(
            f"{name}={value!r} is outside 0 to {maximum:g} {unit}/s for the {model.name} on "
            f"{where}; pick a speed in that range",
            value=result, valid=(0.0, maximum),
        )
    return result


def timeout(value: float) -> float:
    result = number("timeout_s", value)
    if not result > 0:
        raise ArmLimitError(f"timeout_s must be > 0, got {value!r}")
    return result


def feasible(where: str, what: str, distance: float, unit: str, speed: float,
             speed_name: str, timeout_s: float) -> None:
    """Refuse at once a move that cannot finish in time even at full speed all the way."""
    needed = distance / speed
    if needed > timeout_s:
        gap = "" if unit == "°" else " "
        raise ArmTimeout(
            f"moving {what} {distance:.1f}{gap}{unit} at {speed:g} {unit}/s takes at least "
            f"{needed:.1f} s, more than timeout_s={timeout_s:g} on {where}; raise "
            f"{speed_name} or timeout_s"
        )


def in_envelope(model: ArmModel, where: str, pose: Pose) -> None:
    far = model.outside_envelope(pose.position_mm)
    if far is not None:
        raise ArmUnreachable(
            f"pose {pose} is {far:.0f} mm from the {model.name} shoulder; nothing beyond "
            f"{model.envelope_mm:.0f} mm is reachable on {where}. Move the target closer "
            "to the arm (positions are in mm, not m)"
        )


def ik_solution(model: ArmModel, where: str, joints_deg: Sequence[float], pose: Pose) -> None:
    """A joint solution for `pose` outside a joint range means the pose is unreachable."""
    for name, value, (lower, upper) in zip(JOINTS, joints_deg, model.limits_deg, strict=True):
        if not lower <= value <= upper:
            raise ArmUnreachable(
                f"reaching {pose} on {where} needs {name}={value:.1f}°, outside its range "
                f"{lower:g}° to {upper:g}°; pick a pose nearer the arm's front or another "
                "tool orientation"
            )
