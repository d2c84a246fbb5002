"""Image formats are told by content: magic bytes decide, file names never do."""

import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, import_dataset
from hardware_shims.recording.importers.formats import describe, looks_cut_off, sniff

GREY = np.random.default_rng(0).integers(0, 256, (10, 12), dtype=np.uint8)


@pytest.mark.parametrize("ext, fmt", [(".png", "PNG"), (".jpg", "JPEG"), (".bmp", "BMP"),
                                      (".tiff", "TIFF"), (".pgm", "PNM"), (".webp", "WEBP")])
def test_each_format_is_known_by_its_first_bytes(ext, fmt):
    ok, encoded = cv2.imencode(ext, GREY)
    assert ok and sniff(encoded.tobytes()[:32]) == fmt


@pytest.mark.parametrize("start, words", [
    (b"", "empty (0 bytes)"),
    (b"version https://git-lfs.github.com/spec/v1\noid", "Git LFS pointer"),
    (b"<!DOCTYPE html><html><body>Not Found", "HTML"),
    (b"PK\x03\x04\x14\x00", "ZIP archive"),
    (b"GIF89a\x01\x00", "GIF image"),
    (b"crack 0.5 0.5\n", "text: 'crack 0.5 0.5'"),
    (b"\x00\x01\x02\x03\xfe\xfd\xfc\xfb", "00 01 02 03 fe fd fc fb"),
])
def test_a_file_that_is_no_image_is_described_by_its_bytes(start, words):
    assert sniff(start) is None and words in describe(start)


def test_a_cut_off_file_is_told_by_its_missing_end():
    png = cv2.imencode(".png", GREY)[1].tobytes()
    assert not looks_cut_off(png, "PNG") and looks_cut_off(png[:-20], "PNG")
    jpeg = cv2.imencode(".jpg", GREY)[1].tobytes()
    assert not looks_cut_off(jpeg, "JPEG") and looks_cut_off(jpeg[:-30], "JPEG")


def test_pngs_named_jpg_import_with_their_masks(tmp_path, make):
    """The reported data set: PNG files named .jpg were refused whole as 'truncated'."""
    root = tmp_path / "mislabelled"
    for folder, stem in (("MT_Crack", "c1"), ("MT_Free", "f1")):
        image = root / folder / f"{stem}.jpg"
        image.parent.mkdir(parents=True)
        image.write_bytes(cv2.imencode(".png", make.texture(1))[1].tobytes())
        make.write(root / folder / f"{stem}.png", make.box_mask())
    out = tmp_path / "s.mcap"
    report = import_dataset("image-mask", root, out, progress=False)
    assert report.counts == {"crack": 1, "good": 1} and report.skipped == []
    frame = next(SessionReader(out).frames())
    np.testing.assert_array_equal(frame.image, make.texture(1))


def test_a_jpeg_named_png_is_read_as_the_jpeg_it_is(tmp_path, make):
    root = tmp_path / "sorted"
    for folder in ("good", "dent"):
        path = root / folder / "a.png"
        path.parent.mkdir(parents=True)
        path.write_bytes(cv2.imencode(".jpg", make.texture(2))[1].tobytes())
    out = tmp_path / "s.mcap"
    assert import_dataset("class-folder", root, out, progress=False).frames == 2
    frame = next(SessionReader(out).frames())
    expected = cv2.imdecode(np.fromfile(root / "good/a.png", np.uint8), cv2.IMREAD_UNCHANGED)
    np.testing.assert_array_equal(frame.image, expected)


def test_a_text_file_named_like_an_image_is_refused_saying_what_it_is(class_folder_root,
                                                                      tmp_path):
    (class_folder_root / "Dent/pointer.png").write_bytes(
        b"version https://git-lfs.github.com/spec/v1\noid sha256:abc\nsize 12\n")
    with pytest.raises(ImportProblems) as caught:
        import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap", progress=False)
    (problem,) = caught.value.problems
    assert problem.path == "Dent/pointer.png" and problem.kind == "not an image"
    assert "Dent/pointer.png is not an image" in problem.reason
    assert "Git LFS pointer" in problem.reason


def test_a_truncated_png_is_refused_as_truncated(class_folder_root, tmp_path):
    path = class_folder_root / "good/a.png"
    path.write_bytes(path.read_bytes()[:-30])
    with pytest.raises(ImportProblems, match="good/a.png is a truncated PNG file"):
        import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap", progress=False)


def test_an_image_under_any_name_is_found_by_content(class_folder_root, tmp_path, make):
    """A PNG named .dat is an image of its class, not a file passed over."""
    path = class_folder_root / "good/c.dat"
    path.write_bytes(cv2.imencode(".png", make.texture(5))[1].tobytes())
    report = import_dataset("class-folder", class_folder_root, tmp_path / "s.mcap",
                            progress=False)
    assert report.counts["good"] == 3
