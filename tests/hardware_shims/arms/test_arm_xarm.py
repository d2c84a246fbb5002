import inspect
import sys
import time

import pytest

from hardware_shims.arms import (
    ArmError,
    ArmFault,
    ArmLimitError,
    ArmTimeout,
    ArmUnreachable,
    Pose,
)
from hardware_shims.arms.xarm import XArm
from hardware_shims.errors import DeviceLost

URI = "xarm://192.168.1.185"


@pytest.fixture
def arm(fake_api):
    with XArm(URI, api=fake_api) as arm:
        arm.poll_s = 0.005
        fake_api.calls.clear()
        yield arm


def test_opening_checks_faults_then_enables_position_mode(fake_api):
    XArm(URI, api=fake_api)
    assert fake_api.calls == [
        ("get_err_warn_code", {}),
        ("motion_enable", {"enable": True}),
        ("set_mode", {"mode": 0}),
        ("set_state", {"state": 0}),
    ]


def test_opening_refuses_an_arm_with_a_controller_error(fake_api):
    fake_api.error = 22
    with pytest.raises(ArmFault, match=r"controller error C22 .*clean_error"):
        XArm(URI, api=fake_api)
    assert not fake_api.called("motion_enable")  # never enable over an uncleared error


def test_move_pose_sends_mm_and_degrees_by_sdk_keyword(arm, fake_api):
    target = Pose(300.0, -50.0, 200.0, 180.0, 10.0, 45.0)
    reached = arm.move_pose(target, speed_mm_s=150)
    assert fake_api.called("set_position") == [{
        "x": 300.0, "y": -50.0, "z": 200.0, "roll": 180.0, "pitch": 10.0, "yaw": 45.0,
        "speed": 150.0, "is_radian": False, "wait": False,
    }]
    assert reached == target
    assert all(kw == {"is_radian": False} for kw in fake_api.called("get_position"))


def test_move_joints_sends_six_angles_in_degrees(arm, fake_api):
    fake_api.angles = [10.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0]
    reached = arm.move_joints({"J2": -30}, speed_deg_s=45)
    assert fake_api.called("set_servo_angle") == [{
        "angle": [10.0, -30.0, 0.0, 0.0, 0.0, 0.0], "speed": 45.0, "is_radian": False,
        "wait": False,
    }]
    assert reached == {"J1": 10.0, "J2": -30.0, "J3": 0.0, "J4": 0.0, "J5": 0.0, "J6": 0.0}


def test_limits_are_checked_before_anything_is_sent(arm, fake_api):
    with pytest.raises(ArmLimitError, match="J3=20° is outside its range -225° to 11°"):
        arm.move_joints({"J3": 20})
    with pytest.raises(ArmUnreachable, match="2000 mm"):
        arm.move_pose(Pose(0, 2000, 267))
    assert not fake_api.called("set_servo_angle") and not fake_api.called("set_position")


@pytest.mark.parametrize(("method", "code", "error"), [
    ("set_servo_angle", 9, ArmFault),
    ("set_servo_angle", -7, ArmLimitError),
    ("set_servo_angle", 100, ArmTimeout),
    ("set_position", -6, ArmUnreachable),
    ("set_position", -1, DeviceLost),
    ("set_position", 31, ArmFault),
])
def test_nonzero_sdk_code_raises_naming_call_and_code(arm, fake_api, method, code, error):
    fake_api.codes[method] = code
    with pytest.raises(error, match=rf"{method}\(.*\) on 192.168.1.185 returned code {code}"):
        if method == "set_servo_angle":
            arm.move_joints({"J1": 5})
        else:
            arm.move_pose(Pose(300, 0, 200))


def test_code_1_reports_the_controller_error_number(arm, fake_api):
    fake_api.codes["set_position"] = 1
    fake_api.error = 35
    with pytest.raises(ArmFault, match="controller error C35"):
        arm.move_pose(Pose(300, 0, 200))


def test_controller_error_during_a_move_raises(arm, fake_api):
    fake_api.fault_on_move = 31  # collision detected
    with pytest.raises(ArmFault, match="C31"):
        arm.move_joints({"J1": 5})


def test_warning_code_warns_and_carries_on(arm, fake_api):
    fake_api.codes["set_cgpio_digital"] = 2
    with pytest.warns(UserWarning, match="code 2"):
        arm.set_output("DO1", True)
    assert arm.output("DO1") is True


def test_an_arm_that_never_arrives_times_out_and_is_stopped(arm, fake_api):
    fake_api.moves = False
    start = time.monotonic()
    with pytest.raises(ArmTimeout, match=r"within 0.2 s: J1 is at 0.00°, target 10.00°"):
        arm.move_joints({"J1": 10}, speed_deg_s=180, timeout_s=0.2)
    assert time.monotonic() - start < 0.4
    assert fake_api.called("set_state")[-2:] == [{"state": 4}, {"state": 0}]


def test_io_maps_to_controller_and_tool_gpio(arm, fake_api):
    arm.set_output("vacuum", True)
    arm.set_output("TO1", True)
    fake_api.cgpio[0] = 1
    fake_api.tgpio[0] = 1
    assert arm.get_input("part_present") is True
    assert arm.get_input("TI0") is True
    assert fake_api.called("set_cgpio_digital") == [{"ionum": 0, "value": 1}]
    assert fake_api.called("set_tgpio_digital") == [{"ionum": 1, "value": 1}]
    assert fake_api.called("get_cgpio_digital") == [{"ionum": 0}]


def test_io_bank_do_uses_the_ac1300_terminals(fake_api):
    arm = XArm(f"{URI}?io_bank=do&vacuum=DO2", api=fake_api)
    arm.set_output("vacuum", True)
    assert fake_api.called("set_cgpio_digital") == [{"ionum": 10, "value": 1}]


def test_stop_halts_the_controller(arm, fake_api):
    arm.stop()
    assert fake_api.called("set_state") == [{"state": 4}, {"state": 0}]


def test_close_disconnects(fake_api):
    with XArm(URI, api=fake_api):
        pass
    assert fake_api.calls[-1] == ("disconnect", {})


def test_missing_sdk_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "xarm", None)  # as if it were not installed
    with pytest.raises(ArmError, match="pip install xarm-python-sdk"):
        XArm(URI)


def test_uri_needs_a_host(fake_api):
    with pytest.raises(ArmError, match="xarm://192.168.1.185"):
        XArm("xarm://", api=fake_api)


def test_fake_matches_the_real_sdk_signatures(fake_api):
    wrapper = pytest.importorskip("xarm.wrapper", reason="xarm-python-sdk not installed")
    for name in ("set_servo_angle", "set_position", "get_servo_angle", "get_position",
                 "set_cgpio_digital", "get_cgpio_digital", "set_tgpio_digital",
                 "get_tgpio_digital", "get_err_warn_code", "motion_enable", "set_mode",
                 "set_state"):
        real = inspect.signature(getattr(wrapper.XArmAPI, name))
        fake = inspect.signature(getattr(type(fake_api), name))
        assert list(fake.parameters)[:len(real.parameters)] == list(real.parameters), name
