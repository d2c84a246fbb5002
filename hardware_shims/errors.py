"""Errors raised by the camera shims.

Every message says what went wrong, where (URI, file, feature) and what to
do next, because learners read them in a notebook with no one to ask.
"""

from __future__ import annotations


class ShimError(Exception):
    """Base class: catch this to handle any camera-shim failure."""


class UnknownSchemeError(ShimError, LookupError):
    """No backend (camera, board, arm) is registered for a URI scheme."""

    def __init__(self, scheme: str, known: list[str], kind: str = "camera",
                 group: str = "microfab.cameras"):
        self.scheme = scheme
        self.known = sorted(known)
        listing = ", ".join(f"{s}://" for s in self.known) or "none"
        super().__init__(
            f"no {kind} backend for '{scheme}://' (known: {listing}). "
            "Check the spelling, or install the package that provides it "
            f"(entry-point group '{group}')."
        )


class MalformedURIError(ShimError, ValueError):
    """A camera URI could not be parsed or carries a bad parameter."""


class SessionError(ShimError):
    """A recorded session or image file is missing, corrupt or truncated."""


class EndOfStream(ShimError):
    """A finite source (replay, file) has no more frames."""


class FrameTimeout(ShimError, TimeoutError):
    """No frame arrived within the read timeout."""


class DeviceLost(ShimError, ConnectionError):
    """A live device could not be opened or stopped answering."""


class FeatureError(ShimError, ValueError):
    """Unknown GenICam feature, or a value outside its valid range."""


class ProfileError(ShimError, LookupError):
    """MICROFAB_PROFILE names a lab profile that does not exist."""
