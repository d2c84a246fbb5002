import sys
import threading

import pytest

from hardware_shims import device
from hardware_shims.arms import ArmError, open_arm
from hardware_shims.arms.sim import SimArm
from hardware_shims.arms.xarm import XArm
from hardware_shims.errors import MalformedURIError
from hardware_shims.registry import arms

REAL = "xarm://192.168.1.185"


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


@pytest.fixture
def register(monkeypatch):
    """Temporarily bind a scheme in the arm registry: register("x", factory)."""
    return lambda scheme, factory: monkeypatch.setitem(arms._specs, scheme, factory)


def test_requested_uri_prints_one_binding_line(capsys):
    with open_arm("sim://xarm6") as arm:
        assert isinstance(arm, SimArm)
        assert str(arm.binding) == "sim://xarm6 (requested)"
    assert _lines(capsys) == ["arm: sim://xarm6 (requested)"]


def test_auto_without_env_opens_the_simulator(capsys):
    with open_arm() as arm:
        assert isinstance(arm, SimArm)
    assert _lines(capsys) == ["arm: sim://xarm6 (profile replay)"]


def test_auto_follows_microfab_arm(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_ARM", "sim://xarm6?seed=2")
    with open_arm() as arm:
        assert arm.seed == 2
    assert _lines(capsys) == ["arm: sim://xarm6?seed=2 (MICROFAB_ARM)"]


def test_auto_opens_a_real_arm_that_answers(monkeypatch, register, fake_api, capsys):
    monkeypatch.setenv("MICROFAB_ARM", REAL)
    register("xarm", lambda uri: XArm(uri, api=fake_api))
    with open_arm() as arm:
        assert isinstance(arm, XArm)
    assert _lines(capsys) == [f"arm: {REAL} (MICROFAB_ARM)"]


def test_auto_falls_back_to_the_sim_without_the_sdk(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_ARM", REAL)
    monkeypatch.setitem(sys.modules, "xarm", None)
    with open_arm() as arm:
        assert isinstance(arm, SimArm)
        assert "pip install xarm-python-sdk" in arm.binding.detail
    assert _lines(capsys) == [f"arm: sim://xarm6 ({REAL} unavailable)"]  # the SDK says why


def test_auto_falls_back_when_the_arm_hangs(monkeypatch, register, capsys):
    monkeypatch.setenv("MICROFAB_ARM", "hang://cell3")
    monkeypatch.setattr(device, "OPEN_TIMEOUT_S", 0.2)
    release = threading.Event()

    def hanging(uri):
        release.wait(5)
        raise ConnectionError("gave up")

    register("hang", hanging)
    try:
        with open_arm() as arm:
            assert "did not answer within 0.2 s" in arm.binding.detail
    finally:
        release.set()
    assert _lines(capsys) == ["arm: sim://xarm6 (no arm answered at hang://cell3)"]


def test_a_requested_real_arm_that_fails_is_reported_not_replaced(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "xarm", None)
    with pytest.raises(ArmError, match="pip install xarm-python-sdk"):
        open_arm(REAL)
    assert _lines(capsys) == []


def test_a_malformed_microfab_arm_is_reported(monkeypatch):
    monkeypatch.setenv("MICROFAB_ARM", "192.168.1.185")
    with pytest.raises(MalformedURIError, match="MICROFAB_ARM='192.168.1.185' is not an arm URI"):
        open_arm()
