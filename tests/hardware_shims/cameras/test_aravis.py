"""AravisCamera against Aravis's fake cameras: in-process `Fake_1`, and a fake GigE
Vision camera served on loopback by `arv-fake-gv-camera-0.8` (for triggers and unplugging).

Both draw a diagonal ramp: a pixel's value depends only on x + y, and grows with
ExposureTime. Neither has a Gain node (only GainRaw, in no stated unit).
"""

from __future__ import annotations

import fcntl
import itertools
import os
import shutil
import subprocess
import time

import numpy as np
import pytest

gi = pytest.importorskip(
    "gi", reason="PyGObject is not installed (see hardware_shims/cameras/aravis.py) for aravis://"
)
try:
    gi.require_version("Aravis", "0.8")
except ValueError:
    pytest.skip("Aravis 0.8 typelib missing: apt-get install gir1.2-aravis-0.8",
                allow_module_level=True)

from hardware_shims import open_camera  # noqa: E402
from hardware_shims.cameras.aravis import Aravis, AravisCamera  # noqa: E402
from hardware_shims.cameras.genicam_nodes import DeviceNotFound  # noqa: E402
from hardware_shims.errors import DeviceLost, FeatureError, FrameTimeout  # noqa: E402

FAKE = "aravis://Fake_1"
FAKE_GV = shutil.which("arv-fake-gv-camera-0.8")
_serials = itertools.count()


@pytest.fixture
def camera():
    cam = AravisCamera(FAKE)
    cam.set("Width", 64)
    cam.set("Height", 48)
    cam.set("ExposureTime", 2000.0)
    yield cam
    cam.close()


@pytest.fixture
def gige(tmp_path_factory):
    """A fake GigE Vision camera on 127.0.0.1, its own process: (uri, serial, process)."""
    if FAKE_GV is None:
        pytest.skip("arv-fake-gv-camera-0.8 not found: apt-get install aravis-tools")
    serial = f"MF{os.getpid() % 10000}{next(_serials)}"
    # By address: found by id, Aravis may stream to another interface this host cannot receive on.
    uri = "aravis://127.0.0.1"
    # Only one fake can own 127.0.0.1:3956, so test runs sharing this machine take turns.
    with open(tmp_path_factory.getbasetemp().parent / "arv-fake-gv.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        process = subprocess.Popen([FAKE_GV, "-i", "127.0.0.1", "-s", serial],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_until_served(uri, serial)
            yield uri, serial, process
        finally:
            process.kill()
            process.wait()


def _wait_until_served(uri, serial, within_s=5.0):
    deadline = time.monotonic() + within_s
    while True:
        try:
            with AravisCamera(uri) as cam:
                assert cam.serial == serial, f"another GigE Vision device answers at {uri}"
            return
        except DeviceNotFound:
            if time.monotonic() > deadline:
                raise


@pytest.fixture
def triggered(gige):
    cam = AravisCamera(gige[0])
    cam.set("Width", 64)
    cam.set("Height", 48)
    cam.set("TriggerMode", "On")
    yield cam
    cam.close()


# --- which device ------------------------------------------------------------------
def test_fake_camera_opens_by_device_id(camera):
    assert camera.model == "Aravis Fake"


def test_unknown_device_lists_cameras_found():
    Aravis.enable_interface("Fake")  # so there is one camera to list
    with pytest.raises(DeviceNotFound, match="no-such-camera.*Fake_1"):
        AravisCamera("aravis://no-such-camera")


def test_serial_number_finds_the_camera(gige):
    uri, serial, _ = gige
    with AravisCamera(f"aravis://{serial}") as cam:
        assert cam.serial == serial


def test_registry_opens_aravis_scheme():
    with open_camera(FAKE) as cam:
        assert isinstance(cam, AravisCamera)


# --- pixels and metadata -------------------------------------------------------------
def test_frame_is_the_fakes_diagonal_ramp(camera):
    image = camera.read(2.0).image.astype(int)
    assert np.array_equal(image[1:, :-1], image[:-1, 1:]) and image.max() > image.min()


def test_longer_exposure_gives_a_brighter_frame(camera):
    dim = camera.read(2.0).image.mean()
    camera.set("ExposureTime", 8000.0)
    assert camera.read(2.0).image.mean() > dim


def test_frame_reports_exposure_read_back(camera):
    assert camera.read(2.0).exposure_us == pytest.approx(2000.0)


def test_gain_without_a_db_node_is_recorded_unhonoured(camera):
    camera.set("Gain", 1.0)
    assert camera.read(2.0).extra["unhonoured"] == {"Gain": 1.0}


def test_frame_shape_follows_width_and_height(camera):
    assert camera.read(2.0).image.shape == (48, 64)


def test_bgr8_selects_the_devices_rgb8(camera):
    camera.set("PixelFormat", "BGR8")
    camera.read(2.0)
    assert camera.device.get_string("PixelFormat") == "RGB8"


def test_bgr8_frame_has_three_channels(camera):
    camera.set("PixelFormat", "BGR8")
    assert camera.read(2.0).image.shape == (48, 64, 3)


def test_width_beyond_sensor_names_its_range(camera):
    with pytest.raises(FeatureError, match="1 to 2048 px"):
        camera.set("Width", 5000)


# --- triggering and failures (fake GigE camera) ------------------------------------
def test_read_without_trigger_times_out_within_timeout(triggered):
    start = time.monotonic()
    with pytest.raises(FrameTimeout, match=r"trigger\(\)"):
        triggered.read(timeout_s=0.3)
    assert time.monotonic() - start < 0.3 + 0.15


def test_software_trigger_delivers_a_ramp_frame(triggered):
    # GigE Vision over loopback: under load a trigger command can be late, never lost twice
    for _ in range(3):
        triggered.trigger()
        try:
            image = triggered.read(3.0).image.astype(int)
            break
        except FrameTimeout:
            continue
    else:
        pytest.fail("three software triggers delivered no frame")
    assert np.array_equal(image[1:, :-1], image[:-1, 1:])


def test_trigger_while_free_running_is_refused(camera):
    with pytest.raises(FeatureError, match="TriggerMode is Off"):
        camera.trigger()


def test_unplugged_camera_is_device_lost(gige):
    uri, _, process = gige
    with AravisCamera(uri) as cam:
        cam.read(2.0)
        process.kill()  # the fake camera vanishes like a pulled cable
        process.wait()
        deadline = time.monotonic() + 15  # Aravis notices when the heartbeat lapses (~6 s)
        with pytest.raises(DeviceLost, match="stopped answering"):
            while time.monotonic() < deadline:
                try:
                    cam.read(0.5)
                except FrameTimeout:
                    continue
