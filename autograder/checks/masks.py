"""Defect masks: IoU and Dice overlap, and `check_mask` with messages a student can act on."""

from __future__ import annotations

from dataclasses import dataclass

import numpy

from ._common import CheckFailed, as_array, check_threshold, percent, ratio
from ._trusted import np_, verify_untampered


@dataclass(frozen=True)
class MaskScore:
    """How a student's mask overlaps the expected one (fractions in [0, 1])."""

    iou: float
    dice: float
    student_coverage: float  # share of the image the student's mask covers
    expected_coverage: float

    def __str__(self) -> str:
        return (f"IoU {self.iou:.3f}, Dice {self.dice:.3f}; mask covers "
                f"{percent(self.student_coverage)} (defect {percent(self.expected_coverage)})")


def _binary(mask: object, what: str) -> numpy.ndarray:
    array = as_array(mask, what)
    return array if array.dtype == bool else array != 0


def iou(a: object, b: object) -> float:
    """Intersection over union of two binary masks; 1.0 when both are empty (agreement)."""
    verify_untampered()
    a, b = _binary(a, "first mask"), _binary(b, "second mask")
    if a.shape != b.shape:
        raise ValueError(f"masks differ in shape: {a.shape} and {b.shape}")
    inter = int(np_.count_nonzero(np_.logical_and(a, b)))
    union = int(np_.count_nonzero(np_.logical_or(a, b)))
    return ratio(inter, union)


def dice(a: object, b: object) -> float:
    """Dice coefficient 2|A∩B| / (|A| + |B|); 1.0 when both masks are empty."""
    verify_untampered()
    a, b = _binary(a, "first mask"), _binary(b, "second mask")
    if a.shape != b.shape:
        raise ValueError(f"masks differ in shape: {a.shape} and {b.shape}")
    inter = int(np_.count_nonzero(np_.logical_and(a, b)))
    return ratio(2 * inter, int(np_.count_nonzero(a)) + int(np_.count_nonzero(b)))


def _check_format(student: numpy.ndarray, expected: numpy.ndarray, name: str) -> None:
    if student.shape != expected.shape:
        hint = "Return a mask the size of the input image."
        if student.ndim == 3 and student.shape[:2] == expected.shape:
            hint = ("It has a colour channel axis: threshold a grey image "
                    "(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)) or take one channel.")
        elif student.shape[::-1] == expected.shape:
            hint = "Rows and columns are swapped: numpy shapes are (height, width)."
        raise CheckFailed(f"Your {name} has shape {student.shape} but the expected mask has "
                          f"shape {expected.shape}. {hint}")
    if student.dtype != bool and student.dtype.kind not in "iu":
        raise CheckFailed(
            f"Your {name} has dtype {student.dtype}; a mask is bool or integer (uint8 0/255 "
            "or 0/1). Did you return the filtered image instead of a thresholded one? "
            "Compare it with a threshold, e.g. `mask = image > t`."
        )
    if student.dtype != bool:
        values = np_.unique(student)
        if len(values) > 2 or (len(values) == 2 and values[0] != 0):
            shown = ", ".join(str(v) for v in values[:5].tolist())
            more = ", ..." if len(values) > 5 else ""
            raise CheckFailed(
                f"Your {name} has {len(values)} different values ({shown}{more}); a mask has "
                "only two: 0 for background and 1 (or 255) for defect. Did you return the "
                "grey or blurred image instead of the result of cv2.threshold?"
            )


def _likely_cause(score: MaskScore, inverted_iou: float) -> str:
    s, e = score.student_coverage, score.expected_coverage
    if inverted_iou > score.iou and inverted_iou > 0.5:
        return ("Your mask looks inverted (background marked as defect): use "
                "cv2.THRESH_BINARY_INV instead of cv2.THRESH_BINARY, or the reverse.")
    if s > 1.5 * e:
        return (f"Your mask covers {percent(s)} of the image but the defect covers "
                f"{percent(e)}: is your threshold too low, or your dilation too strong?")
    if s < e / 1.5:
        return (f"Your mask covers {percent(s)} of the image but the defect covers "
                f"{percent(e)}: is your threshold too high, or your erosion/opening too strong?")
    return (f"Your mask covers about the right area ({percent(s)} vs {percent(e)}) but in "
            "the wrong place: is it shifted by a region-of-interest offset, or computed on "
            "another frame?")


def check_mask(student: object, expected: object, min_iou: float = 0.9,
               min_dice: float | None = None, name: str = "mask") -> MaskScore:
    """Fail unless `student` is a binary mask overlapping `expected` well enough.

    Checks shape, dtype and that it is binary, then IoU >= min_iou (and
    Dice >= min_dice if given). Returns the scores.
    """
    verify_untampered()
    min_iou = check_threshold(min_iou, "min_iou")
    if min_dice is not None:
        min_dice = check_threshold(min_dice, "min_dice")
    student_arr = as_array(student, name)
    expected_arr = _binary(expected, "expected mask")
    _check_format(student_arr, expected_arr, name)
    mask = _binary(student_arr, name)
    pixels = max(mask.size, 1)
    score = MaskScore(
        1.0 if np_.array_equal(mask, expected_arr) else iou(mask, expected_arr),
        dice(mask, expected_arr),
        int(np_.count_nonzero(mask)) / pixels,
        int(np_.count_nonzero(expected_arr)) / pixels,
    )
    low_iou, low_dice = score.iou < min_iou, min_dice is not None and score.dice < min_dice
    if low_iou or low_dice:
        measure = (f"IoU {score.iou:.3f} (need at least {min_iou:.2f})" if low_iou
                   else f"Dice {score.dice:.3f} (need at least {min_dice:.2f})")
        cause = _likely_cause(score, iou(np_.logical_not(mask), expected_arr))
        raise CheckFailed(f"Your {name} overlaps the expected defect mask with {measure}. "
                          f"{cause}")
    return score
