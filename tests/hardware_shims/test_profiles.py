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
    _, uri, why = preferred_camera({"MICROFAB_PROFILE": "lab-usb", "MICROFAB_CAMERA": "usb://2"})
    assert (uri, why) == ("usb://2", "MICROFAB_CAMERA, profile lab-usb")


@pytest.mark.parametrize("name", sorted(PROFILES))
def test_every_fallback_session_exists(name):
    assert resolve_session(parse_uri(PROFILES[name].fallback).path).is_file()
