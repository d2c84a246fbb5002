"""What every GenICam-family camera (pylon, GenTL, Aravis) does with features, in one place.

A backend sets `self._nodes` (a `genicam_nodes.NodeAccess`) and `self._where`, and implements
`_stop()` (end the stream) and, if its SDK can tell, `_check_present()`.
"""

from __future__ import annotations

from typing import Any

from .base import Camera
from .genicam_nodes import apply_feature, read_feature


class NodeMapCamera(Camera):
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
