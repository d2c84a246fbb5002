"""BaslerCamera against pylon's camera emulator (PYLON_CAMEMU): no hardware needed."""

from __future__ import annotations

import time

import numpy as np
import pytest

pytest.importorskip(
    "pypylon.pylon", reason="pypylon is not installed (pip install pypylon) for basler://"
)
cv2 = pytest.importorskip("cv2", reason="opencv is needed to write the emulator's image files")

from hardware_shims import open_camera  # noqa: E402
from hardware_shims.cameras.base import FEATURES  # noqa: E402
from hardware_shims.cameras.basler import BaslerCamera  # noqa: E402
from hardware_shims.cameras.genicam_nodes import DeviceNotFound, GrabFailed  # noqa: E402
from hardware_shims.errors import (  # noqa: E402
    DeviceLost,
    FeatureError,
    FrameTimeout,
    MalformedURIError,
)

FIRST, SECOND = "0815-0000", "0815-0001"  # serials pylon gives its emulated cameras


@pytest.fixture
def emulator(monkeypatch):
    # pylon reads PYLON_CAMEMU each time it enumerates, so setting it per test is enough.
    monkeypatch.setenv("PYLON_CAMEMU", "2")


@pytest.fixture
def camera(emulator):
    cam = BaslerCamera(f"basler://{FIRST}")
    cam.set("Width", 64)
    cam.set("Height", 48)
    yield cam
    cam.close()


def write_images(folder, color=False, count=3):
    rng = np.random.default_rng(7)
    shape = (48, 64, 3) if color else (48, 64)
    images = [rng.integers(0, 256, shape, dtype=np.uint8) for _ in range(count)]
    for n, image in enumerate(images):
        cv2.imwrite(str(folder / f"part_{n}.png"), image)
    return images


def stream_folder(cam, folder):
    """Point the emulator at a folder of images (SDK-only nodes, hence cam.device)."""
    cam.device.TestImageSelector.Value = "Off"
    cam.device.ImageFilename.Value = str(folder)
    cam.device.ImageFileMode.Value = "On"


# --- which device ------------------------------------------------------------------
def test_blank_serial_opens_first_camera(emulator):
    with BaslerCamera("basler://") as cam:
        assert cam.serial == FIRST


def test_serial_selects_that_camera(emulator):
    with BaslerCamera(f"basler://{SECOND}") as cam:
        assert cam.read().extra["serial"] == SECOND


def test_unknown_serial_lists_cameras_found(emulator):
    with pytest.raises(DeviceNotFound, match=f"{FIRST}.*{SECOND}"):
        BaslerCamera("basler://12345678")


def test_unknown_serial_is_a_device_lost_for_callers_that_catch_it(emulator):
    with pytest.raises(DeviceLost):
        BaslerCamera("basler://12345678")


def test_without_emulator_the_emulated_serial_is_not_found(monkeypatch):
    monkeypatch.delenv("PYLON_CAMEMU", raising=False)
    with pytest.raises(DeviceNotFound, match=FIRST):
        BaslerCamera(f"basler://{FIRST}")


def test_unknown_uri_parameter_is_rejected(emulator):
    with pytest.raises(MalformedURIError, match="exposure"):
        BaslerCamera(f"basler://{FIRST}?exposure=100")


def test_registry_opens_basler_scheme(emulator):
    with open_camera(f"basler://{SECOND}") as cam:
        assert isinstance(cam, BaslerCamera)


# --- pixels --------------------------------------------------------------------------
def test_frames_equal_the_image_files_in_order(camera, tmp_path):
    images = write_images(tmp_path)
    stream_folder(camera, tmp_path)
    frames = [camera.read(2.0).image for _ in images]
    assert all(np.array_equal(f, i) for f, i in zip(frames, images, strict=True))


def test_bgr8_frames_equal_colour_image_files(camera, tmp_path):
    images = write_images(tmp_path, color=True, count=2)
    stream_folder(camera, tmp_path)
    camera.set("PixelFormat", "BGR8")
    frames = [camera.read(2.0).image for _ in images]
    assert all(np.array_equal(f, i) for f, i in zip(frames, images, strict=True))


def test_bgr8_selects_the_devices_packed_format(camera):
    camera.set("PixelFormat", "BGR8")
    assert camera.device.PixelFormat.Value == "BGR8Packed"


def test_frame_shape_follows_width_and_height(camera):
    camera.set("Width", 80)
    camera.set("Height", 30)
    assert camera.read(2.0).image.shape == (30, 80)


def test_width_change_while_streaming_takes_effect(camera):
    camera.read(2.0)
    camera.set("Width", 32)
    assert camera.read(2.0).image.shape == (48, 32)


# --- metadata ------------------------------------------------------------------------
def test_frame_reports_exposure_read_back_from_camera(camera):
    camera.set("ExposureTime", 2500.0)
    assert camera.read(2.0).exposure_us == pytest.approx(2500.0, abs=1.0)


def test_frame_reports_gain_read_back_from_camera(camera):
    camera.set("Gain", 6.0)
    assert camera.read(2.0).gain_db == pytest.approx(6.0, abs=0.05)


def test_frame_source_is_the_uri(camera):
    assert camera.read(2.0).source == f"basler://{FIRST}"


def test_timestamps_increase(camera):
    stamps = [camera.read(2.0).timestamp_s for _ in range(3)]
    assert stamps[0] < stamps[1] < stamps[2]


def test_emulator_honours_every_shim_feature(camera):
    assert camera.honoured == frozenset(FEATURES)


# --- bad values ----------------------------------------------------------------------
def test_exposure_beyond_camera_maximum_names_its_range(camera):
    camera.device.ExposureTime.ImposeMax(50_000)  # as a real camera's limit at a high frame rate
    with pytest.raises(FeatureError, match="1 to 50000 us"):
        camera.set("ExposureTime", 60_000.0)


def test_exposure_beyond_any_camera_is_rejected_with_range(camera):
    with pytest.raises(FeatureError, match="ExposureTime.*1 to 1e\\+07 us"):
        camera.set("ExposureTime", 20_000_000.0)


def test_width_beyond_sensor_names_its_range(camera):
    with pytest.raises(FeatureError, match="1 to 4096 px"):
        camera.set("Width", 5000)


# --- triggering ----------------------------------------------------------------------
def test_read_without_trigger_times_out_within_timeout(camera):
    camera.set("TriggerMode", "On")
    start = time.monotonic()
    with pytest.raises(FrameTimeout):
        camera.read(timeout_s=0.3)
    assert time.monotonic() - start < 0.3 + 0.15


def test_trigger_timeout_message_says_how_to_trigger(camera):
    camera.set("TriggerMode", "On")
    with pytest.raises(FrameTimeout, match=r"trigger\(\)"):
        camera.read(timeout_s=0.2)


def test_software_trigger_delivers_the_next_image(camera, tmp_path):
    images = write_images(tmp_path)
    stream_folder(camera, tmp_path)
    camera.set("TriggerMode", "On")
    camera.trigger()
    assert np.array_equal(camera.read(2.0).image, images[0])


def test_trigger_while_free_running_is_refused(camera):
    with pytest.raises(FeatureError, match="TriggerMode is Off"):
        camera.trigger()


# --- failures ------------------------------------------------------------------------
def test_removed_camera_is_device_lost(camera):
    camera.read(2.0)
    camera.device.FirePnPCallback.Execute()  # the emulator's stand-in for a pulled cable
    with pytest.raises(DeviceLost, match="disconnected"):
        camera.read(2.0)


def test_broken_buffer_is_grab_failed(camera):
    camera.read(2.0)
    camera.device.ForceFailedBuffer.Execute()
    with pytest.raises(GrabFailed, match="incompletely grabbed"):
        camera.read(2.0)
