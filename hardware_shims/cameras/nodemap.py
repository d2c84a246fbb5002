"""What every GenICam-family camera (pylon, GenTL, Aravis) does with features, in one place.

A backend names the URI parameters it takes (`params`), sets `self._nodes` (a
`genicam_nodes.NodeAccess`) and `self._where`, and implements `_start()` and `_stop()` (the
stream), if its SDK can tell `_check_present()`, and if it must wait before a software trigger
`_before_trigger()`.
"""

from __future__ import annotations

from typing import Any

from ..frame import Frame
from ..uri import ResourceURI
from .base import FEATURES, Camera
from .genicam_nodes import apply_feature, prepare_software_trigger, read_feature, read_float


class NodeMapCamera(Camera):
    #: Narrowed per device on open: a feature the device lacks is recorded as unhonoured.
    honoured = frozenset(FEATURES)
    params: frozenset[str] = frozenset()  # the URI parameters the backend takes

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.uri.check_params(set(self.params))

    def trigger(self, timeout_s: float = 1.0) -> None:
        """Fire one software trigger (TriggerMode must be On); read() returns its frame."""
        self._check_open()
        self._check_present()
        command = prepare_software_trigger(self._nodes, self._where)
        self._start()
        self._before_trigger(timeout_s)
        self._nodes.execute(command)

    def _to_frame(self, image: Any, timestamp_s: float, **extra: Any) -> Frame:
        """A grabbed image as the next Frame, with exposure and gain read back from the camera."""
        frame = Frame(
            image,
            index=self._index,
            timestamp_s=timestamp_s,
            exposure_us=read_float(self._nodes, "ExposureTime"),
            gain_db=read_float(self._nodes, "Gain"),
            source=str(self.uri),
            extra={"serial": self.serial, "model": self.model, **extra},
        )
        self._index += 1
        return frame

    def _before_trigger(self, timeout_s: float) -> None:
        """Wait until the camera can take a trigger (default: it always can)."""

    def _start(self) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must implement _start")

    def _check_present(self) -> None:
        """Raise DeviceLost if the SDK knows the device is gone (default: it cannot tell)."""

    def _stop(self) -> None:
        raise NotImplementedError(f"{type(self).__name__} must implement _stop")

    def _apply(self, name: str, value: Any) -> None:
        self._check_present()
        # Restart the stream on the next read: queued frames were taken with the old value,
        # and size and format are locked while streaming.
        self._stop()
        apply_feature(self._nodes, name, value, self._where)

    def _current(self, name: str) -> Any:
        value = read_feature(self._nodes, name)
        return super()._current(name) if value is None else value
