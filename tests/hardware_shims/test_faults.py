import numpy as np
import pytest

from hardware_shims import open_camera
from hardware_shims.errors import DeviceLost, FrameTimeout, MalformedURIError

SAMPLE = "replay://orientation/sample"


def _indices(uri, n=None):
    with open_camera(uri) as camera:
        return [f.index for f in camera][:n]


def test_no_fault_parameters_means_no_injector():
    with open_camera(SAMPLE) as camera:
        assert camera.faults is None


def test_dropped_frames_leave_a_gap_and_are_counted():
    with open_camera(f"{SAMPLE}?drop=0.4&fault_seed=3") as camera:
        frames = list(camera)
        dropped = camera.faults.dropped
    assert dropped > 0
    assert len(frames) + dropped <= 12
    gaps = [f.extra.get("dropped_before", 0) for f in frames]
    assert sum(gaps) == dropped
    indices = [f.index for f in frames]
    assert any(b - a > 1 for a, b in zip(indices, indices[1:], strict=False)) or indices[0] > 0


def test_faults_repeat_for_the_same_seed():
    uri = f"{SAMPLE}?drop=0.3&fault_seed=5"
    assert _indices(uri) == _indices(uri)
    assert _indices(uri) != _indices(f"{SAMPLE}?drop=0.3&fault_seed=6")


def test_disconnect_after_n_frames_raises_device_lost():
    with open_camera(f"{SAMPLE}?disconnect_after=3") as camera:
        for _ in range(3):
            camera.read()
        with pytest.raises(DeviceLost, match="disconnect_after=3"):
            camera.read()


def test_timeouts_are_raised_and_reading_can_go_on():
    timeouts = frames = 0
    with open_camera(f"{SAMPLE}?timeout=0.5&fault_seed=1") as camera:
        for _ in range(12):
            try:
                camera.read()
                frames += 1
            except FrameTimeout:
                timeouts += 1
    assert timeouts > 0 and frames > 0


def test_exposure_drift_brightens_frames_but_not_the_metadata():
    with open_camera(SAMPLE) as camera:
        clean = [camera.read() for _ in range(4)]
    with open_camera(f"{SAMPLE}?drift=10") as camera:
        drifted = [camera.read() for _ in range(4)]
    assert np.array_equal(drifted[0].image, clean[0].image)
    assert drifted[3].image.mean() > clean[3].image.mean() * 1.2
    assert drifted[3].exposure_us == clean[3].exposure_us
    assert drifted[3].extra["true_exposure_us"] == pytest.approx(clean[3].exposure_us * 1.1**3)


@pytest.mark.parametrize("query", ["drop=1.5", "timeout=-0.1", "drift=abc", "disconnect_after=-1"])
def test_out_of_range_fault_is_refused_with_the_valid_range(query):
    with pytest.raises(MalformedURIError, match=query.split("=")[0]):
        open_camera(f"{SAMPLE}?{query}")
