"""The calibration checkerboard: OpenCV's calibration recovers the twin's lens from it."""

import cv2
import numpy as np
import pytest

from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part
from hardware_shims.twin.target import board_points
from hardware_shims.uri import parse_uri

# A wide-angle station (180 mm seen from 150 mm): corners reach r = 0.75, where k1 and k2 part
# ways; from 300 mm they trade off against each other and k1 alone is poorly determined.
LENS = "k1=-0.2&k2=0.05&p1=0.001&p2=-0.0015"
STATION = f"target=checkerboard&board=9x6&square_mm=10&working_distance_mm=150&{LENS}"
TOLERANCE = {"k1": 0.01, "k2": 0.03, "p": 5e-4, "focal": 0.003, "centre_px": 3.0}


def config(query: str):
    return station_config(parse_uri(f"sim://backboard-station?{query}"))


def _corners(frame, pattern):
    found, corners = cv2.findChessboardCorners(frame.image, pattern)
    assert found, f"{frame.part_id}: no {pattern} board found"
    criteria = (cv2.TERM_CRITERIA_EPS + cv2.TERM_CRITERIA_MAX_ITER, 50, 1e-4)
    return cv2.cornerSubPix(frame.image, corners, (5, 5), (-1, -1), criteria)


def test_calibration_of_twelve_views_recovers_the_lens():
    station = config(f"{STATION}&seed=3")
    frames = [render_part(station, index) for index in range(12)]
    image_points = [_corners(frame, station.board_corners) for frame in frames]
    object_points = [board_points(station.board_corners, station.square_mm).astype(np.float32)
                     ] * len(frames)
    rms, matrix, dist, _, _ = cv2.calibrateCamera(object_points, image_points,
                                                  (station.width, station.height), None, None,
                                                  flags=cv2.CALIB_FIX_K3)
    true_matrix = np.asarray(frames[0].extra["camera_matrix"])
    k1, k2, p1, p2 = dist.ravel()[:4]
    assert rms < 0.3
    assert abs(k1 - station.k1) <= TOLERANCE["k1"]
    assert abs(k2 - station.k2) <= TOLERANCE["k2"]
    assert abs(p1 - station.p1) <= TOLERANCE["p"] and abs(p2 - station.p2) <= TOLERANCE["p"]
    for axis in (0, 1):
        assert matrix[axis, axis] == pytest.approx(true_matrix[axis, axis],
                                                   rel=TOLERANCE["focal"])
        assert abs(matrix[axis, 2] - true_matrix[axis, 2]) <= TOLERANCE["centre_px"]


def test_recorded_corners_are_where_opencv_finds_them():
    station = config(f"{STATION}&seed=4")
    frame = render_part(station, 2)
    found = _corners(frame, station.board_corners).reshape(-1, 2)
    truth = np.asarray(frame.extra["corners_px"])
    nearest = np.linalg.norm(found[:, None] - truth[None], axis=2).min(axis=1)
    assert nearest.max() < 0.4 and nearest.mean() < 0.2


def test_poses_are_seeded_and_differ_from_view_to_view():
    station = config(f"{STATION}&seed=5&width=640&height=480")
    a, b, c = render_part(station, 0), render_part(station, 0), render_part(station, 1)
    assert np.array_equal(a.image, b.image)
    assert a.extra["board_pose"] != c.extra["board_pose"]
    assert a.extra["target"] == "checkerboard" and a.label is None


def test_a_board_larger_than_the_field_of_view_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        render_part(config("target=checkerboard&board=9x6&square_mm=30&fov_mm=180"), 0)
