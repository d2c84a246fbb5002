"""`aravis://DEVICE-ID` (or `aravis://`, the first camera): a GigE Vision / USB3 Vision
camera through Aravis 0.8 (PyGObject), the open-source GenICam stack on Linux.

DEVICE-ID is what `arv-tool-0.8` lists (e.g. `Basler-21234567`), or the camera's
serial number or IP address. `aravis://Fake_1` is Aravis's in-process fake
camera; `arv-fake-gv-camera-0.8 -i 127.0.0.1 -s GV01` serves a fake GigE Vision
camera on loopback as `aravis://127.0.0.1`, one that honours software triggers
and can be unplugged by stopping the process. On a host with several network
interfaces, naming a GigE camera by IP address pins the interface Aravis streams to.

Features go to the device's node map through the shared genicam_nodes checks;
`trigger()` fires TriggerSoftware when TriggerMode is On. System packages:
gir1.2-aravis-0.8 (plus aravis-tools for the fake GigE camera); Python: PyGObject.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import numpy as np

try:
    import gi

    gi.require_version("Aravis", "0.8")
    from gi.repository import Aravis, GLib
except ValueError as exc:  # gi is there but the Aravis typelib is not
    raise ImportError(
        f"{exc}: install Aravis 0.8 introspection data (apt-get install gir1.2-aravis-0.8)"
    ) from exc

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

_BUFFERS = 8  # enough to ride out a slow notebook cell at a few tens of frames per second
_WRITABLE = (Aravis.GcAccessMode.RW, Aravis.GcAccessMode.WO)
# Enumerations also pass as integers and strings in Aravis, so test them first.
_KINDS = (
    (Aravis.GcEnumeration, "enum"), (Aravis.GcBoolean, "bool"), (Aravis.GcCommand, "command"),
    (Aravis.GcInteger, "int"), (Aravis.GcFloat, "float"), (Aravis.GcString, "string"),
)


class AravisNodes:
    """An ArvCamera's features seen through the `NodeAccess` calls of genicam_nodes."""

    sdk_error = GLib.Error

    def __init__(self, camera: Any) -> None:
        self._cam = camera
        self._device = camera.get_device()

    def _node(self, name: str) -> Any:
        node = self._device.get_feature(name)
        usable = node is not None and node.is_implemented() and node.is_available()
        return node if usable else None

    def kind(self, name: str) -> str | None:
        node = self._node(name)
        return next((kind for cls, kind in _KINDS if isinstance(node, cls)), None)

    def writable(self, name: str) -> bool:
        node = self._node(name)
        return node is not None and node.get_actual_access_mode() in _WRITABLE

    def get(self, name: str) -> Any:
        getter = {"float": self._cam.get_float, "int": self._cam.get_integer,
                  "bool": self._cam.get_boolean}.get(self.kind(name), self._cam.get_string)
        return getter(name)

    def put(self, name: str, value: Any) -> None:
        setter = {"float": self._cam.set_float, "int": self._cam.set_integer,
                  "bool": self._cam.set_boolean}.get(self.kind(name), self._cam.set_string)
        setter(name, value)

    def bounds(self, name: str) -> tuple[float, float, float | None]:
        if self.kind(name) == "int":
            low, high = self._cam.get_integer_bounds(name)
            return low, high, self._cam.get_integer_increment(name)
        low, high = self._cam.get_float_bounds(name)
        return low, high, None

    def choices(self, name: str) -> tuple[str, ...]:
        return tuple(self._cam.dup_available_enumerations_as_strings(name) or ())

    def execute(self, name: str) -> None:
        self._cam.execute_command(name)


def list_devices() -> list[str]:
    """'DEVICE-ID (serial, model, address)' for every camera Aravis sees now."""
    Aravis.update_device_list()
    return [
        f"{Aravis.get_device_id(i)} (serial {Aravis.get_device_serial_nbr(i)}, "
        f"{Aravis.get_device_model(i)}, {Aravis.get_device_address(i) or 'no address'})"
        for i in range(Aravis.get_n_devices())
    ]


def _open_device(uri: ResourceURI) -> Any:
    """Open the camera a URI names: Aravis's own lookup first (fast), then a full scan."""
    wanted = uri.path or None
    if wanted and wanted.startswith("Fake_"):
        # The in-process fake is off by default so `aravis://` never silently picks it.
        Aravis.enable_interface("Fake")
    try:
        return Aravis.Camera.new(wanted)
    except GLib.Error as exc:
        error = exc.message
    found = list_devices()
    for i in range(Aravis.get_n_devices()):
        address = Aravis.get_device_address(i)
        if wanted in (Aravis.get_device_serial_nbr(i), address):
            # A GigE camera opened by address streams to the interface that reaches it.
            target = address if address and address != "0.0.0.0" else Aravis.get_device_id(i)
            try:
                return Aravis.Camera.new(target)
            except GLib.Error as exc:
                raise DeviceLost(
                    f"could not open {target} for {uri}: {exc.message}; "
                    "close other programs using it and try again"
                ) from exc
    what = f"matching {wanted!r}" if wanted else "at all"
    raise DeviceNotFound(
        f"no Aravis camera {what} for {uri} ({error}); found {len(found)}: "
        f"{'; '.join(found) or 'none'}. Check cable, power and subnet (arv-tool-0.8 lists "
        "cameras), use one of those ids, or aravis://Fake_1 for Aravis's fake camera",
        found,
    )


class AravisCamera(NodeMapCamera):
    """A GenICam camera through Aravis's ArvCamera and ArvStream."""


    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.device = _open_device(self.uri)
        # Per-frame metadata reads then cost no network round trip; GenICam's volatile
        # registers (auto exposure and the like) are still read from the camera each time.
        self.device.set_register_cache_policy(Aravis.RegisterCachePolicy.ENABLE)
        self.device_id: str = self.device.get_device_id()
        self.serial: str = self.device.get_device_serial_number() or ""
        self.model: str = f"{self.device.get_vendor_name()} {self.device.get_model_name()}"
        self._where = f"{self.uri} (serial {self.serial})"
        self._lost = threading.Event()
        # Aravis reports a dead control channel (heartbeat) by signal, from its own thread.
        self.device.get_device().connect("control-lost", lambda *_: self._lost.set())
        self._nodes = AravisNodes(self.device)
        self.honoured = honoured_features(self._nodes)
        self._lock = threading.Lock()
        self._stream: Any = None
        self._settings = StreamSettings("", False, None)  # replaced when a stream starts
        self._index = 0
        self._t0 = time.monotonic()

    # --- acquisition ----------------------------------------------------------------
    def _grab(self, timeout_s: float) -> Frame:
        deadline = sdk_deadline(timeout_s)
        self._check_present()
        stream = self._start()
        buffer = stream.timeout_pop_buffer(int(time_left(deadline) * 1e6))
        if buffer is None:
            self._check_present()
            raise FrameTimeout(self._settings.timeout_message(self._where, timeout_s))
        try:
            status = buffer.get_status()
            if status != Aravis.BufferStatus.SUCCESS:
                raise GrabFailed(
                    f"frame from {self._where} was broken ({status.value_nick}); read again, "
                    "and if it repeats lower AcquisitionFrameRate or the packet size"
                )
            fmt = self._settings.device_format
            wide = fmt in ("Mono10", "Mono12", "Mono14", "Mono16")
            data = np.frombuffer(buffer.get_data(), "<u2" if wide else np.uint8)
            width, height = buffer.get_image_width(), buffer.get_image_height()
            image = to_image(data, fmt, self._where, width, height)
            nanoseconds = buffer.get_timestamp()
        finally:
            stream.push_buffer(buffer)
        if nanoseconds:
            stamp, clock = nanoseconds / 1e9, "device"
        else:
            stamp, clock = time.monotonic() - self._t0, "host"
        return self._to_frame(image, stamp, device_id=self.device_id,
                              device_pixel_format=fmt, clock=clock)

    def _start(self) -> Any:
        with self._lock:
            if self._stream is None:
                self._settings = StreamSettings.read(self._nodes)
                stream = self.device.create_stream(None, None)
                payload = self.device.get_payload()
                for _ in range(_BUFFERS):
                    stream.push_buffer(Aravis.Buffer.new_allocate(payload))
                self.device.start_acquisition()
                self._stream = stream
            return self._stream

    def _stop(self) -> None:
        with self._lock:
            if self._stream is not None:
                self._stream = None  # a fresh stream next time: no stale queued frames
                self.device.stop_acquisition()

    def _check_present(self) -> None:
        if self._lost.is_set():
            raise DeviceLost(
                f"{self._where} stopped answering (control channel lost); reconnect it and "
                "open the camera again"
            )

    def _close(self) -> None:
        if self._lost.is_set():
            self._stream = None  # a vanished camera cannot acknowledge AcquisitionStop
        else:
            self._stop()
        # Dropping the last reference releases the camera's control channel for others.
        self.device = self._nodes = None
