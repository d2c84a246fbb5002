"""`usb://N`: a UVC (webcam-class) camera through cv2.VideoCapture.

Exposure and gain through OpenCV use driver-specific units, so they are
recorded as unhonoured rather than guessed; size, rate and pixel format work.
"""

from __future__ import annotations

import math
import time
from typing import Any

import cv2

from ..errors import DeviceLost, MalformedURIError
from ..frame import Frame, convert_pixel_format
from ..uri import ResourceURI
from .base import Camera

_PROPS = {
    "Width": cv2.CAP_PROP_FRAME_WIDTH,
    "Height": cv2.CAP_PROP_FRAME_HEIGHT,
    "AcquisitionFrameRate": cv2.CAP_PROP_FPS,
}


def _quiet_open(device: int) -> cv2.VideoCapture:
    # OpenCV logs a WARN per backend it tries; the one binding line must stay the only one.
    logging = cv2.utils.logging
    previous = logging.getLogLevel()
    logging.setLogLevel(logging.LOG_LEVEL_ERROR)
    try:
        return cv2.VideoCapture(device)
    finally:
        logging.setLogLevel(previous)


class UsbCamera(Camera):
    honoured = frozenset({"Width", "Height", "AcquisitionFrameRate", "PixelFormat"})

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.uri.check_params(set())
        try:
            self.device = int(self.uri.path or "0")
        except ValueError:
            raise MalformedURIError(
                f"{self.uri}: the path must be a device number, e.g. usb://0"
            ) from None
        self._capture = _quiet_open(self.device)
        if not self._capture.isOpened():
            self._capture.release()
            raise DeviceLost(
                f"no USB camera answered at {self.uri}; check the cable, try "
                "another index (usb://1), or use a recorded session (replay://)"
            )
        self._t0 = time.monotonic()
        self._index = 0

    def _apply(self, name: str, value: Any) -> None:
        if name in _PROPS:
            self._capture.set(_PROPS[name], float(value))

    def _current(self, name: str) -> Any:
        if name in _PROPS:
            value = self._capture.get(_PROPS[name])
            return int(value) if name in ("Width", "Height") else value
        return super()._current(name)

    def _grab(self, timeout_s: float) -> Frame:
        ok, image = self._capture.read()
        if not ok:
            raise DeviceLost(f"{self.uri} stopped delivering frames; reconnect it")
        if "PixelFormat" in self._values:
            image = convert_pixel_format(image, self._values["PixelFormat"])
        frame = Frame(
            image,
            index=self._index,
            timestamp_s=time.monotonic() - self._t0,
            exposure_us=math.nan,  # unknown: UVC drivers do not report it reliably
            gain_db=math.nan,
            source=str(self.uri),
        )
        self._index += 1
        return frame

    def _close(self) -> None:
        self._capture.release()
