"""Shared input handling for the checks: arrays the student gave, named in messages."""

from __future__ import annotations

import numpy

from ._trusted import math_, np_


class CheckFailed(AssertionError):
    """A student's answer did not meet the check; the message says what to change."""


def as_array(value: object, what: str) -> numpy.ndarray:
    """A plain ndarray of `value` (subclasses and array-likes are converted, not trusted)."""
    if value is None:
        raise CheckFailed(
            f"Your {what} is None: the function returned nothing. Did you forget the "
            "`return` line at the end of your function?"
        )
    try:
        array = np_.asarray(value)
    except (TypeError, ValueError) as exc:
        raise CheckFailed(
            f"Your {what} ({type(value).__name__}) cannot be read as a numpy array ({exc}); "
            "return a numpy array such as the one cv2 functions give."
        ) from None
    if array.dtype == object:
        raise CheckFailed(
            f"Your {what} is an array of Python objects (ragged lists or None inside); "
            "return a regular numpy array of numbers."
        )
    return array


def check_threshold(value: float, name: str, low: float = 0.0, high: float = 1.0) -> float:
    """A pass level given by the test author, checked so a typo cannot pass everything."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
        math_.isfinite(value) and low <= value <= high
    ):
        raise ValueError(f"{name} must be a number in [{low}, {high}], got {value!r}")
    return float(value)


def percent(fraction: float) -> str:
    return f"{100.0 * fraction:.1f} %"


def ratio(numerator: int, denominator: int) -> float:
    """numerator / denominator, with 0/0 = 1.0: nothing to get wrong is not a failure."""
    return numerator / denominator if denominator else 1.0
