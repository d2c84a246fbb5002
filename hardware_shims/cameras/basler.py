"""`basler://SERIAL` (or `basler://`, the first camera found): a Basler camera via pypylon.

Features go to the camera's node map and are checked against the camera's own
ranges; each frame carries the exposure and gain read back from the camera and
the camera's timestamp (the host clock when the camera reports none, as pylon's
emulator does; `frame.extra["clock"]` says which).

Triggering: with TriggerMode=On the camera waits for a trigger on its
TriggerSource. `trigger()` fires a software trigger (switching TriggerSource to
Software); `read()` then returns that frame. Without a trigger, `read()` raises
FrameTimeout after `timeout_s`.

No camera at hand? `PYLON_CAMEMU=2` gives two emulated cameras (serials
0815-0000, 0815-0001). The emulator streams a folder of images when its
`ImageFilename` node names the folder and `ImageFileMode` is On; set such
SDK-only nodes through `camera.device`, the pypylon InstantCamera.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from pypylon import genicam, pylon

from ..errors import DeviceLost, FrameTimeout
from ..frame import Frame
from ..uri import ResourceURI
from .genicam_nodes import (
    DeviceNotFound,
    GrabFailed,
    StreamSettings,
    honoured_features,
    sdk_deadline,
    time_left,
    to_image,
)
from .nodemap import NodeMapCamera

_KINDS = (
    (genicam.IFloat, "float"), (genicam.IInteger, "int"), (genicam.IEnumeration, "enum"),
    (genicam.IBoolean, "bool"), (genicam.ICommand, "command"), (genicam.IString, "string"),
)
_NO_CAMERA_HINT = (
    "check power and cable (GigE: same subnet as this PC, see pylon IP Configurator), "
    "or set PYLON_CAMEMU=1 for pylon's emulated camera"
)


class PylonNodes:
    """A pypylon node map seen through the `NodeAccess` calls of genicam_nodes."""

    sdk_error = genicam.GenericException

    def __init__(self, node_map: Any) -> None:
        self._map = node_map

    def _node(self, name: str) -> Any:
        node = self._map.GetNode(name)
        return node if genicam.IsAvailable(node) else None

    def kind(self, name: str) -> str | None:
        node = self._node(name)
        return next((kind for cls, kind in _KINDS if isinstance(node, cls)), None)

    def writable(self, name: str) -> bool:
        node = self._node(name)
        return node is not None and genicam.IsWritable(node)

    def get(self, name: str) -> Any:
        return self._map.GetNode(name).GetValue()

    def put(self, name: str, value: Any) -> None:
        self._map.GetNode(name).SetValue(value)

    def bounds(self, name: str) -> tuple[float, float, float | None]:
        node = self._map.GetNode(name)
        if isinstance(node, genicam.IInteger):
            return node.GetMin(), node.GetMax(), node.GetInc()
        return node.GetMin(), node.GetMax(), node.GetInc() if node.HasInc() else None

    def choices(self, name: str) -> tuple[str, ...]:
        node = self._node(name)
        return tuple(node.GetSymbolics()) if isinstance(node, genicam.IEnumeration) else ()

    def execute(self, name: str) -> None:
        self._map.GetNode(name).Execute()


def list_devices() -> list[str]:
    """'SERIAL (model)' for every Basler camera pylon sees now (emulated ones included)."""
    return [_describe(info) for info in pylon.TlFactory.GetInstance().EnumerateDevices()]


def _describe(info: Any) -> str:
    return f"{info.GetSerialNumber()} ({info.GetModelName()})"


def _find_device(uri: ResourceURI) -> Any:
    devices = list(pylon.TlFactory.GetInstance().EnumerateDevices())
    serial = uri.path
    for info in devices:
        if not serial or info.GetSerialNumber() == serial:
            return info
    found = [_describe(info) for info in devices]
    if not devices:
        raise DeviceNotFound(f"no Basler camera found for {uri}; {_NO_CAMERA_HINT}", found)
    raise DeviceNotFound(
        f"no Basler camera with serial {serial!r} for {uri}; found: {'; '.join(found)}. "
        f"Use one of those serials, e.g. basler://{devices[0].GetSerialNumber()}",
        found,
    )


class BaslerCamera(NodeMapCamera):
    """A Basler camera (or pylon emulator) through pypylon's InstantCamera."""


    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        info = _find_device(self.uri)
        self.serial: str = info.GetSerialNumber()
        self.model: str = info.GetModelName()
        self._where = f"{self.uri} (serial {self.serial})"
        try:
            self.device = pylon.InstantCamera(pylon.TlFactory.GetInstance().CreateDevice(info))
            self.device.Open()
        except genicam.GenericException as exc:
            raise DeviceLost(
                f"could not open {self._where}: {exc}; close other programs using it "
                "(pylon Viewer) and try again"
            ) from exc
        self._nodes = PylonNodes(self.device.GetNodeMap())
        self.honoured = honoured_features(self._nodes)
        # GigE cameras count ticks at GevTimestampTickFrequency; USB3 and SFNC 2 count ns.
        tick_node = "GevTimestampTickFrequency"
        has_ticks = self._nodes.kind(tick_node) == "int"
        self._tick_hz = float(self._nodes.get(tick_node)) if has_ticks else 1e9
        self._lock = threading.Lock()
        self._settings = StreamSettings("", False, None)  # replaced when a stream starts
        self._index = 0
        self._t0 = time.monotonic()

    # --- acquisition ----------------------------------------------------------------
    def _before_trigger(self, timeout_s: float) -> None:
        """pylon refuses a trigger while the previous exposure runs: wait for it."""
        ready = self.device.WaitForFrameTriggerReady(
            max(1, int(timeout_s * 1000)), pylon.TimeoutHandling_Return
        )
        if not ready:
            raise FrameTimeout(
                f"{self._where} was not ready for a trigger within {timeout_s:g} s: the "
                "previous exposure is still running; read its frame first or lower ExposureTime"
            )

    def _grab(self, timeout_s: float) -> Frame:
        deadline = sdk_deadline(timeout_s)
        self._check_present()
        self._start()
        wait_ms = max(1, int(time_left(deadline) * 1000))
        try:
            result = self.device.RetrieveResult(wait_ms, pylon.TimeoutHandling_Return)
        except genicam.GenericException as exc:
            self._check_present()
            raise GrabFailed(
                f"grabbing from {self._where} failed: {exc}; read again, or close and reopen it"
            ) from exc
        if result is None or not result.IsValid():
            self._check_present()
            raise FrameTimeout(self._settings.timeout_message(self._where, timeout_s))
        try:
            if not result.GrabSucceeded():
                raise GrabFailed(
                    f"frame from {self._where} was broken: {result.GetErrorDescription()} "
                    f"(code {result.GetErrorCode():#x}); read again, and if it repeats lower "
                    "AcquisitionFrameRate or check the cable"
                )
            fmt = self._settings.device_format
            image = to_image(result.GetArray(), fmt, self._where)
            ticks = result.GetTimeStamp()
            extra = {
                "device_pixel_format": fmt,
                "image_number": int(result.GetImageNumber()),
                "skipped_images": int(result.GetNumberOfSkippedImages()),
            }
        finally:
            result.Release()
        return self._frame(image, ticks, extra)

    def _frame(self, image: Any, ticks: int, extra: dict) -> Frame:
        if ticks:
            stamp, extra["clock"] = ticks / self._tick_hz, "device"
        else:
            stamp, extra["clock"] = time.monotonic() - self._t0, "host"
        return self._to_frame(image, stamp, **extra)

    def _start(self) -> None:
        with self._lock:
            if not self.device.IsGrabbing():
                self._settings = StreamSettings.read(self._nodes)
                self.device.StartGrabbing(pylon.GrabStrategy_OneByOne)

    def _stop(self) -> None:
        with self._lock:
            if self.device.IsGrabbing():
                self.device.StopGrabbing()

    def _check_present(self) -> None:
        if self.device.IsCameraDeviceRemoved():
            raise DeviceLost(
                f"{self._where} was disconnected; reconnect it and open the camera again "
                f"(cameras present: {', '.join(list_devices()) or 'none'})"
            )

    def _close(self) -> None:
        try:
            self._stop()
            self.device.Close()
            self.device.DestroyDevice()
        except genicam.GenericException:
            pass  # a removed device cannot be closed cleanly; pylon frees it anyway
