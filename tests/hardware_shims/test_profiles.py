import pytest

from hardware_shims.cameras.replay import resolve_session
from hardware_shims.errors import ProfileError
from hardware_shims.profiles import PROFILES, active_profile, preferred_camera
from hardware_shims.uri import parse_uri


def test_default_profile_is_replay():
    assert active_profile({}).name == "replay"


def test_replay_profile_uses_the_sample_session():
    assert active_profile({}).camera == "replay://orientation/sample"


def test_profile_is_read_from_the_environment():
    assert active_profile({"MICROFAB_PROFILE": "lab-usb"}).camera == "usb://0"


def test_sim_profile_prefers_the_twin_and_falls_back_to_replay():
    sim = PROFILES["sim"]
    assert (sim.camera, sim.fallback) == ("sim://backboard-station", "replay://orientation/sample")


def test_genicam_profile():
    assert PROFILES["lab-genicam"].camera == "genicam://"


def test_unknown_profile_lists_valid_ones():
    with pytest.raises(ProfileError, match="valid: replay, sim, lab-usb, lab-genicam"):
        active_profile({"MICROFAB_PROFILE": "lab-gige"})


def test_camera_env_overrides_the_uri():
    _, uri, why, _ = preferred_camera({"MICROFAB_PROFILE": "lab-usb",
                                       "MICROFAB_CAMERA": "usb://2"})
    assert (uri, why) == ("usb://2", "MICROFAB_CAMERA, profile lab-usb")


@pytest.mark.parametrize("profile, expected, recorded", [
    ("replay", "replay://backboard/training", "replay://backboard/training"),
    ("sim", "sim://backboard-station", "replay://backboard/training"),  # the twin stays
    ("lab-usb", "usb://0", "replay://backboard/training"),  # the real camera, this fallback
])
def test_a_lesson_that_names_its_station_gets_that_station_on_every_profile(
        profile, expected, recorded):
    _, uri, _, fallback = preferred_camera({"MICROFAB_PROFILE": profile}, station="backboard")
    assert (uri, fallback) == (expected, recorded)
    _, uri, _, _ = preferred_camera({"MICROFAB_PROFILE": profile})
    assert uri == PROFILES[profile].camera  # without a station: as before


def test_an_unknown_station_lists_the_known_ones():
    with pytest.raises(ProfileError, match="valid: orientation, backboard"):
        preferred_camera({}, station="backbord")


def test_open_camera_auto_binds_the_station_it_is_given(monkeypatch):
    from hardware_shims import open_camera

    monkeypatch.setenv("MICROFAB_PROFILE", "replay")
    with open_camera("auto", station="backboard") as camera:
        assert camera.read().extra["mm_per_px"] > 0  # the backboard line records its optics
        assert str(camera.binding.uri) == "replay://backboard/training"


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_fallback_session_exists(name):
    assert resolve_session(parse_uri(PROFILES[name].fallback).path).is_file()
