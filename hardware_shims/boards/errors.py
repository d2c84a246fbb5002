"""Errors raised by the edge-board shims; each says what, where and what to do."""

from __future__ import annotations

from ..errors import ShimError


class BoardUnavailable(ShimError):
    """A board's SDK or device is missing; `open_board("auto")` falls back to replay."""

    def __init__(self, uri: str, missing: str, fix: str) -> None:
        self.uri = uri
        self.missing = missing  # short, for the binding line: "TensorRT not installed"
        self.fix = fix
        super().__init__(f"{uri} is unavailable: {missing}. {fix}")


class ModelError(ShimError, ValueError):
    """A model file is missing, of the wrong kind for this board, or will not load."""


class InputError(ShimError, ValueError):
    """Inputs do not match the loaded model: names, shapes or dtypes."""


class LatencyProfileError(ShimError, LookupError):
    """A replay:// latency profile is unknown or its YAML file is invalid."""
