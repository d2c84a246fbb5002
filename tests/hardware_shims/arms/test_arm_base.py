"""The base class contract, through a minimal lab-written driver (as the docs describe)."""

import threading
import time

import pytest

from hardware_shims.arms import Arm, ArmStopped, Pose, open_arm
from hardware_shims.registry import arms


class LabArm(Arm):
    """A driver as a lab would write it: device calls only, moves at 100 °/s of sim time."""

    params = frozenset({"cell"})

    def __init__(self, uri):
        super().__init__(uri)
        self.cell = self.uri.params.get("cell", "1")
        self.q = [0.0] * 6
        self.goal = list(self.q)
        self.speed = 0.0
        self.clock = 0.0
        self.io_log = []

    def _read_joints(self):
        return list(self.q)

    def _read_pose(self):
        return Pose(207.0 + self.q[0], 0.0, 112.0)  # toy kinematics

    def _start_joints(self, target_deg, speed_deg_s):
        self.goal, self.speed = list(target_deg), speed_deg_s

    def _start_pose(self, pose, speed_mm_s):
        self._start_joints([pose.x_mm - 207.0, 0, 0, 0, 0, 0], speed_mm_s)

    def _halt(self):
        self.goal = list(self.q)

    def _advance(self):
        time.sleep(0.001)
        self.clock += 0.01
        step = self.speed * 0.01
        self.q = [q + max(-step, min(step, g - q)) for q, g in zip(self.q, self.goal, strict=True)]

    def _now(self):
        return self.clock

    def _write_output(self, channel, value):
        self.io_log.append((channel, value))

    def _read_input(self, channel):
        return channel == "DI0"


@pytest.fixture
def lab(monkeypatch):
    monkeypatch.setitem(arms._specs, "lab", LabArm)  # what an entry point would register
    return LabArm


def test_a_lab_driver_gets_validation_waiting_and_io_from_the_base(lab, capsys):
    with open_arm("lab://robot?cell=3&vacuum=DO4") as arm:
        assert arm.cell == "3"
        assert arm.move_joints({"J1": 20}, speed_deg_s=100)["J1"] == pytest.approx(20)
        assert arm.move_pose(Pose(217.0, 0, 112.0), speed_mm_s=100).x_mm == pytest.approx(217)
        arm.set_output("vacuum", True)
        assert arm.io_log == [("DO4", True)]
        assert arm.get_input("part_present") is True
    assert capsys.readouterr().out == "arm: lab://robot?cell=3&vacuum=DO4 (requested)\n"


def test_stop_from_another_thread_interrupts_a_move(lab):
    arm = LabArm("lab://robot")
    arm.speed = 0.0
    arm._advance = lambda: time.sleep(0.005)  # an arm that never gets there
    threading.Timer(0.05, arm.stop).start()
    with pytest.raises(ArmStopped, match="interrupted by stop"):
        arm.move_joints({"J1": 20}, speed_deg_s=100, timeout_s=5)
    assert arm.goal == arm.q  # halted where it was


def test_repr_and_binding(lab):
    arm = LabArm("lab://robot")
    assert repr(arm) == "<LabArm lab://robot (requested) open>"
    arm.close()
    assert arm.closed and "closed" in repr(arm)
