"""check_image: tolerances, and messages that locate the difference and guess its cause."""

import numpy as np
import pytest

from autograder.checks import CheckFailed, check_image, compare_images


@pytest.fixture
def ramp():
    return np.arange(64, dtype=np.uint8).reshape(8, 8) * 3


def test_identical_images_pass_with_zero_error(ramp):
    assert check_image(ramp.copy(), ramp).max_abs_error == 0.0


def test_differences_within_the_tolerance_pass(ramp):
    found = check_image(ramp + 1, ramp, max_abs_error=1, max_mean_error=1)
    assert found.max_abs_error == 1.0 and found.mean_abs_error == 1.0


def test_uint8_differences_do_not_wrap_around():
    a, b = np.array([[0]], np.uint8), np.array([[255]], np.uint8)
    assert compare_images(a, b).max_abs_error == 255.0


def test_a_brightness_offset_is_named_with_its_size(ramp):
    with pytest.raises(CheckFailed) as failure:
        check_image(ramp + 5, ramp, max_abs_error=2)
    message = str(failure.value)
    assert "up to 5 grey levels" in message and "at most 2 is allowed" in message
    assert "brighter almost everywhere (by 5 on average)" in message


def test_one_bad_pixel_is_located(ramp):
    student = ramp.copy()
    student[4, 3] += 40
    with pytest.raises(CheckFailed, match=r"up to 40 grey levels \(at row 4, column 3\).*"
                                          r"Only 1 of 64 values differ"):
        check_image(student, ramp, max_abs_error=1)


def test_errors_only_at_the_border_point_at_the_border_mode(ramp):
    student = ramp.copy()
    student[0, :] = 0
    with pytest.raises(CheckFailed, match="within 2 pixels of the edge.*borderType"):
        check_image(student, ramp)


def test_the_mean_error_bound_is_checked_separately(ramp):
    student = ramp.copy()
    student[:4] += 2  # half the pixels off by 2: mean error 1
    with pytest.raises(CheckFailed, match=r"by 1 grey levels on average; at most 0.5"):
        check_image(student, ramp, max_abs_error=2, max_mean_error=0.5)


def test_shape_and_dtype_mismatches_say_how_to_fix_them(ramp):
    with pytest.raises(CheckFailed, match=r"shape \(8, 8, 3\).*convert to grey"):
        check_image(np.dstack([ramp] * 3), ramp)
    wide = np.zeros((4, 6), np.uint8)
    with pytest.raises(CheckFailed, match=r"cv2.resize takes \(width, height\)"):
        check_image(wide.T, wide)
    with pytest.raises(CheckFailed, match=r"dtype float64 but uint8.*np.clip"):
        check_image(ramp.astype(np.float64), ramp)


def test_nan_pixels_are_reported_before_any_comparison():
    expected = np.zeros((3, 3), np.float32)
    student = expected.copy()
    student[1, 1] = np.nan
    with pytest.raises(CheckFailed, match="1 NaN or infinite pixels"):
        check_image(student, expected, max_abs_error=1000)
