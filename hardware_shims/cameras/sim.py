"""`sim://`: the digital twin of the backboard inspection station, opened as a camera.

  sim://backboard-station?light=dark-field&exposure_us=800&seed=7
  sim://backboard-station?target=checkerboard&board=9x6&square_mm=10&k1=-0.2&seed=3

Every station parameter is a URI parameter with a unit and a valid range; exposure, gain and the
image size are also GenICam features (`ExposureTime`, `Gain`, `Width`, `Height`) so a slider can
change them live. The renderer behind it is `hardware_shims.twin` (`render_part(config, index)`);
this module owns the parameters and the camera contract, the twin owns the pixels.

The lens follows OpenCV's camera model: radial `k1`, `k2` and tangential `p1`, `p2` (all 0, no
distortion, by default) act on the pinhole camera whose focal length in pixels is
`working_distance_mm / mm_per_px` and whose principal point is the image centre.
`target=checkerboard` puts a calibration board (`board`: inner corners, columns x rows;
`square_mm`) under the camera instead of a cover, in a new pose for every part index.
"""

from __future__ import annotations

import dataclasses
import importlib
import re
from dataclasses import dataclass
from typing import Any

from ..errors import EndOfStream, FeatureError, MalformedURIError, ShimError
from ..faults import FAULT_PARAMS
from ..frame import Frame
from ..uri import ResourceURI
from .base import Camera

STATIONS = ("backboard-station",)
LIGHTS = ("bright-field", "dark-field", "coaxial", "low-angle")
MATERIALS = ("glass", "aluminium")
TARGETS = ("part", "checkerboard")
# every type the twin draws; the default line leaves out the opt-in rough-patch
DEFECT_TYPES = ("scratch", "pit", "stain", "edge-chip", "print-offset", "rough-patch")
BOARD_CORNERS = (3, 30)  # inner corners per side that findChessboardCorners handles


@dataclass(frozen=True)
class Param:
    kind: type
    default: Any
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    unit: str = ""


# The one table of station parameters: URI keys, units and valid ranges.
PARAMS: dict[str, Param] = {
    "light": Param(str, "bright-field", choices=LIGHTS),
    "material": Param(str, "glass", choices=MATERIALS),
    "exposure_us": Param(float, 800.0, 10.0, 100_000.0, unit="us"),
    "gain_db": Param(float, 0.0, 0.0, 24.0, unit="dB"),
    "fov_mm": Param(float, 180.0, 10.0, 600.0, unit="mm"),
    "working_distance_mm": Param(float, 300.0, 50.0, 2000.0, unit="mm"),
    "defocus_mm": Param(float, 0.0, -20.0, 20.0, unit="mm"),
    "speed_mm_s": Param(float, 0.0, 0.0, 3000.0, unit="mm/s"),
    "takt_s": Param(float, 3.0, 0.05, 60.0, unit="s"),
    "width": Param(int, 1280, 64, 8192, unit="px"),
    "height": Param(int, 960, 48, 8192, unit="px"),
    "defect_rate": Param(float, 0.5, 0.0, 1.0),
    "defects": Param(str, "scratch,pit,stain,edge-chip,print-offset"),
    "contrast_min": Param(float, 0.8, 0.0, 1.0),  # faintest defect, share of a fresh one's
    "parts": Param(int, 0, 0, 1_000_000),  # 0: an endless line
    "seed": Param(int, 0, 0, 2**31 - 1),
    "k1": Param(float, 0.0, -0.5, 0.5),
    "k2": Param(float, 0.0, -0.5, 0.5),
    "p1": Param(float, 0.0, -0.02, 0.02),
    "p2": Param(float, 0.0, -0.02, 0.02),
    "target": Param(str, "part", choices=TARGETS),
    "board": Param(str, "9x6"),  # inner corners: columns x rows
    "square_mm": Param(float, 10.0, 1.0, 100.0, unit="mm"),
}
FEATURE_TO_PARAM = {"ExposureTime": "exposure_us", "Gain": "gain_db", "Width": "width",
                    "Height": "height"}


@dataclass(frozen=True)
class StationConfig:
    """Everything the twin needs to render a frame; one field per entry of PARAMS."""

    light: str
    material: str
    exposure_us: float
    gain_db: float
    fov_mm: float
    working_distance_mm: float
    defocus_mm: float
    speed_mm_s: float
    takt_s: float
    width: int
    height: int
    defect_rate: float
    defects: str
    parts: int
    seed: int
    contrast_min: float = 0.8
    k1: float = 0.0
    k2: float = 0.0
    p1: float = 0.0
    p2: float = 0.0
    target: str = "part"
    board: str = "9x6"
    square_mm: float = 10.0

    @property
    def mm_per_px(self) -> float:
        return self.fov_mm / self.width

    @property
    def dist_coeffs(self) -> tuple[float, float, float, float]:
        """OpenCV's (k1, k2, p1, p2)."""
        return (self.k1, self.k2, self.p1, self.p2)

    @property
    def board_corners(self) -> tuple[int, int]:
        """Inner corners (columns, rows) of the checkerboard, OpenCV's patternSize."""
        columns, rows = self.board.split("x")
        return int(columns), int(rows)

    def replace(self, **changes: Any) -> StationConfig:
        return dataclasses.replace(self, **changes)


def _param(uri: ResourceURI, key: str, spec: Param) -> Any:
    raw = uri.params.get(key)
    if raw is None:
        return spec.default
    if spec.choices:
        if raw not in spec.choices:
            raise MalformedURIError(f"{key}={raw!r} in {uri} is not valid; "
                                    f"valid: {', '.join(spec.choices)}")
        return raw
    if spec.kind is str:
        return raw
    if spec.kind is int:
        value = uri.param_int(key, spec.default, int(spec.minimum))
        if value > spec.maximum:
            raise MalformedURIError(f"{key}={value} in {uri} is out of range; valid: "
                                    f"{spec.minimum:g} to {spec.maximum:g} {spec.unit}".rstrip())
        return value
    return uri.param_float(key, spec.default, spec.minimum, spec.maximum)


def station_config(uri: ResourceURI) -> StationConfig:
    """Validate a sim:// URI into a StationConfig; unknown keys and bad values are refused."""
    if uri.path not in STATIONS:
        raise MalformedURIError(f"unknown station {uri.path!r} in {uri}; "
                                f"valid: {', '.join(STATIONS)}")
    uri.check_params(set(PARAMS) | FAULT_PARAMS)
    config = StationConfig(**{key: _param(uri, key, spec) for key, spec in PARAMS.items()})
    unknown = set(config.defects.split(",")) - set(DEFECT_TYPES)
    if unknown:
        raise MalformedURIError(f"defects={config.defects!r} in {uri} names unknown types "
                                f"{sorted(unknown)}; valid: {','.join(DEFECT_TYPES)}")
    low, high = BOARD_CORNERS
    if not re.fullmatch(r"\d+x\d+", config.board) or \
            not all(low <= n <= high for n in config.board_corners):
        raise MalformedURIError(f"board={config.board!r} in {uri} is not valid; give the inner "
                                f"corners as COLUMNSxROWS, each {low} to {high}, e.g. 9x6")
    return config


def load_renderer():
    """The twin's `render_part(config, index) -> Frame`; a clear error when it is absent."""
    try:
        return importlib.import_module("hardware_shims.twin").render_part
    except (ImportError, AttributeError) as exc:
        raise ShimError(f"the digital twin (hardware_shims.twin) is not available: {exc}; "
                        f"use a recorded session such as replay://orientation/sample") from exc


class SimCamera(Camera):
    """Renders one part per read, deterministically from (config, seed, part index)."""

    injects_faults = software_pixel_format = True
    honoured = frozenset({"ExposureTime", "Gain", "Width", "Height", "PixelFormat"})
    grab_may_block = False

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.config = station_config(self.uri)
        self._render = load_renderer()
        self._next_part = 0

    def _apply(self, name: str, value: Any) -> None:
        if name in FEATURE_TO_PARAM:
            key = FEATURE_TO_PARAM[name]
            spec = PARAMS[key]
            if not spec.minimum <= value <= spec.maximum:
                raise FeatureError(f"{name}={value:g} is outside what the twin renders; "
                                        f"valid: {spec.minimum:g} to {spec.maximum:g} {spec.unit}")
            self.config = self.config.replace(**{key: spec.kind(value)})

    def _current(self, name: str) -> Any:
        if name in FEATURE_TO_PARAM:
            return getattr(self.config, FEATURE_TO_PARAM[name])
        return super()._current(name)

    def _grab(self, timeout_s: float) -> Frame:
        if self.config.parts and self._next_part >= self.config.parts:
            raise EndOfStream(f"{self.uri} rendered its {self.config.parts} parts")
        frame = self._render(self.config, self._next_part)
        self._next_part += 1
        return frame
