"""Errors raised by the arm shims; each says what was wrong, where and what to do."""

from __future__ import annotations

from ..errors import ShimError


class ArmError(ShimError):
    """Base class: catch this to handle any arm failure."""


class ArmNameError(ArmError, ValueError):
    """A joint or IO name the arm does not have (typo, or an alias not wired)."""


class ArmLimitError(ArmError, ValueError):
    """A joint target, speed or timeout outside its valid range."""

    def __init__(self, message: str, joint: str | None = None, value: float | None = None,
                 valid: tuple[float, float] | None = None) -> None:
        super().__init__(message)
        self.joint = joint
        self.value = value
        self.valid = valid


class ArmUnreachable(ArmError, ValueError):
    """A TCP pose outside the workspace, or one no joint solution reaches."""


class ArmTimeout(ArmError, TimeoutError):
    """A move did not reach its target within its timeout (the arm was stopped)."""


class ArmStopped(ArmError):
    """A move was interrupted by `stop()` before it reached its target."""


class ArmFault(ArmError):
    """The controller reported an error (SDK return code, servo or safety fault)."""
