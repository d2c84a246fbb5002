"""`file://`: images on disk or a video file, read as if from a camera.

  file:///data/line3/            every image in a folder, sorted by name
  file://shots/*.png             a glob (relative to the working dir)
  file:///data/run.mp4           a video file (decoded with cv2.VideoCapture)
Parameter: loop=0|1. Image files carry no exposure/gain, so those are NaN
(unknown) and the file stem becomes the part_id; timestamps are nominal,
one AcquisitionFrameRate period apart (video files use their own clock).
"""

from __future__ import annotations

import glob
import math
from pathlib import Path

import cv2
import numpy as np

from ..errors import EndOfStream, SessionError
from ..frame import Frame, convert_pixel_format
from ..uri import ResourceURI
from .base import Camera

IMAGE_EXTS = {".png", ".jpg", ".jpeg", ".bmp", ".tif", ".tiff", ".pgm", ".ppm", ".webp"}
VIDEO_EXTS = {".mp4", ".avi", ".mov", ".mkv", ".mpg", ".mpeg", ".webm", ".m4v"}


def _list_images(path: str) -> list[Path]:
    if any(ch in path for ch in "*?["):
        return [Path(p) for p in sorted(glob.glob(path, recursive=True)) if Path(p).is_file()]
    target = Path(path)
    if target.is_dir():
        return sorted(p for p in target.iterdir() if p.suffix.lower() in IMAGE_EXTS)
    return [target]


def _to_uint8(image: np.ndarray) -> np.ndarray:
    # 16-bit PNG/TIFF from machine-vision cameras: keep the top 8 bits.
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    if image.ndim == 3 and image.shape[2] == 4:
        image = image[:, :, :3]  # drop alpha: cameras do not produce it
    if image.ndim == 3 and image.shape[2] == 1:
        image = image[:, :, 0]
    return np.ascontiguousarray(image)


class FileCamera(Camera):
    """Image files or a video file as a finite camera."""

    honoured = frozenset({"PixelFormat"})
    grab_may_block = False

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.uri.check_params({"loop"})
        self.loop = self.uri.param_bool("loop", False)
        if not self.uri.path:
            raise SessionError("file:// needs a path, e.g. file:///data/shots/*.png")
        self._video: cv2.VideoCapture | None = None
        self._files: list[Path] = []
        self._pos = 0
        suffix = Path(self.uri.path).suffix.lower()
        if suffix in VIDEO_EXTS:
            self._open_video()
        else:
            self._files = _list_images(self.uri.path)
            if not self._files:
                raise SessionError(
                    f"no image files match {self.uri} (looked for "
                    f"{', '.join(sorted(IMAGE_EXTS))}); check the folder or glob"
                )
            if not self._files[0].exists():
                raise SessionError(f"image file {self._files[0]} does not exist ({self.uri})")

    def _open_video(self) -> None:
        path = Path(self.uri.path)
        capture = cv2.VideoCapture(str(path)) if path.is_file() else None
        if capture is None or not capture.isOpened():
            raise SessionError(
                f"cannot open video file {path} ({self.uri}); check that it exists "
                "and is a format OpenCV can decode (mp4/avi with a common codec)"
            )
        self._video = capture

    def _grab(self, timeout_s: float) -> Frame:
        image, t, part_id, extra = self._next_video() if self._video else self._next_file()
        fmt = self._values.get("PixelFormat")
        if fmt:
            image = convert_pixel_format(image, fmt)
        frame = Frame(image, index=self._pos, timestamp_s=t, part_id=part_id,
                      source=str(self.uri), extra=extra)
        self._pos += 1
        return frame

    def _next_file(self):
        n = self._pos
        if n >= len(self._files) and not self.loop:
            raise EndOfStream(f"{self.uri}: all {len(self._files)} images read")
        path = self._files[n % len(self._files)]
        image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        if image is None:
            raise SessionError(
                f"cannot read image file {path} ({self.uri}); it is missing, "
                "truncated or not an image: remove or replace it"
            )
        period = 1.0 / float(self.get("AcquisitionFrameRate"))
        return _to_uint8(image), n * period, path.stem, {"path": str(path)}

    def _next_video(self):
        ok, image = self._video.read()
        if not ok and self.loop and self._pos > 0:
            self._video.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, image = self._video.read()
        if not ok:
            raise EndOfStream(f"{self.uri}: end of video after {self._pos} frames")
        msec = self._video.get(cv2.CAP_PROP_POS_MSEC)
        t = msec / 1000.0 if math.isfinite(msec) else 0.0
        return _to_uint8(image), t, None, {"path": self.uri.path}

    def _close(self) -> None:
        if self._video is not None:
            self._video.release()
