"""What every device (camera, board, arm) shares: a lifetime, a context manager, a repr."""

from __future__ import annotations

from typing import ClassVar

from .errors import ShimError


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
