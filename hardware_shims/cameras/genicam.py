"""`genicam://?cti=PRODUCER.cti&serial=SN`: any GenICam camera through a GenTL producer.

  genicam://?cti=/opt/vendor/lib/gentl.cti&serial=22345678   by serial number
  genicam://?index=1                                         second device found
  genicam://22345678                                         serial, short form
The producer is `cti=`, else $MICROFAB_GENTL_CTI, else every *.cti file in the
folders on $GENICAM_GENTL64_PATH (the standard GenTL search path). With no
serial or index the first device found is used.

Acquisition goes through harvesters; features go to the device's node map,
checked against its own ranges. A feature the device lacks (the `genicam`
wheel's `viky.cti` simulator has no ExposureTime, Gain or TriggerMode) is
recorded per frame as unhonoured. `trigger()` fires TriggerSoftware when the
device has it and TriggerMode is On.
"""

from __future__ import annotations

import atexit
import os
import threading
import time
from pathlib import Path
from typing import Any

from genicam import genapi, gentl
from harvesters.core import Harvester

from ..errors import DeviceLost, FrameTimeout, MalformedURIError
from ..frame import Frame
from ..uri import ResourceURI
from .genicam_nodes import (
    DeviceNotFound,
    StreamSettings,
    honoured_features,
    sdk_deadline,
    time_left,
    to_image,
)
from .nodemap import NodeMapCamera

CTI_ENV = "MICROFAB_GENTL_CTI"
SEARCH_PATH_ENV = "GENICAM_GENTL64_PATH"
_KINDS = (
    (genapi.IFloat, "float"), (genapi.IInteger, "int"), (genapi.IEnumeration, "enum"),
    (genapi.IBoolean, "bool"), (genapi.ICommand, "command"), (genapi.IString, "string"),
)


class GenApiNodes:
    """A harvesters (genicam.genapi) node map seen through the `NodeAccess` calls."""

    sdk_error = (genapi.GenericException, gentl.GenericException)

    def __init__(self, node_map: Any) -> None:
        self._map = node_map

    def _node(self, name: str) -> Any:
        try:
            node = getattr(self._map, name)
        except (AttributeError, genapi.GenericException):
            return None
        return node if genapi.is_available(node) else None

    def kind(self, name: str) -> str | None:
        node = self._node(name)
        return next((kind for cls, kind in _KINDS if isinstance(node, cls)), None)

    def writable(self, name: str) -> bool:
        node = self._node(name)
        return node is not None and genapi.is_writable(node)

    def get(self, name: str) -> Any:
        return getattr(self._map, name).value

    def put(self, name: str, value: Any) -> None:
        getattr(self._map, name).value = value

    def bounds(self, name: str) -> tuple[float, float, float | None]:
        node = getattr(self._map, name)
        if isinstance(node, genapi.IInteger):
            return node.min, node.max, node.inc
        return node.min, node.max, node.inc if node.has_inc() else None

    def choices(self, name: str) -> tuple[str, ...]:
        node = self._node(name)
        return tuple(node.symbolics) if isinstance(node, genapi.IEnumeration) else ()

    def execute(self, name: str) -> None:
        getattr(self._map, name).execute()


class _Producer:
    """One Harvester per .cti file: a GenTL producer can be opened only once per process."""

    def __init__(self, cti: str) -> None:
        self.harvester = Harvester()
        self.harvester.add_file(cti, check_existence=True, check_validity=True)
        self.cti = cti
        self.users = 0


_PRODUCERS: dict[str, _Producer] = {}
_PRODUCERS_LOCK = threading.Lock()


def _enumerate(ctis: list[str], uri: ResourceURI) -> list[tuple[_Producer, int, Any]]:
    """(producer, index in its list, device info) for every device of `ctis`."""
    devices = []
    with _PRODUCERS_LOCK:
        for cti in ctis:
            if cti not in _PRODUCERS:
                try:
                    _PRODUCERS[cti] = _Producer(cti)
                except (OSError, gentl.GenericException) as exc:
                    raise MalformedURIError(
                        f"{cti} (for {uri}) is not a loadable GenTL producer: {exc}; use "
                        "the vendor's .cti file where its SDK installed it"
                    ) from exc
            producer = _PRODUCERS[cti]
            if producer.users == 0:
                # harvesters drops every open acquirer on update(), so refresh only when idle.
                producer.harvester.update()
            devices += [(producer, i, d) for i, d in enumerate(producer.harvester.device_info_list)]
    return devices


@atexit.register
def _unload_producers() -> None:
    # Producers with worker threads can crash the interpreter if left loaded at exit.
    with _PRODUCERS_LOCK:
        for producer in _PRODUCERS.values():
            producer.harvester.reset()
        _PRODUCERS.clear()


def producer_files(uri: ResourceURI, env: dict[str, str] | None = None) -> list[str]:
    """The .cti files for a genicam:// URI: cti=, else $MICROFAB_GENTL_CTI, else the search path."""
    env = os.environ if env is None else env
    given = uri.params.get("cti") or env.get(CTI_ENV, "").strip()
    if given:
        origin = "cti=" if uri.params.get("cti") else f"${CTI_ENV}"
        if not Path(given).is_file():
            raise MalformedURIError(
                f"GenTL producer {given!r} ({origin} for {uri}) does not exist; "
                "give the full path of the vendor's .cti file"
            )
        return [str(Path(given).resolve())]
    folders = [f for f in env.get(SEARCH_PATH_ENV, "").split(os.pathsep) if f]
    found = sorted({str(p.resolve()) for f in folders for p in Path(f).glob("*.cti")})
    if not found:
        raise DeviceNotFound(
            f"no GenTL producer for {uri}: pass ?cti=/path/to/producer.cti, set "
            f"${CTI_ENV}, or install a vendor SDK that sets ${SEARCH_PATH_ENV} "
            f"(searched: {', '.join(folders) or 'nothing, it is unset'})"
        )
    return found


def _describe(info: Any) -> str:
    return f"serial {info.serial_number} ({info.vendor} {info.model}, id {info.id_})"


class GenicamCamera(NodeMapCamera):
    """A GenICam camera (GigE Vision, USB3 Vision, CoaXPress...) through harvesters."""

    params = frozenset({"cti", "serial", "index"})


    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        producer, index, info = self._select(_enumerate(producer_files(self.uri), self.uri))
        self.serial: str = info.serial_number
        self.model: str = f"{info.vendor} {info.model}"
        self._where = f"{self.uri} (serial {self.serial})"
        try:
            with _PRODUCERS_LOCK:
                self.device = producer.harvester.create(index)
                producer.users += 1
        except (gentl.GenericException, ValueError) as exc:
            raise DeviceLost(
                f"could not open {self._where}: {exc}; close other programs using it "
                "(vendor viewer) and try again"
            ) from exc
        self._producer = producer
        self._nodes = GenApiNodes(self.device.remote_device.node_map)
        self.honoured = honoured_features(self._nodes)
        self._lock = threading.Lock()
        self._settings = StreamSettings("", False, None)  # replaced when a stream starts
        self._index = 0
        self._t0 = time.monotonic()

    def _select(self, devices: list[tuple[_Producer, int, Any]]) -> tuple[_Producer, int, Any]:
        serial = self.uri.params.get("serial", "")
        if self.uri.path and serial:
            raise MalformedURIError(
                f"{self.uri} names a serial twice (path and serial=); keep one"
            )
        serial = serial or self.uri.path
        if serial and "index" in self.uri.params:
            raise MalformedURIError(f"{self.uri} gives both serial and index; keep one")
        position = self.uri.param_int("index", 0)
        found = [_describe(info) for _, _, info in devices]
        if serial:
            match = [d for d in devices if d[2].serial_number == serial]
        else:
            match = devices[position:position + 1]
        if match:
            return match[0]
        wanted = f"serial {serial!r}" if serial else f"index {position}"
        ctis = ", ".join(sorted({p.cti for p, _, _ in devices})) or "the producer"
        raise DeviceNotFound(
            f"no GenICam device with {wanted} for {self.uri} via {ctis}; found "
            f"{len(found)}: {'; '.join(found) or 'none'}. Check the cable and power, or "
            "pick one of those (serial=... or index=N)",
            found,
        )

    # --- acquisition ----------------------------------------------------------------
    def _grab(self, timeout_s: float) -> Frame:
        deadline = sdk_deadline(timeout_s)
        self._start()
        try:
            buffer = self.device.try_fetch(timeout=time_left(deadline))
        except gentl.GenericException as exc:
            raise DeviceLost(
                f"{self._where} stopped answering ({exc}); reconnect it and open the "
                "camera again"
            ) from exc
        if buffer is None:
            raise FrameTimeout(self._settings.timeout_message(self._where, timeout_s))
        try:
            part = buffer.payload.components[0]
            fmt = part.data_format
            image = to_image(part.data, fmt, self._where, part.width, part.height)
            stamp, clock = self._stamp(buffer)
        finally:
            buffer.queue()
        return self._to_frame(image, stamp, device_pixel_format=fmt, clock=clock)

    def _stamp(self, buffer: Any) -> tuple[float, str]:
        """Device timestamp in seconds, or the host clock when the device gives none."""
        try:
            nanoseconds = buffer.timestamp_ns
        except gentl.GenericException:
            nanoseconds = 0
        if nanoseconds:
            return nanoseconds / 1e9, "device"
        return time.monotonic() - self._t0, "host"

    def _start(self) -> None:
        with self._lock:
            if not self.device.is_acquiring():
                self._settings = StreamSettings.read(self._nodes)
                self.device.start()

    def _stop(self) -> None:
        with self._lock:
            if self.device.is_acquiring():
                self.device.stop()

    def _close(self) -> None:
        try:
            self._stop()
            self.device.destroy()
        except gentl.GenericException:
            pass  # a vanished device cannot be stopped cleanly; destroy frees our side
        finally:
            with _PRODUCERS_LOCK:
                self._producer.users -= 1
