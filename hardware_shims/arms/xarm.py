"""`XArm`: a UFACTORY xArm6 over its Python SDK (`pip install xarm-python-sdk`).

URI: `xarm://192.168.1.185?io_bank=co` (the control box's IP address)
  io_bank   which controller bank DO0..DO7 / DI0..DI7 drive: `co` (default,
            SDK ionum 0-7, every control box) or `do` (ionum 8-15, the
            DO0-DO7 / DI0-DI7 terminals of the AC1300 box)
plus IO aliases, e.g. `vacuum=TO0`. TO0/TO1 and TI0/TI1 are the tool connector.

The SDK is used in degrees (`is_radian=False`) and millimetres throughout,
with keyword arguments only: older SDKs took roll, yaw, pitch positionally.
Every SDK call returns a code; anything but 0 becomes an exception that
names the call and the code. Controller errors are never cleared here:
a person must look at the cell first (UFACTORY Studio, or `clean_error()`).
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Mapping
from typing import Any

from ..errors import DeviceLost
from ..uri import ResourceURI
from .base import Arm
from .errors import ArmError, ArmFault, ArmLimitError, ArmTimeout, ArmUnreachable
from .pose import Pose

_BANKS = {"co": 0, "do": 8}  # SDK ionum of channel 0 in each controller bank
_STOP, _READY = 4, 0  # xArm states: 4 stops and flushes the queue, 0 accepts motion
# SDK return codes (xarm/x3/code.py APIState) that mean something specific here.
_NOT_CONNECTED, _HAS_ERROR, _HAS_WARN, _NOT_READY_STATE = -1, 1, 2, 9
_TCP_LIMIT, _JOINT_LIMIT, _OUT_OF_RANGE, _EMERGENCY_STOP = -6, -7, -8, -9
_WAIT_TIMEOUT = 100


class XArm(Arm):
    """A real xArm6: the shared vocabulary mapped onto `xarm.wrapper.XArmAPI`."""

    params = frozenset({"io_bank"})
    extra_outputs = ("TO0", "TO1")
    extra_inputs = ("TI0", "TI1")
    poll_s: float = 0.02  # state reads while a move runs: 50 Hz, well inside the SDK's rate

    def __init__(self, uri: str | ResourceURI, api: Any = None,
                 aliases: Mapping[str, str] | None = None) -> None:
        """`api` is an `XArmAPI`-like object; None connects to the host in the URI."""
        super().__init__(uri, aliases)
        self.host = self.uri.path.strip("/")
        if not self.host:
            raise ArmError("xarm:// needs the control box's address, e.g. xarm://192.168.1.185")
        bank = self.uri.params.get("io_bank", "co").lower()
        if bank not in _BANKS:
            raise ArmError(f"io_bank={bank!r} in {self.uri} must be 'co' or 'do'")
        self._bank = _BANKS[bank]
        self._api = api if api is not None else _connect(self.host)
        self._check_fault()
        self._call("motion_enable", enable=True)
        self._call("set_mode", 0)  # position control: set_servo_angle / set_position
        self._call("set_state", state=_READY)

    # --- device calls -----------------------------------------------------------------
    def _read_joints(self) -> list[float]:
        angles = self._call("get_servo_angle", is_radian=False)
        return [float(a) for a in angles[:6]]  # the SDK pads to 7 axes

    def _read_pose(self) -> Pose:
        return Pose(*(float(v) for v in self._call("get_position", is_radian=False)[:6]))

    def _start_joints(self, target_deg: list[float], speed_deg_s: float) -> None:
        self._call("set_servo_angle", angle=list(target_deg), speed=speed_deg_s,
                   is_radian=False, wait=False)

    def _start_pose(self, pose: Pose, speed_mm_s: float) -> None:
        self._call("set_position", x=pose.x_mm, y=pose.y_mm, z=pose.z_mm,
                   roll=pose.roll_deg, pitch=pose.pitch_deg, yaw=pose.yaw_deg,
                   speed=speed_mm_s, is_radian=False, wait=False)

    def _halt(self) -> None:
        self._call("set_state", state=_STOP)
        self._call("set_state", state=_READY)  # stopped and empty queue; ready for the next

    def _write_output(self, channel: str, value: bool) -> None:
        bank, number = channel[:2], int(channel[2:])
        if bank == "TO":
            self._call("set_tgpio_digital", ionum=number, value=int(value))
        else:
            self._call("set_cgpio_digital", ionum=self._bank + number, value=int(value))

    def _read_input(self, channel: str) -> bool:
        bank, number = channel[:2], int(channel[2:])
        if bank == "TI":
            return bool(self._call("get_tgpio_digital", ionum=number))
        return bool(self._call("get_cgpio_digital", ionum=self._bank + number))

    def _check_fault(self) -> None:
        error, warn = self._call("get_err_warn_code", check=False)
        if error:
            raise ArmFault(
                f"xArm at {self.host} reports controller error C{error} (warning {warn}); "
                "see the xArm manual's error table, make the cell safe, then clear it in "
                "UFACTORY Studio or with clean_error() and open_arm again"
            )

    def _advance(self) -> None:
        time.sleep(self.poll_s)

    def _close(self) -> None:
        self._api.disconnect()

    # --- SDK plumbing -----------------------------------------------------------------
    def _call(self, method: str, *args: Any, check: bool = True, **kwargs: Any) -> Any:
        """Call an SDK method; a non-zero return code raises, naming the call and code."""
        result = getattr(self._api, method)(*args, **kwargs)
        code, value = result if isinstance(result, tuple) else (result, None)
        if code == 0:
            return value
        if code == _HAS_WARN:  # the command ran; the controller only wants attention
            warnings.warn(f"xArm at {self.host}: {method} returned code 2 (a warning is "
                          "pending)", stacklevel=3)
            return value
        shown = ", ".join([*map(repr, args), *(f"{k}={v!r}" for k, v in kwargs.items())])
        where = f"xArm SDK {method}({shown}) on {self.host} returned code {code}"
        if code == _HAS_ERROR and check:
            self._check_fault()  # raises with the controller's own error number
        raise _error_for(code, where)


def _error_for(code: int, where: str) -> ArmError | DeviceLost:
    if code == _NOT_CONNECTED:
        return DeviceLost(f"{where}: not connected; check power and cable, then open_arm again")
    if code == _TCP_LIMIT:
        return ArmUnreachable(f"{where}: the pose is outside the TCP limits set on the arm")
    if code in (_JOINT_LIMIT, _OUT_OF_RANGE):
        return ArmLimitError(f"{where}: a value is outside the arm's limits")
    if code == _EMERGENCY_STOP:
        return ArmFault(f"{where}: emergency stop is pressed; release it and re-enable")
    if code == _WAIT_TIMEOUT:
        return ArmTimeout(f"{where}: the controller timed out waiting for the move")
    if code == _NOT_READY_STATE:
        return ArmFault(f"{where}: the arm is not ready to move; enable it in UFACTORY Studio")
    return ArmFault(f"{where}; see the SDK's API code table (xarm/x3/code.py)")


def _connect(host: str) -> Any:
    try:
        from xarm.wrapper import XArmAPI  # deferred: only a real arm needs the SDK
    except ImportError as exc:
        raise ArmError(
            f"xarm://{host} needs UFACTORY's SDK: pip install xarm-python-sdk, then "
            "open_arm again (or use sim://xarm6 to practise without the arm)"
        ) from exc
    try:
        api = XArmAPI(host, is_radian=False)
    except Exception as exc:  # the SDK raises a bare Exception when the socket fails
        raise DeviceLost(f"no xArm answered at {host}: {exc}; check power, cable and IP") from exc
    if not getattr(api, "connected", False):
        raise DeviceLost(f"no xArm answered at {host}; check power, cable and IP address")
    return api
