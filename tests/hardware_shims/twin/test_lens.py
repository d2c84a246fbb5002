"""The lens: OpenCV's distortion model, off by default, applied to the image and the mask."""

import cv2
import numpy as np
import pytest

from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part
from hardware_shims.twin.lens import distort_normalised, lens_of, undistort_normalised
from hardware_shims.uri import parse_uri

DIST = (-0.2, 0.05, 0.001, -0.0015)


def config(query: str):
    return station_config(parse_uri(f"sim://backboard-station?{query}"))


def test_distortion_is_off_by_default_and_zero_coefficients_change_no_pixel():
    plain = config("seed=6&defect_rate=1&width=640&height=480")
    zero = config("seed=6&defect_rate=1&width=640&height=480&k1=0&k2=0&p1=0&p2=0")
    assert plain.dist_coeffs == (0.0, 0.0, 0.0, 0.0) and not lens_of(plain).distorts
    for index in range(3):
        a, b = render_part(plain, index), render_part(zero, index)
        assert np.array_equal(a.image, b.image) and np.array_equal(a.defect_mask, b.defect_mask)
        assert a.extra["dist_coeffs"] == [0.0, 0.0, 0.0, 0.0]


def test_the_model_is_opencvs():
    rng = np.random.default_rng(1)
    points = rng.uniform(-0.4, 0.4, (200, 2))
    expected, _ = cv2.projectPoints(np.hstack([points, np.ones((200, 1))]), np.zeros(3),
                                    np.zeros(3), np.eye(3), np.asarray(DIST))
    x, y = distort_normalised(points[:, 0], points[:, 1], DIST)
    assert np.allclose(np.stack([x, y], axis=1), expected.reshape(-1, 2), atol=1e-12)
    back = undistort_normalised(x, y, DIST)
    assert np.allclose(np.stack(back, axis=1), points, atol=1e-9)


def test_every_sensor_pixel_looks_up_the_ideal_point_the_model_moves_onto_it():
    station = config(f"width=320&height=240&k1={DIST[0]}&k2={DIST[1]}&p1={DIST[2]}&p2={DIST[3]}")
    lens = lens_of(station)
    (fx, _, cx), (_, fy, cy), _ = lens.camera_matrix
    ideal_x = (lens.map_x.astype(float) - lens.pad[0] - cx) / fx
    ideal_y = (lens.map_y.astype(float) - lens.pad[1] - cy) / fy
    x, y = distort_normalised(ideal_x, ideal_y, DIST)
    v, u = np.mgrid[0:240, 0:320]
    assert np.abs(x * fx + cx - u).max() < 0.01 and np.abs(y * fy + cy - v).max() < 0.01
    # barrel distortion shows more than the ideal frame: the canvas is padded to hold it
    assert lens.pad[0] > 0 and (lens.map_x >= 0).all()
    assert lens.map_x.max() <= lens.canvas_size[0] - 1


def test_the_defect_mask_is_distorted_with_the_image():
    query = "defects=pit&defect_rate=1&seed=3&light=bright-field"
    straight = render_part(config(query), 0)
    bent = render_part(config(f"{query}&k1=-0.3"), 0)
    matrix = np.asarray(straight.extra["camera_matrix"])
    ys, xs = np.nonzero(straight.defect_mask)
    centre = np.array([[xs.mean(), ys.mean()]])
    normalised = (centre - matrix[:2, 2]) / np.diag(matrix)[:2]
    moved, _ = cv2.projectPoints(np.hstack([normalised, [[1.0]]]), np.zeros(3), np.zeros(3),
                                 matrix, np.array([-0.3, 0.0, 0.0, 0.0]))
    ys, xs = np.nonzero(bent.defect_mask)
    assert np.hypot(xs.mean() - moved[0, 0, 0], ys.mean() - moved[0, 0, 1]) < 1.0
    # the pit is dark under bright-field light where the distorted mask says it is
    ring = cv2.dilate(bent.defect_mask, np.ones((9, 9), np.uint8)) > 0
    ring &= ~(cv2.dilate(bent.defect_mask, np.ones((3, 3), np.uint8)) > 0)
    assert bent.image[bent.defect_mask > 0].mean() < 0.8 * bent.image[ring].mean()


def test_the_camera_matrix_follows_the_working_distance_and_the_field_of_view():
    frame = render_part(config("fov_mm=180&width=1280&height=960&working_distance_mm=300"), 0)
    (fx, _, cx), (_, fy, cy), _ = frame.extra["camera_matrix"]
    assert fx == fy == pytest.approx(300 / (180 / 1280)) and (cx, cy) == (640, 480)


def test_a_distortion_that_folds_the_image_is_refused():
    with pytest.raises(ValueError, match="smaller coefficients"):
        render_part(config("fov_mm=600&working_distance_mm=100&width=320&height=240&k1=-0.5"
                           "&k2=-0.5"), 0)
