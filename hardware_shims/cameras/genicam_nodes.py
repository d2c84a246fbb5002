"""GenICam node-map plumbing shared by the live-camera backends (Basler, GenTL, Aravis).

Each backend wraps its SDK's node map in a small adapter with the `NodeAccess`
methods; this module maps the shim's SFNC features onto the device's nodes,
checks values against the device's own ranges, reads them back, turns device
pixel formats into Mono8/BGR8 arrays, and holds the errors those backends share.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np

from ..errors import DeviceLost, FeatureError, ShimError
from .base import FEATURES


class DeviceNotFound(DeviceLost, LookupError):
    """No device matched a live-camera URI; `found` lists the devices that were there."""

    def __init__(self, message: str, found: Sequence[str] = ()) -> None:
        super().__init__(message)
        self.found = list(found)


class GrabFailed(ShimError):
    """The device delivered a broken frame (incomplete buffer, lost packets)."""


class NodeAccess(Protocol):
    """What a backend's node-map adapter offers; names are GenICam node names."""

    sdk_error: type[BaseException] | tuple[type[BaseException], ...]

    def kind(self, name: str) -> str | None:
        """'float', 'int', 'enum', 'bool', 'command', 'string', or None if absent."""

    def writable(self, name: str) -> bool: ...
    def get(self, name: str) -> Any: ...
    def put(self, name: str, value: Any) -> None: ...
    def bounds(self, name: str) -> tuple[float, float, float | None]: ...
    def choices(self, name: str) -> tuple[str, ...]: ...
    def execute(self, name: str) -> None: ...


# Shim feature -> (node kind, node names best first); older GigE models use the *Abs names.
NODES: dict[str, tuple[str, tuple[str, ...]]] = {
    "ExposureTime": ("float", ("ExposureTime", "ExposureTimeAbs")),
    "Gain": ("float", ("Gain", "GainAbs")),
    "TriggerMode": ("enum", ("TriggerMode",)),
    "Width": ("int", ("Width",)),
    "Height": ("int", ("Height",)),
    "PixelFormat": ("enum", ("PixelFormat",)),
    "AcquisitionFrameRate": ("float", ("AcquisitionFrameRate", "AcquisitionFrameRateAbs")),
}
# Switches that would otherwise override (or ignore) the value we write.
PREREQUISITES: dict[str, tuple[str, Any]] = {
    "ExposureTime": ("ExposureAuto", "Off"),
    "Gain": ("GainAuto", "Off"),
    "AcquisitionFrameRate": ("AcquisitionFrameRateEnable", True),
    "TriggerMode": ("TriggerSelector", "FrameStart"),
}

# Device format -> (channels, right shift to 8 bit, conversion to the shim's BGR order).
_FORMATS: dict[str, tuple[int, int, str]] = {
    "Mono8": (1, 0, ""), "Mono10": (1, 2, ""), "Mono12": (1, 4, ""),
    "Mono14": (1, 6, ""), "Mono16": (1, 8, ""),
    "BGR8": (3, 0, ""), "BGR8Packed": (3, 0, ""),
    "RGB8": (3, 0, "rgb"), "RGB8Packed": (3, 0, "rgb"),
    "BGRa8": (4, 0, "bgra"), "BGRA8Packed": (4, 0, "bgra"), "RGBa8": (4, 0, "rgba"),
    # OpenCV names a Bayer pattern by its second row: GenICam RG is cv2 BG.
    "BayerRG8": (1, 0, "BayerBG"), "BayerBG8": (1, 0, "BayerRG"),
    "BayerGR8": (1, 0, "BayerGB"), "BayerGB8": (1, 0, "BayerGR"),
}
# Shim format -> device formats that produce it, best first (no conversion first).
DEVICE_FORMATS: dict[str, tuple[str, ...]] = {
    "Mono8": ("Mono8",),
    "BGR8": ("BGR8", "BGR8Packed", "RGB8", "RGB8Packed", "BGRa8", "BGRA8Packed", "RGBa8",
             "BayerRG8", "BayerBG8", "BayerGR8", "BayerGB8"),
}


def resolve(nodes: NodeAccess, name: str) -> str | None:
    """The device node behind shim feature `name`, or None if the device has none."""
    kind, candidates = NODES[name]
    return next((node for node in candidates if nodes.kind(node) == kind), None)


def honoured_features(nodes: NodeAccess) -> frozenset[str]:
    """Shim features this device can really change (the rest are recorded as unhonoured)."""
    honoured = {name for name in NODES if (node := resolve(nodes, name)) and nodes.writable(node)}
    if "PixelFormat" in honoured and not set(nodes.choices("PixelFormat")) & set(_FORMATS):
        honoured.discard("PixelFormat")
    return frozenset(honoured)


def apply_feature(nodes: NodeAccess, name: str, value: Any, where: str) -> None:
    """Write shim feature `name` to the device, within the device's own range."""
    node = resolve(nodes, name)
    if node is None or not nodes.writable(node):
        state = "has no" if node is None else "cannot change its"
        raise FeatureError(f"{where} {state} {name} node right now; leave {name} unset")
    switch, wanted = PREREQUISITES.get(name, ("", None))
    if switch and nodes.kind(switch) and nodes.writable(switch):
        if nodes.kind(switch) != "enum" or wanted in nodes.choices(switch):
            _put(nodes, switch, wanted, where)
    if name == "PixelFormat":
        value = device_format(nodes, value, where)
    elif name == "TriggerMode":
        value = str(value)
    else:
        check_range(nodes, node, name, value, where)
    _put(nodes, node, value, where)


def device_format(nodes: NodeAccess, shim_format: str, where: str) -> str:
    """The device pixel format that yields `shim_format` frames on this device."""
    offered = nodes.choices("PixelFormat")
    for fmt in DEVICE_FORMATS[shim_format]:
        if fmt in offered:
            return fmt
    raise FeatureError(
        f"PixelFormat={shim_format!r} is not available on {where}: it offers "
        f"{', '.join(offered) or 'nothing'}; pick the other of Mono8 / BGR8"
    )


def check_range(nodes: NodeAccess, node: str, name: str, value: float, where: str) -> None:
    """Raise FeatureError naming the device's range if `value` is outside it."""
    low, high, step = nodes.bounds(node)
    unit = FEATURES[name].unit
    slack = 1e-9 * max(1.0, abs(high))  # float ranges come back as 48.00000004 and the like
    if not low - slack <= value <= high + slack:
        span = f"{low:g} to {high:g} {unit}".rstrip()
        why = ""
        if name == "ExposureTime":
            why = " (the maximum shrinks as AcquisitionFrameRate rises)"
        raise FeatureError(
            f"{name}={value:g} is outside what {where} accepts now: {span}{why}; "
            "pick a value in that range"
        )
    if nodes.kind(node) == "int" and step and (value - low) % step:
        below = low + (value - low) // step * step
        raise FeatureError(
            f"{name}={value:g} is not valid for {where}: it takes {low:g} to {high:g} "
            f"in steps of {step:g}; use {below:g} or {below + step:g}"
        )


def read_feature(nodes: NodeAccess, name: str) -> Any:
    """The device's value of shim feature `name` in shim terms, or None if unreadable."""
    node = resolve(nodes, name)
    if node is None:
        return None
    try:
        value = nodes.get(node)
    except nodes.sdk_error:
        return None
    if name == "PixelFormat":
        return shim_format(str(value))
    return value


def read_float(nodes: NodeAccess, name: str) -> float:
    """A numeric feature for Frame metadata: NaN when the device does not report it."""
    value = read_feature(nodes, name)
    return math.nan if value is None else float(value)


def shim_format(device_fmt: str) -> str:
    """Mono8 or BGR8: what a frame of this device format becomes."""
    channels, _, convert = _FORMATS.get(device_fmt, (1, 0, ""))
    return "Mono8" if channels == 1 and not convert else "BGR8"


def to_image(data: Any, device_fmt: str, where: str, width: int = 0, height: int = 0):
    """A Mono8 (HxW) or BGR8 (HxWx3) uint8 copy of one buffer in `device_fmt`.

    `data` is an array shaped by the SDK, or a flat one with `width` and `height`.
    """
    if device_fmt not in _FORMATS:
        raise ShimError(
            f"{where} sends {device_fmt} frames, which the shim cannot convert; "
            f"set PixelFormat='Mono8' or 'BGR8' (supported: {', '.join(_FORMATS)})"
        )
    channels, shift, convert = _FORMATS[device_fmt]
    array = np.asarray(data)
    if array.ndim == 1:
        shape = (height, width) if channels == 1 else (height, width, channels)
        array = array.reshape(shape)
    # np.array copies: the SDK reuses the buffer once it is queued again.
    array = np.array(array >> shift if shift else array, dtype=np.uint8)
    if convert == "rgb":
        return np.ascontiguousarray(array[..., ::-1])
    if convert in ("bgra", "rgba"):
        return np.ascontiguousarray(array[..., [0, 1, 2] if convert == "bgra" else [2, 1, 0]])
    if convert:
        import cv2  # deferred: only Bayer cameras need it

        return cv2.cvtColor(array, getattr(cv2, f"COLOR_{convert}2BGR"))
    return array


@dataclass(frozen=True)
class StreamSettings:
    """What a stream started with, read once: a vanished device cannot answer later."""

    device_format: str
    trigger_on: bool
    frame_rate: float | None

    @classmethod
    def read(cls, nodes: NodeAccess) -> StreamSettings:
        rate = read_feature(nodes, "AcquisitionFrameRate")
        return cls(str(nodes.get("PixelFormat")), read_feature(nodes, "TriggerMode") == "On",
                   None if rate is None else float(rate))

    def timeout_message(self, where: str, timeout_s: float) -> str:
        if self.trigger_on:
            why = "TriggerMode is On and no trigger came; call trigger() or check the trigger line"
        else:
            at = f" (it runs at {self.frame_rate:g} Hz)" if self.frame_rate else ""
            why = f"raise timeout_s{at}, lower ExposureTime, or check the cable"
        return f"no frame from {where} within {timeout_s:g} s: {why}"


def prepare_software_trigger(nodes: NodeAccess, where: str) -> str:
    """Make TriggerSoftware fire frames; return the command node to execute."""
    if nodes.kind("TriggerSoftware") != "command":
        raise FeatureError(
            f"{where} has no TriggerSoftware command; it cannot be triggered from "
            "software (use its trigger line, or leave TriggerMode Off to free-run)"
        )
    if read_feature(nodes, "TriggerMode") != "On":
        raise FeatureError(
            f"TriggerMode is Off on {where}, so the camera free-runs and trigger() "
            "would do nothing; set TriggerMode='On' first"
        )
    source = "TriggerSource"
    if nodes.kind(source) == "enum" and nodes.get(source) != "Software":
        if "Software" not in nodes.choices(source) or not nodes.writable(source):
            raise FeatureError(
                f"{where} cannot switch TriggerSource to Software "
                f"(offers {', '.join(nodes.choices(source))}); trigger it on its line"
            )
        _put(nodes, source, "Software", where)
    return "TriggerSoftware"


def sdk_deadline(timeout_s: float) -> float:
    """When the SDK's own wait must end: a bit before `timeout_s`, so it, not the watchdog,
    ends the read (a read the watchdog abandons hands a stale result to the next read)."""
    return time.monotonic() + max(0.001, min(timeout_s * 0.9, timeout_s - 0.02))


def time_left(deadline: float) -> float:
    """Seconds until `deadline` (at least 1 ms: SDKs treat 0 as 'wait forever' or 'poll')."""
    return max(0.001, deadline - time.monotonic())


def _put(nodes: NodeAccess, node: str, value: Any, where: str) -> None:
    try:
        nodes.put(node, value)
    except nodes.sdk_error as exc:
        raise FeatureError(
            f"{where} refused {node}={value!r}: {str(exc).split(' : ')[0]}; "
            "check the value against the camera's manual"
        ) from exc
