import math
import time

import pytest

from hardware_shims.arms import (
    JOINTS,
    ArmLimitError,
    ArmNameError,
    ArmTimeout,
    ArmUnreachable,
    Pose,
)
from hardware_shims.arms.sim import SimArm
from hardware_shims.errors import MalformedURIError, ShimError

HOME_POSE = Pose(207.0, 0.0, 112.0, 180.0, 0.0, 0.0)  # xArm6 flange at all-zero joints
TARGET = {"J1": 30.0, "J2": -20.0, "J3": -40.0, "J4": 10.0, "J5": 50.0, "J6": -15.0}


def test_starts_at_home_with_the_xarm_zero_pose(sim):
    assert sim.joints() == dict.fromkeys(JOINTS, 0.0)
    assert sim.pose().distance_mm(HOME_POSE) < 0.1
    assert sim.pose().angle_deg(HOME_POSE) < 0.1


def test_home_is_deterministic():
    results = []
    for _ in range(2):
        with SimArm("sim://xarm6?seed=3") as arm:
            arm.move_joints(TARGET, speed_deg_s=120)
            arm.home(speed_deg_s=120)
            results.append((arm.joints(), arm.pose(), arm.sim_time_s))
    assert results[0] == results[1]  # bit for bit: fixed step, same command sequence
    joints, pose, _ = results[0]
    assert all(abs(v) <= SimArm.model.joint_tol_deg for v in joints.values())
    assert pose.distance_mm(HOME_POSE) < 1.0


def test_move_joints_reaches_targets_within_tolerance(sim):
    reached = sim.move_joints(TARGET, speed_deg_s=120)
    for name, angle in TARGET.items():
        assert reached[name] == pytest.approx(angle, abs=sim.model.joint_tol_deg)


def test_move_joints_accepts_a_partial_dict_and_a_sequence(sim):
    sim.move_joints({"j2": -30}, speed_deg_s=120)  # joint names are case-insensitive
    assert sim.joints()["J2"] == pytest.approx(-30, abs=0.05)
    assert sim.joints()["J1"] == pytest.approx(0, abs=0.05)
    sim.move_joints([10, 0, -10, 0, 10, 0], speed_deg_s=120)
    assert [round(v) for v in sim.joints().values()] == [10, 0, -10, 0, 10, 0]


def test_move_pose_reaches_a_reachable_pose_within_1mm(sim):
    target = Pose(350.0, -120.0, 180.0, 180.0, 0.0, 30.0)
    reached = sim.move_pose(target, speed_mm_s=300)
    assert reached.distance_mm(target) < 1.0
    assert reached.angle_deg(target) < 0.5
    assert sim.pose().distance_mm(target) < 1.0


def test_move_pose_two_metres_away_is_unreachable(sim):
    before = sim.joints()
    with pytest.raises(ArmUnreachable, match=r"2\d\d\d mm from the xArm6 shoulder"):
        sim.move_pose(Pose(2000.0, 0.0, 300.0))
    assert sim.joints() == before  # refused before anything moved


def test_pose_inside_the_envelope_but_past_a_joint_limit_is_unreachable(sim):
    with pytest.raises(ArmUnreachable, match=r"needs J\d=.*outside its range"):
        sim.move_pose(Pose(0.0, 0.0, -300.0))


def test_joint_target_beyond_its_limit_names_joint_value_and_range(sim):
    with pytest.raises(ArmLimitError, match=r"J2=130° is outside its range -118° to 120°") as info:
        sim.move_joints({"J2": 130})
    assert (info.value.joint, info.value.value, info.value.valid) == ("J2", 130.0, (-118.0, 120.0))
    assert sim.joints()["J2"] == 0.0


@pytest.mark.parametrize("bad", [{"J7": 1}, [0, 0, 0], "home"])
def test_bad_joint_targets_say_what_is_expected(sim, bad):
    with pytest.raises(ArmNameError, match="J1"):
        sim.move_joints(bad)


@pytest.mark.parametrize("kwargs", [{"speed_deg_s": 0}, {"speed_deg_s": 500},
                                    {"timeout_s": -1}, {"speed_deg_s": float("nan")}])
def test_speed_and_timeout_are_checked(sim, kwargs):
    with pytest.raises(ArmLimitError):
        sim.move_joints({"J1": 5}, **kwargs)


def test_blocked_joint_times_out_within_its_timeout_and_stops(sim):
    sim.jam("J1")
    start = time.monotonic()
    with pytest.raises(ArmTimeout, match=r"within 0.5 s: J1 is at -?0.00°, target 30.00°"):
        sim.move_joints({"J1": 30}, speed_deg_s=180, timeout_s=0.5)
    assert time.monotonic() - start < 0.5
    assert sim.sim_time_s == pytest.approx(0.5, abs=0.02)  # the step budget, not wall time
    sim.jam("J1", False)
    sim.move_joints({"J1": 30}, speed_deg_s=180, timeout_s=0.5)


def test_move_too_slow_for_its_timeout_is_refused_at_once(sim):
    with pytest.raises(ArmTimeout, match=r"takes at least 3.0 s, more than timeout_s=1"):
        sim.move_joints({"J1": 90}, speed_deg_s=30, timeout_s=1)
    assert sim.sim_time_s == 0.0


def test_pick_and_place_carries_the_part_to_the_reject_bin(sim):
    pick = Pose(300.0, 50.0, 40.0, 180.0, 0.0, 15.0)
    reject_bin = Pose(150.0, -320.0, 200.0, 180.0, 0.0, 0.0)
    part = sim.place_part(pick)
    sim.step(24)  # let it settle on the belt
    assert sim.part_pose(part).distance_mm(pick) < 1.0
    assert not sim.get_input("part_present")

    sim.move_pose(pick.shifted(dz_mm=100), speed_mm_s=400)
    sim.move_pose(pick, speed_mm_s=200)
    assert sim.get_input("part_present")
    sim.set_output("vacuum", True)
    sim.move_pose(pick.shifted(dz_mm=100), speed_mm_s=400)
    sim.move_pose(reject_bin, speed_mm_s=400)

    assert sim.part_pose(part).distance_mm(sim.pose()) < 2.0  # it followed the TCP
    assert sim.part_pose(part).distance_mm(reject_bin) < 2.0
    sim.set_output("vacuum", False)
    sim.step(240)
    assert sim.part_pose(part).z_mm < 10  # dropped into the bin on the floor
    assert not sim.get_input("part_present")


def test_vacuum_without_a_part_picks_nothing(sim):
    part = sim.place_part(Pose(300.0, 0.0, 40.0))
    sim.set_output("vacuum", True)
    sim.move_pose(Pose(300.0, 0.0, 140.0), speed_mm_s=400)
    assert sim.part_pose(part).z_mm == pytest.approx(40.0, abs=1.0)


def test_io_names_aliases_and_driven_inputs(sim):
    sim.set_output("DO3", True)
    assert sim.output("do3") is True
    sim.drive_input("DI4", True)
    assert sim.get_input("DI4") is True
    sim.drive_input("DI4", None)
    assert sim.get_input("DI4") is False
    with pytest.raises(ArmNameError, match="Did you mean 'vacuum'"):
        sim.set_output("vacum", True)
    with pytest.raises(ArmNameError, match="is an input"):
        sim.set_output("part_present", True)
    with pytest.raises(ArmLimitError, match="needs True or False"):
        sim.set_output("vacuum", "on")


def test_uri_rewires_an_alias_and_rejects_unknown_parameters():
    with SimArm("sim://xarm6?vacuum=DO5") as arm:
        assert arm.io.output("vacuum") == "DO5"
    with pytest.raises(MalformedURIError, match="accepts hz, realtime, seed"):
        SimArm("sim://xarm6?sead=1")
    with pytest.raises(MalformedURIError, match="sim://xarm6"):
        SimArm("sim://ur5")


def test_seed_decides_where_random_parts_land():
    def first_part(seed):
        with SimArm(f"sim://xarm6?seed={seed}") as arm:
            return arm.part_pose(arm.place_part())

    assert first_part(7).distance_mm(first_part(7)) < 1e-6
    assert first_part(7).distance_mm(first_part(8)) > 1.0


def test_closed_arm_refuses_commands():
    arm = SimArm("sim://xarm6")
    arm.close()
    arm.close()  # twice is fine
    with pytest.raises(ShimError, match="closed"):
        arm.joints()


def test_ik_keeps_full_turn_joints_near_where_they_are(sim):
    sim.move_joints({"J6": 300}, speed_deg_s=180, timeout_s=5)
    target = sim.pose().shifted(dz_mm=20)
    sim.move_pose(target)
    assert sim.joints()["J6"] > 200  # not unwound by a full turn
    assert math.isclose(sim.pose().z_mm, target.z_mm, abs_tol=1.0)


def test_realtime_keeps_pace_with_the_wall_clock():
    with SimArm("sim://xarm6?realtime=1&hz=120") as arm:
        start = time.monotonic()
        arm.move_joints({"J1": 9}, speed_deg_s=90)  # about 0.1 s of motion
        assert time.monotonic() - start >= arm.sim_time_s - 0.05  # first poll re-anchors
        assert arm.sim_time_s >= 0.1


def test_stop_while_idle_holds_position(sim):
    sim.move_joints({"J1": 10}, speed_deg_s=120)
    sim.stop()
    sim.step(60)
    assert sim.joints()["J1"] == pytest.approx(10, abs=0.05)
