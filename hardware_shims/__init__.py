"""Camera shims: one API for live cameras, the digital twin and recorded sessions.

    from hardware_shims import open_camera
    with open_camera() as cam:            # "auto": the lab profile decides
        frame = cam.read()

Importing this package stays cheap: cv2, mcap and camera SDKs load only when a
source or session that needs them is opened.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .cameras.base import FEATURES, Camera
from .device import AutoChoice, Binding, open_device
from .errors import (
    DeviceLost,
    EndOfStream,
    FeatureError,
    FrameTimeout,
    MalformedURIError,
    ProfileError,
    SessionError,
    ShimError,
    UnknownSchemeError,
)
from .frame import Frame
from .profiles import PROFILES, active_profile, fast_mode, preferred_camera
from .registry import CameraRegistry, cameras
from .uri import ResourceURI, parse_uri

if TYPE_CHECKING:
    from .recording.session import SessionReader, SessionWriter

__all__ = [
    "FEATURES", "PROFILES", "Binding", "Camera", "CameraRegistry", "DeviceLost",
    "EndOfStream", "FeatureError", "Frame", "FrameTimeout", "MalformedURIError",
    "ProfileError", "ResourceURI", "SessionError", "SessionReader", "SessionWriter",
    "ShimError", "UnknownSchemeError", "active_profile", "cameras", "fast_mode", "open_camera",
    "parse_uri", "record",
]

_RECORDED_SCHEMES = {"replay", "file"}


def __getattr__(name: str) -> Any:
    # Session classes pull in cv2 and mcap; load them on first use only.
    if name in ("SessionReader", "SessionWriter"):
        from .recording import session

        return getattr(session, name)
    raise AttributeError(f"module 'hardware_shims' has no attribute {name!r}")


def open_camera(uri: str | ResourceURI = "auto", *, station: str | None = None,
                **features: Any) -> Camera:
    """Open a camera by URI (or `auto`), apply GenICam `features`, show the binding once.

    `station` ("backboard", "orientation") says which station a lesson teaches: under `auto`,
    the replay profile replays that station's recorded line, and a lab camera that does not
    answer falls back to it.

    Example: open_camera("replay://orientation/sample", ExposureTime=1200.0)
    """
    camera = open_device(cameras, uri, lambda: _auto_camera(station))
    try:
        for name, value in features.items():
            camera.set(name, value)
    except BaseException:
        camera.close()
        raise
    return camera


def _auto_camera(station: str | None = None) -> AutoChoice:
    profile, preferred, why, recorded = preferred_camera(station=station)
    # recorded sources never fall back: a missing session must be reported, not hidden
    return AutoChoice(preferred, why, recorded,
                      certain=parse_uri(preferred).scheme in _RECORDED_SCHEMES)


def record(
    uri: str | ResourceURI, frames: int, out: str | Path, progress: bool = True
) -> Path:
    """Read `frames` frames from any camera and save them as a session at `out`."""
    from tqdm.auto import tqdm  # deferred: only recording needs it

    from .recording.session import SessionWriter

    if frames < 1:
        raise ValueError(f"frames must be >= 1, got {frames}")
    out = Path(out)
    with open_camera(uri) as camera:
        meta = {"recorded_from": camera.binding.uri, "binding": camera.binding.reason}
        with SessionWriter(out, metadata=meta) as writer, tqdm(
            total=frames, desc=f"recording {out.name}", unit="frame", disable=not progress
        ) as bar:
            for _ in range(frames):
                try:
                    writer.write_frame(camera.read())
                except EndOfStream:
                    break
                bar.update(1)
    if writer.frame_count < frames:
        warnings.warn(
            f"{camera.binding.uri} ended after {writer.frame_count} of {frames} frames; "
            f"{out} holds what was read",
            stacklevel=2,
        )
    return out
