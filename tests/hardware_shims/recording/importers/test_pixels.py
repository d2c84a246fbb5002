"""Mono8 stays Mono8 (HxW), colour stays BGR8 (HxWx3); 16-bit by one stated rule."""

import io

import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import (
    SIXTEEN_BIT_RULE,
    ImportProblems,
    import_dataset,
)

GREY = np.random.default_rng(3).integers(0, 256, (40, 56), dtype=np.uint8)


def frames(root, tmp_path, **kwargs):
    out = tmp_path / "s.mcap"
    report = import_dataset("class-folder", root, out, progress=False, **kwargs)
    return report, {f.source: f for f in SessionReader(out).frames()}


def two_classes(root, name, data: bytes, make):
    """`data` as good/<name>, beside an ordinary dent image so the layout is valid."""
    (root / "good").mkdir(parents=True)
    (root / "good" / name).write_bytes(data)
    make.write(root / "dent/d.png", GREY)
    return root


@pytest.mark.parametrize("ext", [".png", ".jpg", ".bmp", ".tiff", ".pgm"])
def test_a_grey_file_comes_back_single_channel(ext, tmp_path, make):
    data = cv2.imencode(ext, GREY)[1].tobytes()
    _, imported = frames(two_classes(tmp_path / "d", f"a{ext}", data, make), tmp_path)
    image = imported[f"good/a{ext}"].image
    assert image.shape == (40, 56) and image.dtype == np.uint8


def test_grey_with_alpha_comes_back_single_channel_without_alpha(tmp_path, make):
    # OpenCV cannot write grey+alpha (LA); Pillow can, as some scanners' software does.
    image = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    image.fromarray(np.dstack([GREY, np.full_like(GREY, 200)])).save(buffer, "PNG")
    assert buffer.getvalue()[25] == 4  # IHDR colour type 4: grey + alpha
    _, imported = frames(two_classes(tmp_path / "d", "a.png", buffer.getvalue(), make),
                         tmp_path)
    np.testing.assert_array_equal(imported["good/a.png"].image, GREY)


def test_a_palette_of_greys_comes_back_single_channel(tmp_path, make):
    image = pytest.importorskip("PIL.Image")
    buffer = io.BytesIO()
    image.fromarray(GREY).convert("P").save(buffer, "PNG")
    assert buffer.getvalue()[25] == 3  # IHDR colour type 3: a palette (here of greys)
    _, imported = frames(two_classes(tmp_path / "d", "a.png", buffer.getvalue(), make),
                         tmp_path)
    assert imported["good/a.png"].image.ndim == 2


def test_colour_stays_three_channel_and_alpha_is_dropped(tmp_path, make):
    colour = np.random.default_rng(4).integers(0, 256, (40, 56, 4), dtype=np.uint8)
    data = cv2.imencode(".png", colour)[1].tobytes()
    _, imported = frames(two_classes(tmp_path / "d", "a.png", data, make), tmp_path)
    np.testing.assert_array_equal(imported["good/a.png"].image, colour[:, :, :3])


def test_a_colour_file_of_grey_pixels_stays_colour(tmp_path, make):
    """The stored format decides, not the pixels: a colour data set keeps one format."""
    data = cv2.imencode(".bmp", cv2.cvtColor(GREY, cv2.COLOR_GRAY2BGR))[1].tobytes()
    report, imported = frames(two_classes(tmp_path / "d", "a.bmp", data, make), tmp_path)
    assert imported["good/a.bmp"].image.shape == (40, 56, 3)
    assert report.pixel_formats == {"BGR8": 1, "Mono8": 1}


def test_sixteen_bit_keeps_the_top_eight_bits_and_says_so(tmp_path, make):
    deep = (GREY.astype(np.uint16) << 8) | 0x7F  # low byte noise must not survive
    data = cv2.imencode(".png", deep)[1].tobytes()
    report, imported = frames(two_classes(tmp_path / "d", "a.png", data, make), tmp_path)
    frame = imported["good/a.png"]
    np.testing.assert_array_equal(frame.image, GREY)
    assert frame.extra["converted"] == SIXTEEN_BIT_RULE == \
        "16-bit to 8-bit: value >> 8 (the top 8 bits)"
    assert report.converted == {SIXTEEN_BIT_RULE: 1}
    assert f"converted 1 image(s): {SIXTEEN_BIT_RULE}" in str(report)


def test_float_pixels_are_refused_naming_the_file(tmp_path, make):
    data = cv2.imencode(".tiff", GREY.astype(np.float32) / 255)[1].tobytes()
    with pytest.raises(ImportProblems, match="good/a.tiff has float32 pixels"):
        frames(two_classes(tmp_path / "d", "a.tiff", data, make), tmp_path)


def test_a_sixteen_bit_mask_of_0_255_is_read_as_its_values(tmp_path, make):
    root = tmp_path / "tiles"
    make.write(root / "images/a.png", GREY)
    make.write(root / "masks/a.png", make.box_mask().astype(np.uint16))
    out = tmp_path / "s.mcap"
    import_dataset("image-mask", root, out, progress=False)
    mask = next(SessionReader(out).frames()).defect_mask
    np.testing.assert_array_equal(mask, make.box_mask())
