import numpy as np
import pytest

from hardware_shims.cameras.replay import SESSIONS_DIR, ReplayCamera, available_sessions
from hardware_shims.errors import EndOfStream, MalformedURIError, SessionError
from hardware_shims.recording.session import SessionReader
from hardware_shims.tools import make_orientation_session as gen

SAMPLE = "replay://orientation/sample"


@pytest.fixture(scope="module")
def shipped():
    return list(SessionReader(SESSIONS_DIR / "orientation" / "sample.mcap").frames())


def test_sample_is_listed():
    assert "orientation/sample" in available_sessions()


def test_sample_is_small():
    assert (SESSIONS_DIR / "orientation" / "sample.mcap").stat().st_size < 2_000_000


def test_sample_has_twelve_mono_640x480_frames(shipped):
    assert [(f.image.shape, f.image.dtype) for f in shipped] == [((480, 640), np.uint8)] * 12


def test_sample_acquisition_metadata(shipped):
    assert {(f.exposure_us, f.gain_db, f.light) for f in shipped} == {
        (800.0, 0.0, "bright-field")
    }


def test_sample_timestamps_are_half_a_second_apart(shipped):
    assert [f.timestamp_s for f in shipped] == [0.5 * i for i in range(12)]


def test_sample_part_ids(shipped):
    assert [f.part_id for f in shipped] == [f"BB-{i:04d}" for i in range(1, 13)]


def test_sample_label_mix(shipped):
    labels = [f.label for f in shipped]
    assert (labels.count("good"), set(labels)) == (6, {"good", "scratch", "pit", "stain"})


def test_defective_frames_have_a_nonempty_mask(shipped):
    assert all(f.defect_mask.any() for f in shipped if f.label != "good")


def test_good_frames_have_an_empty_mask(shipped):
    assert not any(f.defect_mask.any() for f in shipped if f.label == "good")


def test_regenerated_frames_equal_the_shipped_ones(shipped):
    fresh = gen.make_frames()
    assert all(
        np.array_equal(a.image, b.image)
        and np.array_equal(a.defect_mask, b.defect_mask)
        and a.meta() == b.meta()
        for a, b in zip(fresh, shipped, strict=True)
    )


def test_generator_writes_a_readable_session(tmp_path):
    out = gen.write_session(tmp_path / "regen.mcap")
    assert len(SessionReader(out)) == 12


def test_replay_reads_all_frames_then_ends():
    with ReplayCamera(SAMPLE) as cam:
        assert len(list(cam)) == 12


def test_replay_raises_end_of_stream():
    with ReplayCamera(SAMPLE + "?start=11") as cam:
        cam.read()
        with pytest.raises(EndOfStream):
            cam.read()


def test_start_skips_frames():
    with ReplayCamera(SAMPLE + "?start=5") as cam:
        assert cam.read().index == 5


def test_start_past_the_end_is_malformed():
    with pytest.raises(MalformedURIError, match="12 frames"):
        ReplayCamera(SAMPLE + "?start=12")


def test_loop_wraps_around():
    with ReplayCamera(SAMPLE + "?loop=1&start=11") as cam:
        assert [cam.read().index for _ in range(3)] == [11, 0, 1]


def test_unknown_parameter_is_malformed():
    with pytest.raises(MalformedURIError, match="speed"):
        ReplayCamera(SAMPLE + "?speed=2")


def test_missing_session_lists_shipped_sessions():
    with pytest.raises(SessionError, match="shipped sessions: .*orientation/sample"):
        ReplayCamera("replay://orientation/nope")


def test_absolute_path(session_path):
    with ReplayCamera(f"replay://{session_path}") as cam:
        assert len(list(cam)) == 3


def test_relative_path(session_path, monkeypatch):
    monkeypatch.chdir(session_path.parent)
    with ReplayCamera("replay://three.mcap") as cam:
        assert cam.read().index == 0


def test_frame_source_is_the_replay_uri(session_path):
    with ReplayCamera(f"replay://{session_path}") as cam:
        frame = cam.read()
    assert (frame.source, frame.extra["recorded_source"]) == (
        f"replay://{session_path}", "test://synthetic"
    )


def test_exposure_request_is_recorded_as_unhonoured():
    with ReplayCamera(SAMPLE) as cam:
        cam.set("ExposureTime", 1200)
        assert cam.read().extra["unhonoured"] == {"ExposureTime": 1200.0}


def test_exposure_get_reports_the_recorded_value():
    with ReplayCamera(SAMPLE) as cam:
        cam.set("ExposureTime", 1200)
        assert cam.get("ExposureTime") == 800.0


def test_pixel_format_is_honoured():
    with ReplayCamera(SAMPLE) as cam:
        cam.set("PixelFormat", "BGR8")
        assert cam.read().image.shape == (480, 640, 3)


def test_replayed_pixels_equal_the_session(shipped):
    with ReplayCamera(SAMPLE) as cam:
        assert np.array_equal(cam.read().image, shipped[0].image)
