"""IoU, Dice and check_mask on hand-made masks; messages name the numbers."""

import numpy as np
import pytest

from autograder.checks import CheckFailed, check_mask, dice, iou


def square(top, left, size, shape=(10, 10), dtype=bool, on=True):
    mask = np.zeros(shape, dtype)
    mask[top:top + size, left:left + size] = on
    return mask


def test_iou_and_dice_of_two_overlapping_squares():
    a = square(0, 0, 4)  # 16 pixels
    b = square(2, 2, 4)  # 16 pixels, 4 shared
    assert iou(a, b) == pytest.approx(4 / 28)
    assert dice(a, b) == pytest.approx(2 * 4 / 32)


def test_uint8_255_and_bool_masks_are_the_same_mask():
    assert iou(square(1, 1, 3, dtype=np.uint8, on=255), square(1, 1, 3)) == 1.0


def test_two_empty_masks_agree_and_disjoint_masks_do_not():
    empty = np.zeros((5, 5), bool)
    assert iou(empty, empty) == 1.0 and dice(empty, empty) == 1.0
    assert iou(square(0, 0, 2), square(5, 5, 2)) == 0.0


def test_check_mask_returns_scores_for_a_good_mask():
    score = check_mask(square(2, 2, 4, dtype=np.uint8, on=1), square(2, 2, 4), min_iou=0.9)
    assert score.iou == 1.0 and score.dice == 1.0
    assert score.student_coverage == pytest.approx(0.16)


def test_a_too_large_mask_names_both_coverages_and_the_threshold():
    expected = square(0, 0, 2)  # 4 of 100 pixels: 4 %
    student = square(0, 0, 6)  # 36 %
    with pytest.raises(CheckFailed) as failure:
        check_mask(student, expected, min_iou=0.5)
    message = str(failure.value)
    assert "IoU 0.111 (need at least 0.50)" in message
    assert "covers 36.0 % of the image but the defect covers 4.0 %" in message
    assert "threshold too low" in message


def test_a_too_small_mask_suggests_a_threshold_too_high():
    with pytest.raises(CheckFailed, match="covers 1.0 % .* defect covers 16.0 %.*too high"):
        check_mask(square(0, 0, 1), square(0, 0, 4))


def test_an_inverted_mask_is_called_inverted():
    with pytest.raises(CheckFailed, match="inverted.*THRESH_BINARY_INV"):
        check_mask(~square(0, 0, 8), square(0, 0, 8))


def test_min_dice_is_checked_when_given():
    a, b = square(0, 0, 4), square(0, 1, 4)  # IoU 12/20 = 0.6, Dice 24/32 = 0.75
    check_mask(a, b, min_iou=0.6)
    with pytest.raises(CheckFailed, match=r"Dice 0.750 \(need at least 0.80\)"):
        check_mask(a, b, min_iou=0.6, min_dice=0.8)


@pytest.mark.parametrize(("student", "expected_text"), [
    (np.dstack([square(0, 0, 3)] * 3), "shape (10, 10, 3) .* colour channel"),
    (square(0, 0, 3, shape=(12, 10)), "shape (12, 10) but the expected mask has shape (10, 10)"),
    (square(0, 0, 3, dtype=np.float64) * 0.5, "dtype float64"),
    (np.arange(100, dtype=np.uint8).reshape(10, 10), "100 different values .* cv2.threshold"),
    (None, "None: .* return"),
])
def test_malformed_masks_say_what_is_wrong(student, expected_text):
    with pytest.raises(CheckFailed, match=expected_text.replace("(", r"\(").replace(")", r"\)")):
        check_mask(student, square(0, 0, 3))


def test_a_mistyped_pass_level_is_an_error_not_a_pass():
    with pytest.raises(ValueError, match="min_iou"):
        check_mask(square(0, 0, 3), square(0, 0, 3), min_iou=90)
