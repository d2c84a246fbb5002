"""Processed images: `check_image` compares pixels and says where and how they differ."""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from ._common import CheckFailed, as_array
from ._trusted import math_, np_, verify_untampered

#: Band of pixels treated as "the border" when guessing why errors cluster there.
BORDER_PX = 2


@dataclass(frozen=True)
class ImageDifference:
    """Absolute pixel differences between a student's image and the expected one."""

    max_abs_error: float
    mean_abs_error: float
    mean_signed_error: float  # student - expected, averaged: a brightness offset shows here
    worst_pixel: tuple[int, ...]  # index of the largest difference
    differing: int = 0  # values (pixels x channels) that differ at all
    values: int = 0  # values compared


def _shape_hint(student: numpy.ndarray, expected: numpy.ndarray) -> str:
    if student.ndim == 3 and student.shape[:2] == expected.shape:
        return "Yours has colour channels: convert to grey (cv2.COLOR_BGR2GRAY)."
    if expected.ndim == 3 and expected.shape[:2] == student.shape:
        return "Yours is grey but a colour image is expected: keep all three channels."
    if student.shape[:2][::-1] == expected.shape[:2]:
        return ("Width and height are swapped: cv2.resize takes (width, height) but numpy "
                "shapes are (height, width).")
    return "Check the crop or resize step that produced it."


def _where(diff: numpy.ndarray, worst: tuple[int, ...], limit: float) -> str:
    position = f"row {worst[0]}, column {worst[1]}" if len(worst) >= 2 else f"index {worst}"
    if diff.ndim < 2 or min(diff.shape[:2]) <= 2 * BORDER_PX:
        return f"at {position}"
    inner = diff[BORDER_PX:-BORDER_PX, BORDER_PX:-BORDER_PX]
    if inner.size and float(inner.max()) <= limit:
        return (f"at {position}; all large differences are within {BORDER_PX} pixels of the "
                "edge: check the filter's borderType (cv2.BORDER_REFLECT_101 is the default)")
    return f"at {position}"


def _differences(s: numpy.ndarray, e: numpy.ndarray) -> tuple[numpy.ndarray, ImageDifference]:
    signed = s.astype(numpy.float64) - e.astype(numpy.float64)  # float: uint8 would wrap
    diff = np_.absolute(signed)
    worst = tuple(int(i) for i in np_.unravel_index(int(np_.argmax(diff)), diff.shape))
    return diff, ImageDifference(float(diff.max()), float(diff.mean()), float(signed.mean()),
                                 worst, int(np_.count_nonzero(diff)), int(diff.size))


def compare_images(student: object, expected: object) -> ImageDifference:
    """Absolute pixel differences of two same-shaped images, computed in float64."""
    verify_untampered()
    s, e = as_array(student, "image"), as_array(expected, "expected image")
    if s.shape != e.shape:
        raise ValueError(f"images differ in shape: {s.shape} and {e.shape}")
    return _differences(s, e)[1]


def check_image(student: object, expected: object, max_abs_error: float = 0.0,
                max_mean_error: float | None = None, name: str = "image") -> ImageDifference:
    """Fail unless `student` matches `expected` pixel by pixel within the tolerances.

    max_abs_error bounds every pixel's |difference| (grey levels); max_mean_error,
    if given, bounds their mean. Shape and dtype must match exactly.
    """
    verify_untampered()
    for label, value in (("max_abs_error", max_abs_error), ("max_mean_error", max_mean_error)):
        if value is not None and not (math_.isfinite(float(value)) and value >= 0):
            raise ValueError(f"{label} must be a number >= 0, got {value!r}")
    s, e = as_array(student, name), as_array(expected, "expected image")
    if s.shape != e.shape:
        raise CheckFailed(f"Your {name} has shape {s.shape} but the expected image has shape "
                          f"{e.shape}. {_shape_hint(s, e)}")
    if s.dtype != e.dtype:
        fix = ("clip and convert it: np.clip(result, 0, 255).astype(np.uint8)"
               if e.dtype == numpy.uint8 else f"convert it with .astype(np.{e.dtype})")
        raise CheckFailed(f"Your {name} has dtype {s.dtype} but {e.dtype} is expected; {fix}.")
    if s.dtype.kind == "f":
        bad = int(s.size - int(np_.count_nonzero(np_.isfinite(s))))
        if bad:
            raise CheckFailed(f"Your {name} has {bad} NaN or infinite pixels: is something "
                              "divided by zero (an empty region, a zero standard deviation)?")
    if np_.array_equal(s, e):
        return ImageDifference(0.0, 0.0, 0.0, (0,) * s.ndim, 0, int(s.size))
    diff, found = _differences(s, e)
    within_max = bool(np_.allclose(s.astype(numpy.float64), e.astype(numpy.float64),
                                   rtol=0.0, atol=float(max_abs_error)))
    if not within_max:
        where = _where(diff, found.worst_pixel, max_abs_error)
        raise CheckFailed(f"Your {name} differs from the expected one by up to "
                          f"{found.max_abs_error:g} grey levels ({where}); at most "
                          f"{max_abs_error:g} is allowed. {_cause(found)}")
    if max_mean_error is not None and found.mean_abs_error > max_mean_error:
        raise CheckFailed(f"Your {name} differs from the expected one by {found.mean_abs_error:.3g}"
                          f" grey levels on average; at most {max_mean_error:g} is allowed. "
                          + _cause(found))
    return found


def _cause(found: ImageDifference) -> str:
    share = found.differing / max(found.values, 1)
    one_way = abs(found.mean_signed_error) >= 0.99 * found.mean_abs_error
    direction = "brighter" if found.mean_signed_error > 0 else "darker"
    if share <= 0.05:
        return (f"Only {found.differing} of {found.values} values differ: look for an "
                "off-by-one in a region of interest or special handling of some pixels.")
    if one_way and share >= 0.9:
        return (f"Yours is {direction} almost everywhere (by {abs(found.mean_signed_error):.3g} "
                "on average): check the offset (beta) or gain (alpha) you applied.")
    if one_way:
        return (f"Yours is {direction} wherever it differs ({100 * share:.0f} % of the "
                "values): check a threshold, clipping or mask that treats part of the image "
                "differently.")
    return (f"{100 * share:.0f} % of the values differ, in both directions: check the kernel "
            "size, the sigma, or the order of your processing steps.")
