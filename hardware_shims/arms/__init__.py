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

from ..device import AutoChoice, open_device
from ..errors import MalformedURIError
from ..profiles import active_profile
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

#: The arm `auto` falls back to (and the profiles prefer, unless a lab sets MICROFAB_ARM).
DEFAULT_ARM = "sim://xarm6"
ARM_ENV = "MICROFAB_ARM"
def open_arm(uri: str | ResourceURI = "auto") -> Arm:
    """Open an arm by URI (or `auto`) and show which one was bound and why, once.

    Example: open_arm("sim://xarm6?seed=1") prints `arm: sim://xarm6?seed=1 (requested)`.
    """
    return open_device(arms, uri, _auto_arm)


def _auto_arm() -> AutoChoice:
    wanted = os.environ.get(ARM_ENV, "").strip()
    if not wanted or wanted == "auto":
        profile = active_profile()
        return AutoChoice(profile.arm, f"profile {profile.name}", DEFAULT_ARM,
                          certain=profile.arm == DEFAULT_ARM)
    try:
        uri = parse_uri(wanted)
    except MalformedURIError as exc:  # a malformed setting is reported, not papered over
        raise MalformedURIError(
            f"{ARM_ENV}={wanted!r} is not an arm URI ({exc}); set it to e.g. "
            f"'xarm://192.168.1.185' or '{DEFAULT_ARM}', or unset it"
        ) from None
    return AutoChoice(wanted, ARM_ENV, DEFAULT_ARM, certain=uri.scheme == "sim")
