"""Checks refuse to run when student code has replaced a library function they rely on."""

import math
import time

import numpy
import pytest

from autograder.checks import (
    TamperingDetected,
    check_classification,
    check_image,
    check_latency,
    check_mask,
)
from autograder.checks._trusted import capture
from hardware_shims.boards import LatencyStats

WRONG = numpy.zeros((4, 4), bool)
RIGHT = numpy.ones((4, 4), bool)


def test_an_always_true_array_equal_is_named_instead_of_passing_a_wrong_mask(monkeypatch):
    monkeypatch.setattr(numpy, "array_equal", lambda *args, **kwargs: True)
    with pytest.raises(TamperingDetected) as failure:
        check_mask(WRONG, RIGHT)
    assert isinstance(failure.value, AssertionError)
    assert "numpy.array_equal has been replaced" in str(failure.value)
    assert "IoU" not in str(failure.value)


def test_without_tampering_the_same_wrong_mask_fails_on_its_overlap():
    with pytest.raises(AssertionError, match="IoU 0.000") as failure:
        check_mask(WRONG, RIGHT)
    assert not isinstance(failure.value, TamperingDetected)


@pytest.mark.parametrize(("module", "name"), [
    (numpy, "allclose"), (numpy, "logical_and"), (numpy, "count_nonzero"), (math, "isfinite"),
])
def test_every_guarded_function_is_named_when_replaced(monkeypatch, module, name):
    monkeypatch.setattr(module, name, lambda *args, **kwargs: True)
    with pytest.raises(TamperingDetected, match=f"{module.__name__}.{name} has been replaced"):
        check_image(numpy.zeros((2, 2)), numpy.ones((2, 2)))


def test_a_frozen_clock_cannot_pass_a_latency_check(monkeypatch):
    monkeypatch.setattr(time, "perf_counter", lambda: 0.0)
    fast = LatencyStats(0.0, 0.0, 0.0, 0.0, 0.0, 10, "measured")
    with pytest.raises(TamperingDetected, match="time.perf_counter"):
        check_latency(fast, takt_s=1.0)


def test_a_replaced_builtin_is_named(monkeypatch):
    import builtins

    monkeypatch.setattr(builtins, "sum", lambda *args, **kwargs: 0)
    with pytest.raises(TamperingDetected, match="builtins.sum"):
        check_classification(["good"], ["good"])


def test_a_stand_in_present_before_the_capture_is_noticed(monkeypatch):
    def array_equal(*args, **kwargs):  # named like numpy's, defined outside numpy
        return True

    monkeypatch.setattr(numpy, "array_equal", array_equal)
    captured = capture()
    assert captured.suspicious == ["numpy.array_equal"]
    with pytest.raises(TamperingDetected, match="numpy.array_equal"):
        captured.verify_untampered()
