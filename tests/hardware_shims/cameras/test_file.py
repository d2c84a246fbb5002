import cv2
import numpy as np
import pytest

from hardware_shims.cameras.file import FileCamera
from hardware_shims.errors import EndOfStream, SessionError


@pytest.fixture
def image_dir(tmp_path):
    folder = tmp_path / "shots"
    folder.mkdir()
    for i in (2, 0, 1):
        cv2.imwrite(str(folder / f"BB-{i:04d}.png"), np.full((24, 32), 10 * i, np.uint8))
    (folder / "notes.txt").write_text("not an image")
    return folder


def test_folder_is_read_in_name_order(image_dir):
    with FileCamera(f"file://{image_dir}") as cam:
        assert [f.part_id for f in cam] == ["BB-0000", "BB-0001", "BB-0002"]


def test_pixels_are_read_exactly(image_dir):
    with FileCamera(f"file://{image_dir}") as cam:
        cam.read()
        assert np.array_equal(cam.read().image, np.full((24, 32), 10, np.uint8))


def test_glob_selects_files(image_dir):
    with FileCamera(f"file://{image_dir}/BB-000[12].png") as cam:
        assert len(list(cam)) == 2


def test_end_of_stream_after_last_image(image_dir):
    with FileCamera(f"file://{image_dir}/BB-0000.png") as cam:
        cam.read()
        with pytest.raises(EndOfStream):
            cam.read()


def test_loop_restarts(image_dir):
    with FileCamera(f"file://{image_dir}?loop=1") as cam:
        assert [cam.read().part_id for _ in range(4)][-1] == "BB-0000"


def test_pixel_format_conversion_is_honoured(image_dir):
    with FileCamera(f"file://{image_dir}") as cam:
        cam.set("PixelFormat", "BGR8")
        assert cam.read().image.shape == (24, 32, 3)


def test_video_file_frames(tmp_path):
    path = tmp_path / "clip.avi"
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 10, (32, 24))
    for i in range(5):
        writer.write(np.full((24, 32, 3), 40 * i, np.uint8))
    writer.release()
    with FileCamera(f"file://{path}") as cam:
        assert len(list(cam)) == 5


def test_unreadable_image_names_the_file(tmp_path):
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with FileCamera(f"file://{tmp_path}") as cam, pytest.raises(
        SessionError, match="broken.png"
    ):
        cam.read()


def test_empty_folder_is_reported(tmp_path):
    with pytest.raises(SessionError, match="no image files"):
        FileCamera(f"file://{tmp_path}")


def test_missing_image_is_reported(tmp_path):
    with pytest.raises(SessionError, match="missing.png"):
        FileCamera(f"file://{tmp_path}/missing.png")


def test_missing_video_is_reported(tmp_path):
    with pytest.raises(SessionError, match="gone.mp4"):
        FileCamera(f"file://{tmp_path}/gone.mp4")


def test_exposure_is_unknown_for_image_files(image_dir):
    with FileCamera(f"file://{image_dir}") as cam:
        assert np.isnan(cam.read().exposure_us)
