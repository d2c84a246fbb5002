import time

import pytest

from hardware_shims.cameras.base import FEATURES
from hardware_shims.device import Binding
from hardware_shims.errors import (
    DeviceLost,
    EndOfStream,
    FeatureError,
    FrameTimeout,
    ShimError,
)


def test_read_returns_frames_in_order(backends):
    cam = backends["list"]("test://cam")
    assert [cam.read().index for _ in range(3)] == [0, 1, 2]


def test_end_of_stream_is_raised_after_the_last_frame(backends):
    cam = backends["list"]("test://cam", frames=1)
    cam.read()
    with pytest.raises(EndOfStream):
        cam.read()


def test_end_of_stream_repeats(backends):
    cam = backends["list"]("test://cam", frames=0)
    for _ in range(2):
        with pytest.raises(EndOfStream):
            cam.read()


def test_iteration_stops_cleanly_at_end(backends):
    assert len(list(backends["list"]("test://cam", frames=4))) == 4


def test_frames_read_is_counted(backends):
    cam = backends["list"]("test://cam")
    list(cam)
    assert cam.frames_read == 3


def test_context_manager_closes(backends):
    with backends["list"]("test://cam") as cam:
        pass
    assert cam.closed


def test_read_after_close_raises(backends):
    cam = backends["list"]("test://cam")
    cam.close()
    with pytest.raises(ShimError, match="closed"):
        cam.read()


def test_stuck_backend_times_out_within_the_timeout(backends):
    cam = backends["stuck"]("test://stuck")
    start = time.monotonic()
    with pytest.raises(FrameTimeout, match="test://stuck"):
        cam.read(timeout_s=0.2)
    assert time.monotonic() - start < 1.0
    cam.close()


def test_frame_timeout_is_a_timeout_error(backends):
    cam = backends["stuck"]("test://stuck")
    with pytest.raises(TimeoutError):
        cam.read(timeout_s=0.05)
    cam.close()


def test_blocking_backend_delivers_through_the_watchdog(backends):
    cam = backends["blocking"]("test://cam", frames=2)
    assert [f.index for f in cam] == [0, 1]


def test_backend_error_reaches_the_caller(backends):
    class Lost(backends["blocking"]):
        def _grab(self, timeout_s):
            raise DeviceLost("cable pulled")

    with pytest.raises(DeviceLost, match="cable pulled"):
        Lost("test://cam").read()


def test_grab_returning_non_frame_is_a_type_error(backends):
    class Broken(backends["list"]):
        def _grab(self, timeout_s):
            return None

    with pytest.raises(TypeError, match="not a Frame"):
        Broken("test://cam").read()


def test_non_positive_timeout_is_rejected(backends):
    with pytest.raises(ValueError, match="timeout_s"):
        backends["list"]("test://cam").read(timeout_s=0)


def test_unknown_feature_is_a_feature_error_with_suggestion(backends):
    with pytest.raises(FeatureError, match="Did you mean 'ExposureTime'"):
        backends["list"]("test://cam").set("Exposure", 100.0)


def test_get_of_unknown_feature_is_a_feature_error(backends):
    with pytest.raises(FeatureError, match="valid:"):
        backends["list"]("test://cam").get("Brightness")


def test_out_of_range_exposure_gives_the_valid_range(backends):
    with pytest.raises(FeatureError, match=r"ExposureTime=-5.*valid: 1 to 1e\+07 us"):
        backends["list"]("test://cam").set("ExposureTime", -5)


def test_invalid_choice_lists_the_choices(backends):
    with pytest.raises(FeatureError, match="On / Off"):
        backends["list"]("test://cam").set("TriggerMode", "Maybe")


def test_choice_is_case_insensitive(backends):
    cam = backends["list"]("test://cam")
    cam.set("TriggerMode", "on")
    assert cam.unhonoured["TriggerMode"] == "On"


def test_bool_is_not_a_number(backends):
    with pytest.raises(FeatureError):
        backends["list"]("test://cam").set("Width", True)


def test_fractional_width_is_rejected(backends):
    with pytest.raises(FeatureError):
        backends["list"]("test://cam").set("Width", 640.5)


def test_honoured_feature_is_applied(backends):
    cam = backends["list"]("test://cam")
    cam.set("Gain", 6)
    assert cam.applied == {"Gain": 6.0}


def test_get_returns_the_applied_value(backends):
    cam = backends["list"]("test://cam")
    cam.set("Gain", 6)
    assert cam.get("Gain") == 6.0


def test_get_defaults_to_the_feature_table(backends):
    assert backends["list"]("test://cam").get("TriggerMode") == FEATURES["TriggerMode"].default


def test_unhonoured_feature_is_recorded_in_the_frame(backends):
    cam = backends["list"]("test://cam")
    cam.set("ExposureTime", 1200)
    assert cam.read().extra["unhonoured"] == {"ExposureTime": 1200.0}


def test_honoured_feature_is_not_in_unhonoured(backends):
    cam = backends["list"]("test://cam")
    cam.set("Gain", 3)
    assert "unhonoured" not in cam.read().extra


def test_binding_defaults_to_the_uri(backends):
    assert str(backends["list"]("test://cam").binding) == "test://cam (requested)"


def test_binding_str_shows_reason():
    assert str(Binding("replay://x", "profile replay")) == "replay://x (profile replay)"
