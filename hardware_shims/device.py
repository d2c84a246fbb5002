"""What every device (camera, board, arm) shares: opening by URI with one `auto` policy, its
binding, a lifetime, a context manager, a repr."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from .errors import ShimError


@dataclass
class Binding:
    """Which source a device is bound to and why (shown to the learner)."""

    uri: str
    reason: str = "requested"
    detail: str = ""  # e.g. the error that made `auto` fall back

    def __str__(self) -> str:
        return f"{self.uri} ({self.reason})"


class DeviceLifetime:
    """Mixin: `close()` once, `closed`, `with device:`; subclasses release in `_close()`."""

    kind: ClassVar[str] = "device"  # "camera", "board", "arm": named in messages
    _closed = False

    def _close(self) -> None:
        """Release the device's resources."""

    def close(self) -> None:
        if not self._closed:
            self._closed = True
            self._close()

    @property
    def closed(self) -> bool:
        return self._closed

    def _check_open(self) -> None:
        if self._closed:
            raise ShimError(f"{self.kind} {self.uri} is closed; open it again with "
                            f"open_{self.kind}()")

    def _state(self) -> str:
        return "closed" if self._closed else "open"

    def __enter__(self):
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.binding} {self._state()}>"


# How long `auto` waits for a real device before it falls back (a driver may hang for ever).
OPEN_TIMEOUT_S = float(os.environ.get("MICROFAB_OPEN_TIMEOUT_S", "3"))


@dataclass(frozen=True)
class AutoChoice:
    """What `auto` tries for one kind of device, and what stands in when it does not answer."""

    preferred: str  # URI to try first
    why: str  # said in the binding: "profile lab-usb", "MICROFAB_ARM", ...
    fallback: str | None  # recorded data or a twin; None: report the failure instead
    certain: bool = False  # recorded data or a twin: nothing to wait for, nothing to fall back


def open_device(registry, uri, choose: Callable[[], AutoChoice],
                describe: Callable[[object, str], str] = lambda device, reason: reason):
    """Open a device by URI, or by the one `auto` policy, and show the binding once.

    `auto`: a certain choice opens directly; otherwise the device is opened under a watchdog
    (`OPEN_TIMEOUT_S`), and any failure opens the fallback, saying why. `describe` lets a kind
    add to the reason (boards say whether their latency is measured or estimated).
    """
    from .banner import show_binding
    from .uri import parse_uri

    parsed = parse_uri(uri)
    if parsed.is_auto:
        device, reason, detail = _open_auto(registry, choose())
    else:
        device, reason, detail = registry.open(parsed), "requested", ""
    device.binding = Binding(str(device.uri), describe(device, reason), detail)
    show_binding(registry.kind, device.binding, fallback=bool(detail))
    return device


def _open_auto(registry, choice: AutoChoice):
    from .errors import DeviceLost, FrameTimeout
    from .uri import parse_uri

    uri = parse_uri(choice.preferred)
    if choice.certain or choice.preferred == choice.fallback:
        return registry.open(uri), choice.why, ""
    if uri.scheme not in registry:
        reason = f"{uri.scheme}:// not registered yet, {choice.why}"
        detail = f"no backend for {uri.scheme}://; known: {', '.join(registry.schemes())}"
    else:
        try:
            return registry.open_within(uri, OPEN_TIMEOUT_S), choice.why, ""
        except Exception as exc:  # any driver failure means: use what stands in for it
            if choice.fallback is None:
                raise
            silent = not isinstance(exc, ShimError) or isinstance(exc, DeviceLost | FrameTimeout)
            reason = getattr(exc, "missing", None) or (
                f"no {registry.kind} answered at {choice.preferred}" if silent
                else f"{choice.preferred} unavailable")
            detail = f"{type(exc).__name__}: {exc}"
    return registry.open(choice.fallback), reason, detail
