"""What every device (camera, board, arm) shares: its binding, a lifetime, a context manager,
a repr."""

from __future__ import annotations

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
