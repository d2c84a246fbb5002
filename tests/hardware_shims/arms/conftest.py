"""Fixtures for the arm shims: a fresh simulated xArm6 per test, and a clean environment."""

from __future__ import annotations

import pytest

from hardware_shims.arms.sim import SimArm


@pytest.fixture(autouse=True)
def _no_arm_env(monkeypatch):
    # A developer's own MICROFAB_ARM must not change which arm `auto` opens.
    monkeypatch.delenv("MICROFAB_ARM", raising=False)


@pytest.fixture
def sim():
    """A simulated xArm6 at home, closed after the test."""
    with SimArm("sim://xarm6") as arm:
        yield arm


class FakeXArmAPI:
    """Stands in for `xarm.wrapper.XArmAPI`: records calls, moves at once, returns codes.

    Method signatures copy xarm-python-sdk 1.18, so a wrong keyword in the
    backend fails here as it would on the arm. Set `codes[method]` to make a
    method return that code, `moves = False` for an arm that never arrives,
    `fault_on_move` for a controller error raised by the next move.
    """

    def __init__(self):
        self.calls = []
        self.codes = {}
        self.angles = [0.0] * 7  # the SDK pads to seven axes
        self.position = [207.0, 0.0, 112.0, 180.0, 0.0, 0.0]
        self.error, self.warn = 0, 0
        self.cgpio = [0] * 16
        self.tgpio = [0, 0]
        self.moves = True
        self.fault_on_move = 0
        self.connected = True

    def _log(self, name, **kwargs):
        self.calls.append((name, kwargs))
        return self.codes.get(name, 0)

    def called(self, name):
        return [kwargs for method, kwargs in self.calls if method == name]

    def motion_enable(self, enable=True, servo_id=None):
        return self._log("motion_enable", enable=enable)

    def set_mode(self, mode=0, detection_param=0):
        return self._log("set_mode", mode=mode)

    def set_state(self, state=0):
        return self._log("set_state", state=state)

    def get_err_warn_code(self, show=False, lang="en"):
        return self._log("get_err_warn_code"), [self.error, self.warn]

    def get_servo_angle(self, servo_id=None, is_radian=None, is_real=False):
        return self._log("get_servo_angle", is_radian=is_radian), list(self.angles)

    def get_position(self, is_radian=None):
        return self._log("get_position", is_radian=is_radian), list(self.position)

    def set_servo_angle(self, servo_id=None, angle=None, speed=None, mvacc=None, mvtime=None,
                        relative=False, is_radian=None, wait=False, timeout=None, radius=None,
                        **kwargs):
        code = self._log("set_servo_angle", angle=angle, speed=speed, is_radian=is_radian,
                         wait=wait)
        self._arrive(code, lambda: setattr(self, "angles", [*angle, 0.0]))
        return code

    def set_position(self, x=None, y=None, z=None, roll=None, pitch=None, yaw=None, radius=None,
                     speed=None, mvacc=None, mvtime=None, relative=False, is_radian=None,
                     wait=False, timeout=None, **kwargs):
        code = self._log("set_position", x=x, y=y, z=z, roll=roll, pitch=pitch, yaw=yaw,
                         speed=speed, is_radian=is_radian, wait=wait)
        self._arrive(code, lambda: setattr(self, "position", [x, y, z, roll, pitch, yaw]))
        return code

    def _arrive(self, code, arrive):
        if self.fault_on_move:
            self.error = self.fault_on_move
        elif code == 0 and self.moves:
            arrive()

    def set_cgpio_digital(self, ionum, value, delay_sec=None, sync=True):
        self.cgpio[ionum] = value
        return self._log("set_cgpio_digital", ionum=ionum, value=value)

    def get_cgpio_digital(self, ionum=None):
        return self._log("get_cgpio_digital", ionum=ionum), self.cgpio[ionum]

    def set_tgpio_digital(self, ionum, value, delay_sec=None, sync=True):
        self.tgpio[ionum] = value
        return self._log("set_tgpio_digital", ionum=ionum, value=value)

    def get_tgpio_digital(self, ionum=None):
        return self._log("get_tgpio_digital", ionum=ionum), self.tgpio[ionum]

    def disconnect(self):
        self._log("disconnect")


@pytest.fixture
def fake_api():
    return FakeXArmAPI()
