import numpy as np
import pytest

from hardware_shims import open_camera
from hardware_shims.cameras import sim as sim_source
from hardware_shims.cameras.sim import PARAMS, station_config
from hardware_shims.errors import FeatureError, MalformedURIError
from hardware_shims.frame import Frame
from hardware_shims.uri import parse_uri

STATION = "sim://backboard-station"


@pytest.fixture
def flat_twin(monkeypatch):
    """A stand-in renderer: grey level = exposure_us / 10, so settings are visible in pixels."""
    calls = []

    def render_part(config, index):
        calls.append((config, index))
        level = min(255, int(config.exposure_us / 10))
        image = np.full((config.height, config.width), level, np.uint8)
        return Frame(image=image, index=index, exposure_us=config.exposure_us,
                     gain_db=config.gain_db, light=config.light, part_id=f"SIM-{index:04d}")

    monkeypatch.setattr(sim_source, "load_renderer", lambda: render_part)
    return calls


def test_defaults_come_from_the_parameter_table():
    config = station_config(parse_uri(STATION))
    assert config.light == PARAMS["light"].default and config.width == PARAMS["width"].default


def test_mm_per_px_halves_when_the_field_of_view_halves():
    wide = station_config(parse_uri(f"{STATION}?fov_mm=200"))
    narrow = station_config(parse_uri(f"{STATION}?fov_mm=100"))
    assert narrow.mm_per_px == pytest.approx(wide.mm_per_px / 2)


@pytest.mark.parametrize("query, message", [
    ("exposure_us=-5", "valid: 10 to 100000"),
    ("fov_mm=0", "valid: 10 to 600"),
    ("light=ultraviolet", "valid: bright-field, dark-field"),
    ("defects=scratch,crack", "unknown types"),
    ("colour=red", "unknown parameter"),
    ("width=100000", "out of range"),
    ("k1=0.9", "valid: -0.5 to 0.5"),
    ("p2=0.1", "valid: -0.02 to 0.02"),
    ("target=star", "valid: part, checkerboard"),
    ("board=9by6", "COLUMNSxROWS"),
    ("board=2x6", "each 3 to 30"),
    ("square_mm=0.5", "valid: 1 to 100"),
    ("contrast_min=1.5", "valid: 0 to 1"),
])
def test_bad_parameters_are_refused_with_the_valid_range(query, message):
    with pytest.raises(MalformedURIError, match=message):
        station_config(parse_uri(f"{STATION}?{query}"))


def test_lens_and_target_parameters_default_to_no_distortion_and_a_part():
    config = station_config(parse_uri(STATION))
    assert config.dist_coeffs == (0.0, 0.0, 0.0, 0.0) and config.target == "part"
    board = station_config(parse_uri(f"{STATION}?target=checkerboard&board=7x5&k1=-0.1"))
    assert board.board_corners == (7, 5) and board.k1 == -0.1


def test_opt_in_defect_types_are_accepted():
    config = station_config(parse_uri(f"{STATION}?defects=scratch,rough-patch"))
    assert config.defects == "scratch,rough-patch"


def test_unknown_station_is_refused():
    with pytest.raises(MalformedURIError, match="backboard-station"):
        station_config(parse_uri("sim://paint-shop"))


def test_exposure_feature_changes_the_rendered_frames(flat_twin):
    with open_camera(f"{STATION}?exposure_us=800&width=64&height=48") as camera:
        assert camera.read().image[0, 0] == 80
        camera.set("ExposureTime", 1500.0)
        frame = camera.read()
    assert frame.image[0, 0] == 150 and frame.exposure_us == 1500.0
    assert "unhonoured" not in frame.extra


def test_exposure_outside_the_twin_range_is_a_feature_error(flat_twin):
    with open_camera(f"{STATION}?width=64&height=48") as camera:
        with pytest.raises(FeatureError, match="valid: 10 to 100000"):
            camera.set("ExposureTime", 5.0)


def test_parts_ends_the_stream_and_indices_count_parts(flat_twin):
    with open_camera(f"{STATION}?parts=3&width=64&height=48") as camera:
        assert [f.index for f in camera] == [0, 1, 2]


def test_faults_apply_to_sim_too(flat_twin):
    from hardware_shims.errors import DeviceLost

    with open_camera(f"{STATION}?width=64&height=48&disconnect_after=1") as camera:
        camera.read()
        with pytest.raises(DeviceLost):
            camera.read()
