"""Arm shims: one API for the line's six-axis arm, simulated or real.

    from hardware_shims.arms import open_arm, Pose
    with open_arm() as arm:                      # "auto": $MICROFAB_ARM, else sim://xarm6
        arm.move_pose(Pose(300, 0, 150))         # mm and degrees; tool down by default
        arm.set_output("vacuum", True)
        arm.move_joints({"J1": -60}, speed_deg_s=60)

URIs: `sim://xarm6?seed=0&realtime=0&hz=240` (PyBullet, offline) and
`xarm://192.168.1.185` (UFACTORY xArm, needs `pip install xarm-python-sdk`).
Any URI also takes IO aliases, e.g. `?vacuum=DO2&part_present=DI5`.

Adding your own arm
-------------------
A driver is a subclass of `hardware_shims.arms.Arm` whose constructor takes
the parsed URI (`f(ResourceURI) -> Arm`). The base class already validates
names, limits, speeds and the workspace, waits for moves with a timeout,
handles `stop()`, IO aliases, the context manager and the binding line. The
driver sets three class attributes and implements the device calls:

  model            `ArmModel`: joint ranges (deg), home joints, max joint speed
                   (deg/s) and TCP speed (mm/s), shoulder position and reach
                   envelope (mm), tolerances. `XARM6` is an example.
  params           URI parameters the driver reads (others must be IO aliases).
  extra_outputs / extra_inputs   channels beyond DO0..DO7 / DI0..DI7.

  _read_joints() -> [J1..J6]        degrees, base to flange
  _read_pose() -> Pose              TCP in the base frame: x, y, z in mm; roll,
                                    pitch, yaw in degrees, R = Rz(yaw) Ry(pitch) Rx(roll)
  _start_joints(target_deg, speed_deg_s)   start a joint move, return at once
  _start_pose(pose, speed_mm_s)     start a TCP move (controller IK, or your own
                                    IK + `self._check_solution(q, pose)`), return at once
  _halt()                           stop and hold position
  _write_output(channel, bool)      channel is "DO0".."DO7" or an extra output
  _read_input(channel) -> bool      channel is "DI0".."DI7" or an extra input
  _check_fault()                    raise ArmFault on a controller error (optional)
  _advance() / _now()               how waiting passes time (default: sleep 10 ms /
                                    time.monotonic; a simulator steps and returns sim time)
  _close()                          release the connection

Raise `ArmUnreachable`, `ArmTimeout`, `ArmFault` (from `hardware_shims.arms`)
or `DeviceLost` (from `hardware_shims`) with a message that says what, where
and what to do. Then publish the class in your package's `pyproject.toml`:

    [project.entry-points."microfab.arms"]
    myarm = "my_lab_arms.driver:MyArm"

and `open_arm("myarm://10.0.0.7")` finds it. Importing this package stays
cheap: PyBullet and vendor SDKs load only when their scheme is opened.
"""

from __future__ import annotations

import os

from ..banner import show_binding
from ..device import Binding
from ..errors import MalformedURIError
from ..registry import ArmRegistry, arms
from ..uri import ResourceURI, parse_uri
from .base import Arm
from .errors import (
    ArmError,
    ArmFault,
    ArmLimitError,
    ArmNameError,
    ArmStopped,
    ArmTimeout,
    ArmUnreachable,
)
from .iomap import DEFAULT_ALIASES, INPUTS, OUTPUTS
from .model import JOINTS, XARM6, ArmModel
from .pose import Pose

__all__ = [
    "DEFAULT_ALIASES", "DEFAULT_ARM", "INPUTS", "JOINTS", "OUTPUTS", "XARM6", "Arm",
    "ArmError", "ArmFault", "ArmLimitError", "ArmModel", "ArmNameError", "ArmRegistry",
    "ArmStopped", "ArmTimeout", "ArmUnreachable", "Pose", "arms", "open_arm",
]

#: The arm `auto` uses when $MICROFAB_ARM is unset, and falls back to.
DEFAULT_ARM = "sim://xarm6"
ARM_ENV = "MICROFAB_ARM"
#: Seconds a real arm gets to answer before `auto` falls back to the simulator.
OPEN_TIMEOUT_S = float(os.environ.get("MICROFAB_ARM_OPEN_TIMEOUT_S", "3"))


def open_arm(uri: str | ResourceURI = "auto") -> Arm:
    """Open an arm by URI (or `auto`) and print which one was bound and why.

    Example: open_arm("sim://xarm6?seed=1") prints `arm: sim://xarm6?seed=1 (requested)`.
    """
    parsed = parse_uri(uri)
    if parsed.is_auto:
        arm, reason, detail = _open_auto()
    else:
        arm, reason, detail = arms.open(parsed), "requested", ""
    arm.binding = Binding(str(arm.uri), reason, detail)
    show_binding("arm", arm.binding, fallback=bool(detail))
    return arm


def _open_auto() -> tuple[Arm, str, str]:
    wanted = os.environ.get(ARM_ENV, "").strip()
    if not wanted or wanted == "auto":
        return arms.open(DEFAULT_ARM), "default", ""
    try:
        uri = parse_uri(wanted)
    except MalformedURIError as exc:  # a malformed setting is reported, not papered over
        raise MalformedURIError(
            f"{ARM_ENV}={wanted!r} is not an arm URI ({exc}); set it to e.g. "
            f"'xarm://192.168.1.185' or '{DEFAULT_ARM}', or unset it"
        ) from None
    if uri.scheme == "sim":
        return arms.open(uri), ARM_ENV, ""
    try:
        return arms.open_within(uri, OPEN_TIMEOUT_S), ARM_ENV, ""
    except Exception as exc:  # any driver failure means: practise on the simulator
        detail = f"{type(exc).__name__}: {exc}"
        return arms.open(DEFAULT_ARM), f"no arm answered at {wanted}", detail


