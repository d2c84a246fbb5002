"""A calibration checkerboard under the station's camera, in a new pose for every part index.

    sim://backboard-station?target=checkerboard&board=9x6&square_mm=10&k1=-0.2&seed=3

`board` counts inner corners, columns x rows (OpenCV's patternSize): 9x6 is 10 x 7 squares of
`square_mm`, printed black on a white plate with a one-square white border. Part `index` sees
the board tilted, turned and shifted (`POSE`, drawn from the part's random stream, so the same
seed gives the same views) at about the working distance, through the pinhole camera and the
distortion of `lens.py` and the station's sensor (blur, exposure, gain, noise). A calibration of
such views recovers the `camera_matrix` and `dist_coeffs` that every frame records in `extra`,
next to the board's true pose and the true image positions of its inner corners (`corners_px`,
row by row from the board's top-left inner corner, as `cv2.projectPoints` gives them).

The print is matte: its radiance (white `WHITE`, black `BLACK`, belt `BELT`) does not depend on
the light. Perspective keeps straight lines straight, so each square is drawn as an exact
quadrilateral, its coverage of each pixel measured on 4 x 4 samples, on the ideal image before
the lens distorts it.
"""

from __future__ import annotations

import cv2
import numpy as np

from ..frame import Frame
from .distributions import Uniform
from .geometry import SHIFT
from .lens import lens_of
from .sensor import defocus_sigma_px, expose, lens_focal_mm

WHITE, BLACK, BELT = 0.9, 0.05, 0.04
SUPERSAMPLE = 4  # board edges: coverage of 4 x 4 samples per pixel
FRAME_MARGIN = 0.03  # keep the plate this share of the frame's width away from its border
POSE = {
    "tilt_x_deg": Uniform(-30.0, 30.0),  # about the board's horizontal axis
    "tilt_y_deg": Uniform(-30.0, 30.0),  # about its vertical axis
    "roll_deg": Uniform(-20.0, 20.0),  # about the optical axis
    "distance": Uniform(0.9, 1.1),  # board centre's depth / working distance
    "shift_x": Uniform(-1.0, 1.0),  # share of the room left and right of the centred board
    "shift_y": Uniform(-1.0, 1.0),
}


def _rotation(tilt_x: float, tilt_y: float, roll: float) -> np.ndarray:
    a, b, c = np.radians([tilt_x, tilt_y, roll])
    rx = np.array([[1, 0, 0], [0, np.cos(a), -np.sin(a)], [0, np.sin(a), np.cos(a)]])
    ry = np.array([[np.cos(b), 0, np.sin(b)], [0, 1, 0], [-np.sin(b), 0, np.cos(b)]])
    rz = np.array([[np.cos(c), -np.sin(c), 0], [np.sin(c), np.cos(c), 0], [0, 0, 1]])
    return rz @ ry @ rx


def board_points(corners: tuple[int, int], square_mm: float) -> np.ndarray:
    """Inner corners in board millimetres (z = 0), row by row, centred on the board."""
    columns, rows = corners
    xs = (np.arange(columns) - (columns - 1) / 2) * square_mm
    ys = (np.arange(rows) - (rows - 1) / 2) * square_mm
    grid = np.stack(np.meshgrid(xs, ys), axis=-1).reshape(-1, 2)
    return np.hstack([grid, np.zeros((len(grid), 1))])


def _plate_mm(corners: tuple[int, int], square_mm: float) -> np.ndarray:
    half = (np.asarray(corners) + 3) / 2 * square_mm  # squares + one white square each side
    return np.array([[-half[0], -half[1]], [half[0], -half[1]], [half[0], half[1]],
                     [-half[0], half[1]]])


def _project(points_mm: np.ndarray, rotation: np.ndarray, tvec: np.ndarray,
             matrix: np.ndarray, dist=(0.0, 0.0, 0.0, 0.0)) -> np.ndarray:
    points = np.hstack([points_mm[:, :2], np.zeros((len(points_mm), 1))]).astype(np.float64)
    rvec, _ = cv2.Rodrigues(rotation)
    image, _ = cv2.projectPoints(points, rvec, tvec.astype(np.float64), matrix,
                                 np.asarray(dist, np.float64))
    return image.reshape(-1, 2)


def board_pose(config, rng: np.random.Generator, lens) -> tuple[np.ndarray, np.ndarray]:
    """(rotation 3 x 3, translation mm) of the board for one part: in view, drawn from POSE."""
    draws = {name: dist.draw(rng) for name, dist in POSE.items()}
    rotation = _rotation(draws["tilt_x_deg"], draws["tilt_y_deg"], draws["roll_deg"])
    depth = draws["distance"] * config.working_distance_mm
    plate = _plate_mm(config.board_corners, config.square_mm)
    width, height = config.width, config.height
    low = np.array([FRAME_MARGIN * width] * 2)
    high = np.array([width, height]) - low
    for _ in range(30):  # a board tilted towards the camera may not fit: move it back
        centred = _project(plate, rotation, np.array([0.0, 0.0, depth]), lens.camera_matrix,
                           lens.dist_coeffs)
        room = np.minimum(centred.min(axis=0) - low, high - centred.max(axis=0))
        if (room >= 0).all() or depth > 2 * config.working_distance_mm:
            break
        depth *= 1.05
    if (room < 0).any():
        raise ValueError(f"a {config.board} board of {config.square_mm:g} mm squares does not "
                         f"fit a {config.fov_mm:g} mm field of view; use a smaller square_mm "
                         "or a larger fov_mm")
    shift_px = room * np.array([draws["shift_x"], draws["shift_y"]])
    focal = lens.camera_matrix[0, 0]
    for _ in range(8):  # perspective makes the shift approximate: halve it until all is in view
        tvec = np.array([shift_px[0] * depth / focal, shift_px[1] * depth / focal, depth])
        seen = _project(plate, rotation, tvec, lens.camera_matrix, lens.dist_coeffs)
        if (seen.min(axis=0) >= low).all() and (seen.max(axis=0) <= high).all():
            break
        shift_px = shift_px / 2
    return rotation, tvec


def _quads(config) -> list[np.ndarray]:
    """Black squares (4 x 2 mm each): square (0, 0), the top-left one, is black."""
    columns, rows = config.board_corners
    s = config.square_mm
    x0, y0 = -(columns + 1) / 2 * s, -(rows + 1) / 2 * s
    return [np.array([[x0 + i * s, y0 + j * s], [x0 + (i + 1) * s, y0 + j * s],
                      [x0 + (i + 1) * s, y0 + (j + 1) * s], [x0 + i * s, y0 + (j + 1) * s]])
            for j in range(rows + 1) for i in range(columns + 1) if (i + j) % 2 == 0]


def render_checkerboard(config, index: int) -> Frame:
    """Part `index` of a calibration session: the board in its pose, through lens and sensor."""
    rng = np.random.default_rng([config.seed, index])
    lens = lens_of(config)
    rotation, tvec = board_pose(config, rng, lens)
    canvas_w, canvas_h = lens.canvas_size
    matrix = lens.canvas_matrix

    def layer(polygons) -> np.ndarray:
        # cv2's anti-aliasing is coarse across rows: fill 4x finer, then average 4 x 4 blocks
        fine = np.zeros((canvas_h * SUPERSAMPLE, canvas_w * SUPERSAMPLE), np.uint8)
        fixed = [np.round((_project(p, rotation, tvec, matrix) * SUPERSAMPLE
                           + (SUPERSAMPLE - 1) / 2) * (1 << SHIFT)).astype(np.int32)
                 for p in polygons]
        cv2.fillPoly(fine, fixed, 255, cv2.LINE_8, SHIFT)
        coarse = cv2.resize(fine, (canvas_w, canvas_h), interpolation=cv2.INTER_AREA)
        return coarse.astype(np.float32) * np.float32(1 / 255)

    plate = layer([_plate_mm(config.board_corners, config.square_mm)])
    squares = layer(_quads(config))
    radiance = BELT + plate * np.float32(WHITE - BELT) - squares * np.float32(WHITE - BLACK)
    image = expose(lens.image(radiance), config, rng)
    corners = _project(board_points(config.board_corners, config.square_mm), rotation, tvec,
                       lens.camera_matrix, lens.dist_coeffs)
    rvec, _ = cv2.Rodrigues(rotation)
    extra = {
        "target": "checkerboard",
        "board": list(config.board_corners),
        "square_mm": config.square_mm,
        "board_pose": {"rvec": [round(float(v), 6) for v in rvec.ravel()],
                       "tvec_mm": [round(float(v), 4) for v in tvec]},
        "corners_px": np.round(corners, 3).tolist(),
        "mm_per_px": config.mm_per_px,
        "lens_focal_mm": lens_focal_mm(config.width, config.fov_mm, config.working_distance_mm),
        "working_distance_mm": config.working_distance_mm,
        "defocus_sigma_px": defocus_sigma_px(config),
        **lens.record(),
    }
    return Frame(image=image, index=index, timestamp_s=index * config.takt_s,
                 exposure_us=config.exposure_us, gain_db=config.gain_db, light=config.light,
                 part_id=f"CB-{config.seed:03d}-{index:05d}", extra=extra)
