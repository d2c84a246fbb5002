"""`Camera`: the bookkeeping every source shares, so a backend writes `_grab`.

A backend subclasses `Camera`, lists the GenICam features it can really
change in `honoured`, and implements `_grab(timeout_s) -> Frame` (raising
`EndOfStream` at the end). The base class adds timeouts that never hang,
iteration, the context manager, feature validation, and the record of
requested-but-unhonoured settings in `frame.extra["unhonoured"]`.
"""

from __future__ import annotations

import difflib
import math
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from ..device import Binding, DeviceLifetime
from ..errors import EndOfStream, FeatureError, FrameTimeout
from ..faults import FaultInjector, FaultPlan
from ..frame import Frame, convert_pixel_format
from ..uri import ResourceURI, parse_uri


@dataclass(frozen=True)
class Feature:
    """One GenICam feature: type, unit and valid range (or choices)."""

    name: str
    kind: type
    default: Any
    unit: str = ""
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def valid_range(self) -> str:
        if self.choices:
            return " / ".join(self.choices)
        return f"{self.minimum:g} to {self.maximum:g} {self.unit}".rstrip()

    def coerce(self, value: Any, where: str) -> Any:
        """Check `value` and return it as this feature's type, or raise FeatureError."""
        bad = FeatureError(
            f"{self.name}={value!r} is not valid for {where}; "
            f"valid: {self.valid_range()}"
        )
        if self.choices:
            match = [c for c in self.choices if c.lower() == str(value).lower()]
            if not isinstance(value, str) or not match:
                raise bad
            return match[0]
        # bool is an int in Python, but TriggerMode=True as a Width is a mistake.
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise bad
        if self.kind is int and float(value) != int(value):
            raise bad
        number = self.kind(value)
        if not math.isfinite(number) or not self.minimum <= number <= self.maximum:
            raise bad
        return number


# Names, units and ranges follow the GenICam SFNC; ranges are generous envelopes.
FEATURES: dict[str, Feature] = {
    f.name: f
    for f in (
        Feature("ExposureTime", float, 800.0, "us", 1.0, 10_000_000.0),
        Feature("Gain", float, 0.0, "dB", 0.0, 48.0),
        Feature("TriggerMode", str, "Off", choices=("On", "Off")),
        Feature("Width", int, 640, "px", 1, 16384),
        Feature("Height", int, 480, "px", 1, 16384),
        Feature("PixelFormat", str, "Mono8", choices=("Mono8", "BGR8")),
        Feature("AcquisitionFrameRate", float, 10.0, "Hz", 0.01, 10_000.0),
    )
}


class _Grab:
    """One `_grab` call running on a daemon thread, so a stuck driver cannot hang us."""

    def __init__(self, grab, timeout_s: float) -> None:
        self.done = threading.Event()
        self.frame: Frame | None = None
        self.error: BaseException | None = None
        args = (grab, timeout_s)
        threading.Thread(target=self._run, args=args, daemon=True).start()

    def _run(self, grab, timeout_s: float) -> None:
        try:
            self.frame = grab(timeout_s)
        except BaseException as exc:  # handed to the reader's thread
            self.error = exc
        finally:
            self.done.set()


class Camera(DeviceLifetime):
    """Base class for every image source. Subclasses implement `_grab`."""

    kind = "camera"
    #: GenICam features this source really changes; the rest are recorded as unhonoured.
    honoured: ClassVar[frozenset[str]] = frozenset()
    #: False for sources that return at once (files, replay): no watchdog thread needed.
    grab_may_block: ClassVar[bool] = True
    #: Recorded and simulated sources inject the faults their URI asks for (drop=, timeout=...).
    injects_faults: ClassVar[bool] = False
    #: Sources whose PixelFormat is converted here, in software, after each grab.
    software_pixel_format: ClassVar[bool] = False

    def __init__(self, uri: str | ResourceURI) -> None:
        self.uri = parse_uri(uri)
        self.binding = Binding(str(self.uri))
        self.frames_read = 0
        self._values: dict[str, Any] = {}
        self._unhonoured: dict[str, Any] = {}
        self._inflight: _Grab | None = None
        self._ended = False
        self._closed = False
        #: Injected faults (replay://, sim:// with drop=, timeout=, ...); None for live devices.
        self.faults: FaultInjector | None = None
        if self.injects_faults:
            plan = FaultPlan.from_uri(self.uri)
            self.faults = FaultInjector(plan, self.uri) if plan else None

    # --- what a backend implements -------------------------------------------------
    def _grab(self, timeout_s: float) -> Frame:
        raise NotImplementedError(f"{type(self).__name__} must implement _grab")

    def _apply(self, name: str, value: Any) -> None:
        """Push an honoured feature to the source (default: nothing to push)."""

    def _current(self, name: str) -> Any:
        """The source's own value of a feature it does not control."""
        return FEATURES[name].default

    # --- acquisition --------------------------------------------------------------
    def read(self, timeout_s: float = 5.0) -> Frame:
        """Next frame; EndOfStream at the end, FrameTimeout if none came in time."""
        self._check_open()
        if not timeout_s > 0:
            raise ValueError(f"timeout_s must be > 0, got {timeout_s}")
        if self._ended:
            raise EndOfStream(f"{self.uri} has no more frames")
        try:
            if self.faults:
                frame = self.faults.grab(lambda: self._guarded_grab(timeout_s))
            else:
                frame = self._guarded_grab(timeout_s)
        except EndOfStream:
            self._ended = True
            raise
        if not isinstance(frame, Frame):
            raise TypeError(f"{type(self).__name__}._grab returned {frame!r}, not a Frame")
        if self.software_pixel_format and "PixelFormat" in self._values:
            frame.image = convert_pixel_format(frame.image, self._values["PixelFormat"])
        if self._unhonoured:
            # Never drop a setting silently: the frame says what was asked but not done.
            frame.extra["unhonoured"] = {
                **frame.extra.get("unhonoured", {}),
                **self._unhonoured,
            }
        if not frame.source:
            frame.source = str(self.uri)
        self.frames_read += 1
        return frame

    def _guarded_grab(self, timeout_s: float) -> Frame:
        if not self.grab_may_block:
            return self._grab(timeout_s)
        # A grab still running from an earlier timeout delivers the next frame.
        if self._inflight is None:
            self._inflight = _Grab(self._grab, timeout_s)
        pending = self._inflight
        if not pending.done.wait(timeout_s):
            raise FrameTimeout(
                f"no frame from {self.uri} within {timeout_s:g} s; check the "
                "trigger/cabling, raise timeout_s, or use a recorded session"
            )
        self._inflight = None
        if pending.error is not None:
            raise pending.error
        return pending.frame

    def __iter__(self) -> Iterator[Frame]:
        """Frames until the end of the stream; a timeout still raises."""
        while True:
            try:
                yield self.read()
            except EndOfStream:
                return

    # --- GenICam-style features ---------------------------------------------------
    def set(self, name: str, value: Any) -> None:
        """Set a feature; values the source cannot honour are recorded per frame."""
        self._check_open()
        value = _feature(name, str(self.uri)).coerce(value, str(self.uri))
        if name in self.honoured:
            self._apply(name, value)
            self._values[name] = value
            self._unhonoured.pop(name, None)
        else:
            self._unhonoured[name] = value

    def get(self, name: str) -> Any:
        """Value in effect at the source (a replay reports what was recorded)."""
        _feature(name, str(self.uri))
        if name in self._values:
            return self._values[name]
        return self._current(name)

    @property
    def unhonoured(self) -> dict[str, Any]:
        """Features requested but not applied by this source."""
        return dict(self._unhonoured)


def _feature(name: str, where: str) -> Feature:
    spec = FEATURES.get(name)
    if spec is None:
        hint = difflib.get_close_matches(name, FEATURES, n=1)
        maybe = f" Did you mean {hint[0]!r}?" if hint else ""
        raise FeatureError(
            f"unknown GenICam feature {name!r} for {where}; "
            f"valid: {', '.join(sorted(FEATURES))}.{maybe}"
        )
    return spec
