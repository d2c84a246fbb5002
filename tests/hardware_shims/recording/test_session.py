import json

import numpy as np
import pytest
from mcap.reader import make_reader

from hardware_shims.errors import SessionError
from hardware_shims.frame import Frame
from hardware_shims.recording.session import SessionReader, SessionWriter


def _same(a: Frame, b: Frame) -> bool:
    masks_equal = (a.defect_mask is None and b.defect_mask is None) or (
        a.defect_mask is not None
        and b.defect_mask is not None
        and np.array_equal(a.defect_mask, b.defect_mask)
    )
    return (
        a.image.dtype == b.image.dtype
        and np.array_equal(a.image, b.image)
        and masks_equal
        and a.meta() == b.meta()
    )


def test_frames_round_trip_exactly(session_path, make_frame):
    expected = [make_frame(0), make_frame(1, color=True, mask=False), make_frame(2)]
    frames = list(SessionReader(session_path).frames())
    assert all(_same(a, b) for a, b in zip(expected, frames, strict=True))


def test_timestamp_round_trips_bit_exact(session_path, make_frame):
    frame = next(SessionReader(session_path).frames())
    assert frame.timestamp_s == make_frame(0).timestamp_s


def test_unknown_exposure_round_trips_as_nan(tmp_path, make_frame):
    frame = make_frame(0)
    frame.exposure_us = float("nan")
    with SessionWriter(tmp_path / "s.mcap") as w:
        w.write_frame(frame)
    assert np.isnan(next(SessionReader(tmp_path / "s.mcap").frames()).exposure_us)


def test_len_counts_frames(session_path):
    assert len(SessionReader(session_path)) == 3


def test_session_metadata_round_trips(session_path):
    meta = SessionReader(session_path).metadata
    assert meta == {
        "format_version": 2, "created_by": "microfab", "frame_count": 3, "line": "L3"
    }


def test_events_round_trip(session_path):
    events = list(SessionReader(session_path).events("/trigger"))
    assert [(e.timestamp_s, e.payload) for e in events] == [(0.05, {"encoder": 1024})]


def test_unknown_event_channel_lists_the_channels(session_path):
    with pytest.raises(SessionError, match="it has: /trigger"):
        list(SessionReader(session_path).events("/encoder"))


def test_event_on_a_frame_topic_is_refused(tmp_path):
    with SessionWriter(tmp_path / "s.mcap") as w, pytest.raises(ValueError, match="reserved"):
        w.write_event("/camera/image", {}, 0.0)


def test_reserved_metadata_key_is_refused(tmp_path):
    with pytest.raises(ValueError, match="frame_count"):
        SessionWriter(tmp_path / "s.mcap", metadata={"frame_count": 9})


def test_non_json_metadata_fails_at_open(tmp_path):
    with pytest.raises(TypeError, match="session metadata"):
        SessionWriter(tmp_path / "s.mcap", metadata={"when": object()})


def test_images_use_the_foxglove_raw_image_protobuf_schema(session_path):
    from foxglove_schemas_protobuf.RawImage_pb2 import RawImage

    with open(session_path, "rb") as f:
        schema, channel, message = next(
            make_reader(f).iter_messages(topics=["/camera/image"])
        )
    image = RawImage.FromString(message.data)
    assert (schema.name, schema.encoding, channel.message_encoding) == (
        "foxglove.RawImage", "protobuf", "protobuf"
    )
    assert image.encoding in {"mono8", "bgr8"} and len(image.data) == image.height * image.step


def test_masks_are_on_the_labels_topic(session_path):
    with open(session_path, "rb") as f:
        count = sum(1 for _ in make_reader(f).iter_messages(topics=["/labels/defect_mask"]))
    assert count == 2


def test_meta_topic_uses_frame_meta_schema(session_path):
    with open(session_path, "rb") as f:
        schema, _, _ = next(make_reader(f).iter_messages(topics=["/camera/meta"]))
    assert schema.name == "microfab.FrameMeta"


def test_writer_finishes_the_file_when_the_block_raises(tmp_path, make_frame):
    path = tmp_path / "s.mcap"
    with pytest.raises(RuntimeError), SessionWriter(path) as w:
        w.write_frame(make_frame(0))
        raise RuntimeError("operator pressed stop")
    assert len(SessionReader(path)) == 1


def test_missing_file_names_the_file(tmp_path):
    with pytest.raises(SessionError, match="nothere.mcap"):
        SessionReader(tmp_path / "nothere.mcap")


def test_truncated_file_names_the_file(session_path):
    data = session_path.read_bytes()
    session_path.write_bytes(data[: len(data) // 2])
    with pytest.raises(SessionError, match="three.mcap is corrupt or truncated"):
        SessionReader(session_path)


def test_file_cut_just_before_the_end_marker_is_truncated(session_path):
    session_path.write_bytes(session_path.read_bytes()[:-1])
    with pytest.raises(SessionError, match="truncated"):
        SessionReader(session_path)


def test_corrupt_bytes_are_reported(session_path):
    data = bytearray(session_path.read_bytes())
    middle = len(data) // 3
    data[middle : middle + 64] = bytes(64)
    session_path.write_bytes(bytes(data))
    with pytest.raises(SessionError, match="three.mcap"):
        list(SessionReader(session_path).frames())


def test_non_mcap_file_is_reported(tmp_path):
    path = tmp_path / "notes.mcap"
    path.write_text("not a session")
    with pytest.raises(SessionError, match="notes.mcap"):
        SessionReader(path)


def test_frame_rejects_float_images():
    with pytest.raises(ValueError, match="uint8"):
        Frame(image=np.zeros((4, 4), np.float32))


def test_frame_rejects_mask_of_other_size():
    with pytest.raises(ValueError, match="shape"):
        Frame(image=np.zeros((4, 4), np.uint8), defect_mask=np.zeros((4, 5), np.uint8))


def test_frame_rejects_mask_of_zero_one():
    with pytest.raises(ValueError, match="0 and 255"):
        Frame(image=np.zeros((4, 4), np.uint8), defect_mask=np.ones((4, 4), np.uint8))


def test_frame_meta_has_no_arrays(make_frame):
    meta = make_frame(0).meta()
    assert json.loads(json.dumps(meta, allow_nan=False)) == meta
