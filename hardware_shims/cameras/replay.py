"""`replay://`: play a recorded session back as if it were a camera.

  replay://orientation/sample        a shipped session (hardware_shims/sessions/), or one in a
                                     folder of MICROFAB_SESSIONS_PATH (searched first)
  replay:///abs/path/run.mcap        any session file, absolute path
  replay://runs/line3.mcap           any session file, relative to the working dir
Parameters: loop=0|1 (default 0), start=N (skip the first N frames), and the injected
faults of `hardware_shims.faults` (drop=, timeout=, disconnect_after=, drift=, fault_seed=).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import EndOfStream, MalformedURIError, SessionError
from ..faults import FAULT_PARAMS
from ..frame import Frame
from ..profiles import SESSIONS_PATH_ENV
from ..recording.session import SessionReader
from ..uri import ResourceURI
from .base import Camera

SESSIONS_DIR = Path(__file__).parents[1] / "sessions"


def session_dirs() -> list[Path]:
    """Folders of MICROFAB_SESSIONS_PATH (the grader's held-back lines), then the shipped ones."""
    extra = [Path(p) for p in os.environ.get(SESSIONS_PATH_ENV, "").split(os.pathsep) if p]
    return [*extra, SESSIONS_DIR]


def available_sessions() -> list[str]:
    """Names usable as replay://NAME, e.g. 'orientation/sample'."""
    return sorted({p.relative_to(folder).with_suffix("").as_posix()
                   for folder in session_dirs() for p in folder.rglob("*.mcap")})


def resolve_session(path: str) -> Path:
    """Map the path part of a replay URI to a session file, or explain what exists."""
    candidates = []
    if path.endswith(".mcap"):
        candidates.append(Path(path))
        if not Path(path).is_absolute():
            candidates += [folder / path for folder in session_dirs()]
    elif path:
        candidates += [folder / f"{path}.mcap" for folder in session_dirs()]
    for candidate in candidates:
        if candidate.is_file():
            return candidate
    shipped = ", ".join(available_sessions()) or "none"
    raise SessionError(
        f"no recorded session for replay://{path} (looked at "
        f"{', '.join(str(c) for c in candidates) or 'nothing: empty name'}); "
        f"shipped sessions: {shipped}; or give a .mcap file path"
    )


class ReplayCamera(Camera):
    """Frames from a session file, in order, with their recorded metadata."""

    # Converting Mono8 <-> BGR8 is what a camera would do; exposure cannot be redone.
    injects_faults = software_pixel_format = True
    honoured = frozenset({"PixelFormat"})
    grab_may_block = False

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.uri.check_params({"loop", "start"} | FAULT_PARAMS)
        self.loop = self.uri.param_bool("loop", False)
        self.start = self.uri.param_int("start", 0)
        self.session_path = resolve_session(self.uri.path)
        self.reader = SessionReader(self.session_path)
        if self.start and self.start >= len(self.reader):
            raise MalformedURIError(
                f"start={self.start} in {self.uri}, but the session has "
                f"{len(self.reader)} frames; use start=0..{len(self.reader) - 1}"
            )
        self._frames = self._play()
        self._last: Frame | None = None

    @property
    def metadata(self) -> dict:
        return self.reader.metadata

    def __len__(self) -> int:
        return len(self.reader)

    def _play(self) -> Iterator[Frame]:
        passes = 0
        while True:
            for n, frame in enumerate(self.reader.frames()):
                if passes == 0 and n < self.start:
                    continue
                if self.loop:
                    frame.extra["replay_pass"] = passes
                yield frame
            passes += 1
            if not self.loop:
                return

    def _grab(self, timeout_s: float) -> Frame:
        frame = next(self._frames, None)
        if frame is None:
            raise EndOfStream(f"{self.uri} reached the end of {self.session_path.name}")
        self._last = frame
        frame.extra["recorded_source"] = frame.source
        frame.source = str(self.uri)
        return frame

    def _current(self, name: str) -> Any:
        frame = self._last or next(self.reader.frames(), None)
        if frame is None:
            return super()._current(name)
        recorded = {
            "ExposureTime": frame.exposure_us,
            "Gain": frame.gain_db,
            "Width": frame.width,
            "Height": frame.height,
            "PixelFormat": frame.pixel_format,
        }
        return recorded.get(name, super()._current(name))

    def _close(self) -> None:
        self._frames.close()
