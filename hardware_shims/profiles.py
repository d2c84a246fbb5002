"""Lab profiles: which camera `open_camera("auto")` tries, and what it falls back to.

MICROFAB_PROFILE picks the profile (default `replay`); MICROFAB_CAMERA
overrides the camera URI while keeping the profile's recorded fallback, so a
lab with no camera attached still runs every notebook.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass

from .errors import ProfileError

PROFILE_ENV = "MICROFAB_PROFILE"
CAMERA_ENV = "MICROFAB_CAMERA"
SESSIONS_PATH_ENV = "MICROFAB_SESSIONS_PATH"  # more session folders, searched first
FAST_ENV = "MICROFAB_FAST"  # "1": a CI run, notebooks process fewer frames
DEFAULT_PROFILE = "replay"
SAMPLE_SESSION = "replay://orientation/sample"
# The recorded line of each station a lesson may teach: what `auto` replays, and what a lab
# camera that does not answer falls back to, when the lesson names its station.
STATION_SESSIONS = {
    "orientation": SAMPLE_SESSION,
    "backboard": "replay://backboard/training",
}


@dataclass(frozen=True)
class Profile:
    name: str
    camera: str  # preferred source
    fallback: str  # recorded session used when the camera is unavailable
    description: str = ""
    board: str = "cpu://"  # preferred edge board for open_board("auto")
    arm: str = "sim://xarm6"  # preferred arm for open_arm("auto"): the twin unless a lab says


PROFILES: dict[str, Profile] = {
    p.name: p
    for p in (
        Profile("replay", SAMPLE_SESSION, SAMPLE_SESSION, "recorded sessions only"),
        Profile("sim", "sim://backboard-station", SAMPLE_SESSION, "digital twin"),
        Profile("lab-usb", "usb://0", SAMPLE_SESSION, "UVC camera on a lab PC"),
        Profile("lab-genicam", "genicam://", SAMPLE_SESSION, "GigE Vision/USB3 Vision"),
        Profile("jetson", "usb://0", SAMPLE_SESSION, "NVIDIA Jetson edge station", "jetson://"),
        Profile("ascend", "usb://0", SAMPLE_SESSION, "Huawei Ascend edge station", "ascend://0"),
        Profile("cuda", SAMPLE_SESSION, SAMPLE_SESSION, "workstation with an NVIDIA GPU",
                "cuda://0"),
    )
}


def fast_mode(env: Mapping[str, str] | None = None) -> bool:
    """True in a FAST run (MICROFAB_FAST=1): lessons and labs process fewer frames."""
    env = os.environ if env is None else env
    return env.get(FAST_ENV, "").strip() == "1"


def active_profile(env: Mapping[str, str] | None = None) -> Profile:
    """The profile named by MICROFAB_PROFILE (default `replay`)."""
    env = os.environ if env is None else env
    name = env.get(PROFILE_ENV, "").strip() or DEFAULT_PROFILE
    try:
        return PROFILES[name]
    except KeyError:
        raise ProfileError(
            f"{PROFILE_ENV}={name!r} is not a lab profile; valid: "
            f"{', '.join(PROFILES)}. Unset it to use {DEFAULT_PROFILE!r}."
        ) from None


def station_session(station: str | None) -> str | None:
    """The recorded line of `station` (None: no station named)."""
    if station is None:
        return None
    try:
        return STATION_SESSIONS[station]
    except KeyError:
        raise ProfileError(f"station={station!r} is not a station with a recorded line; "
                           f"valid: {', '.join(STATION_SESSIONS)}") from None


def preferred_camera(env: Mapping[str, str] | None = None,
                     station: str | None = None) -> tuple[Profile, str, str, str]:
    """(profile, camera URI to try first, why that URI, recorded fallback) for `auto`.

    A lesson that names its `station` replays that station's line where the profile replays
    (and falls back to it where a camera does not answer); the twin and real cameras stay."""
    env = os.environ if env is None else env
    profile = active_profile(env)
    recorded = station_session(station) or profile.fallback
    override = env.get(CAMERA_ENV, "").strip()
    if override:
        return profile, override, f"{CAMERA_ENV}, profile {profile.name}", recorded
    if station and profile.camera == profile.fallback:  # a replay profile: this station's line
        return profile, recorded, f"profile {profile.name}, station {station}", recorded
    return profile, profile.camera, f"profile {profile.name}", recorded
