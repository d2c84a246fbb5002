import pybullet
import pytest

from hardware_shims.arms import ArmLimitError, Pose


def test_coerce_accepts_sequences_and_mappings():
    assert Pose.coerce([300, 0, 100]) == Pose(300.0, 0.0, 100.0, 180.0, 0.0, 0.0)
    assert Pose.coerce((1, 2, 3, 4, 5, 6)) == Pose(1, 2, 3, 4, 5, 6)
    assert Pose.coerce({"x_mm": 1, "y_mm": 2, "z_mm": 3, "yaw_deg": 90}).yaw_deg == 90.0


@pytest.mark.parametrize("bad", [[1, 2], "300,0,100", [1, 2, float("inf")], [1, 2, True],
                                 {"x": 1}])
def test_coerce_rejects_what_is_not_a_pose(bad):
    with pytest.raises(ArmLimitError):
        Pose.coerce(bad)


def test_roll_180_and_minus_180_are_the_same_orientation():
    assert Pose(0, 0, 0, 180, 0, 0).angle_deg(Pose(0, 0, 0, -180, 0, 0)) == pytest.approx(0)
    assert Pose(0, 0, 0, 180, 0, 0).angle_deg(Pose(0, 0, 0, 180, 0, 30)) == pytest.approx(30)


@pytest.mark.parametrize("rpy", [(180, 0, 0), (170, 20, -35), (10, -40, 120)])
def test_rotation_uses_the_same_convention_as_pybullet(rpy):
    pose = Pose(0, 0, 0, *rpy)
    quaternion = pybullet.getQuaternionFromEuler([r * 3.141592653589793 / 180 for r in rpy])
    expected = pybullet.getMatrixFromQuaternion(quaternion)
    assert pose.rotation().flatten().tolist() == pytest.approx(expected, abs=1e-9)


def test_shifted_keeps_orientation_and_distance_is_in_mm():
    pick = Pose(300, 0, 40, 180, 0, 15)
    above = pick.shifted(dz_mm=100)
    assert above == Pose(300, 0, 140, 180, 0, 15)
    assert pick.distance_mm(above) == pytest.approx(100)
    assert "(300.0, 0.0, 140.0) mm" in str(above)
