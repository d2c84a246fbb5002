import subprocess
import sys
import threading

import pytest

import hardware_shims
from hardware_shims import SessionReader, device, open_camera, record
from hardware_shims.cameras.replay import ReplayCamera
from hardware_shims.errors import DeviceLost, FeatureError, UnknownSchemeError

SAMPLE = "replay://orientation/sample"


def _lines(capsys):
    return capsys.readouterr().out.splitlines()


def test_auto_uses_the_replay_profile(capsys):
    with open_camera() as cam:
        assert isinstance(cam, ReplayCamera)
    assert _lines(capsys) == [f"camera: {SAMPLE} (profile replay)"]


def test_auto_falls_back_when_sim_is_not_registered(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "sim")
    monkeypatch.delitem(hardware_shims.cameras._specs, "sim")
    with open_camera():
        pass
    assert _lines(capsys) == [
        f"camera: {SAMPLE} (sim:// not registered yet, profile sim)"
    ]


def test_auto_falls_back_when_the_twin_is_unavailable(monkeypatch, capsys):
    from hardware_shims.cameras import sim as sim_source
    from hardware_shims.errors import ShimError

    def no_twin():
        raise ShimError("the digital twin is not available")

    monkeypatch.setenv("MICROFAB_PROFILE", "sim")
    monkeypatch.setattr(sim_source, "load_renderer", no_twin)
    with open_camera() as cam:
        assert "twin is not available" in cam.binding.detail
    assert _lines(capsys) == [f"camera: {SAMPLE} (sim://backboard-station unavailable)"]


def test_auto_uses_sim_once_registered(monkeypatch, register, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "sim")
    register("sim", lambda uri: ReplayCamera(SAMPLE))
    with open_camera():
        pass
    assert _lines(capsys) == [f"camera: {SAMPLE} (profile sim)"]


def test_auto_falls_back_when_the_device_fails(monkeypatch, register, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "lab-usb")

    def no_camera(uri):
        raise DeviceLost("no USB camera")

    register("usb", no_camera)
    with open_camera() as cam:
        assert "DeviceLost" in cam.binding.detail
    assert _lines(capsys) == [f"camera: {SAMPLE} (no camera answered at usb://0)"]


def test_auto_falls_back_when_the_device_hangs(monkeypatch, register, capsys):
    monkeypatch.setenv("MICROFAB_PROFILE", "lab-usb")
    monkeypatch.setattr(device, "OPEN_TIMEOUT_S", 0.2)
    release = threading.Event()

    def hanging(uri):
        release.wait(5)
        raise DeviceLost("gave up")

    register("usb", hanging)
    try:
        with open_camera():
            pass
    finally:
        release.set()
    assert _lines(capsys) == [f"camera: {SAMPLE} (no camera answered at usb://0)"]


def test_camera_env_override(monkeypatch, capsys, session_path):
    monkeypatch.setenv("MICROFAB_CAMERA", f"replay://{session_path}")
    with open_camera() as cam:
        assert len(cam) == 3
    assert _lines(capsys) == [
        f"camera: replay://{session_path} (MICROFAB_CAMERA, profile replay)"
    ]


def test_missing_override_session_is_not_hidden(monkeypatch, capsys):
    monkeypatch.setenv("MICROFAB_CAMERA", "replay://nowhere/none")
    with pytest.raises(hardware_shims.SessionError, match="nowhere/none"):
        open_camera()


def test_explicit_uri_says_requested(capsys):
    with open_camera(SAMPLE):
        pass
    assert _lines(capsys) == [f"camera: {SAMPLE} (requested)"]


def test_the_binding_is_shown_once_per_source_not_per_open(capsys):
    for exposure_us in (400, 800, 1600):
        with open_camera(f"sim://backboard-station?exposure_us={exposure_us}&width=64&height=48"):
            pass
    with open_camera(SAMPLE):
        pass
    assert _lines(capsys) == ["camera: sim://backboard-station?exposure_us=400&width=64&height=48 "
                              "(requested)", f"camera: {SAMPLE} (requested)"]


def test_explicit_unknown_scheme_raises(capsys):
    with pytest.raises(UnknownSchemeError, match="gige"):
        open_camera("gige://cam0")


def test_features_are_applied(capsys):
    with open_camera(SAMPLE, ExposureTime=1500.0) as cam:
        assert cam.read().extra["unhonoured"] == {"ExposureTime": 1500.0}


def test_bad_feature_raises(capsys):
    with pytest.raises(FeatureError, match="ExposureTime"):
        open_camera(SAMPLE, ExposureTime=0.0)


def test_record_writes_a_session(tmp_path, capsys):
    out = record(SAMPLE, frames=4, out=tmp_path / "rec.mcap", progress=False)
    assert len(SessionReader(out)) == 4


def test_record_notes_the_source(tmp_path, capsys):
    out = record(SAMPLE, frames=1, out=tmp_path / "rec.mcap", progress=False)
    assert SessionReader(out).metadata["recorded_from"] == SAMPLE


def test_record_warns_when_the_source_ends_early(tmp_path, capsys):
    with pytest.warns(UserWarning, match="ended after 12 of 20"):
        record(SAMPLE, frames=20, out=tmp_path / "rec.mcap", progress=False)


def test_import_is_light():
    code = (
        "import sys, hardware_shims; "
        "print(sorted(m for m in ('cv2', 'mcap', 'tqdm') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def test_session_classes_are_exported():
    assert hardware_shims.SessionWriter.__name__ == "SessionWriter"
