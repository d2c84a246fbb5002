import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, LayoutError, import_dataset


def imported(root, out, **kwargs):
    report = import_dataset("class-folder", root, out, progress=False, **kwargs)
    return report, {f.source: f for f in SessionReader(out).frames()}


def test_labels_are_the_class_folder_names_as_written(class_folder_root, tmp_path):
    report, frames = imported(class_folder_root, tmp_path / "s.mcap")
    assert {s: f.label for s, f in frames.items()} == {
        "good/a.png": "good", "good/b.png": "good", "Dent/c.png": "Dent",
        "Dent/images/d.png": "Dent"}
    assert report.counts == {"Dent": 2, "good": 2}


def test_frames_have_no_mask_and_the_original_pixels(class_folder_root, tmp_path):
    _, frames = imported(class_folder_root, tmp_path / "s.mcap")
    for source, frame in frames.items():
        assert frame.defect_mask is None
        original = cv2.imread(str(class_folder_root / source), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(frame.image, original)


def test_a_loose_image_beside_the_class_folders_is_a_mixed_layout(class_folder_root, make,
                                                                  tmp_path):
    make.write(class_folder_root / "stray.png", make.texture(9))
    with pytest.raises(ImportProblems, match="stray.png: a loose image"):
        imported(class_folder_root, tmp_path / "s.mcap")
    assert not (tmp_path / "s.mcap").exists()


def test_skip_bad_leaves_the_loose_image_out(class_folder_root, make, tmp_path):
    make.write(class_folder_root / "stray.png", make.texture(9))
    with pytest.warns(UserWarning, match="stray.png"):
        report, frames = imported(class_folder_root, tmp_path / "s.mcap", skip_bad=True)
    assert "stray.png" not in frames and report.frames == 4


def test_masks_inside_class_folders_point_to_image_mask(class_folder_root, make, tmp_path):
    make.write(class_folder_root / "Dent/masks/c.png", make.box_mask())
    with pytest.raises(ImportProblems, match="Dent/masks/c.png: looks like a pixel mask"):
        imported(class_folder_root, tmp_path / "s.mcap")


def test_the_class_is_the_folder_directly_holding_the_images(tmp_path, make):
    """The reported data set: images/<class>/x.png came back labelled "images"."""
    root = tmp_path / "set"
    make.write(root / "images/good/a.png", make.texture(1))
    make.write(root / "images/scratch/b.png", make.texture(2))
    make.write(root / "images/scratch/c.png", make.texture(3))
    report, frames = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"good": 1, "scratch": 2}
    assert frames["images/good/a.png"].label == "good"


def test_split_folders_above_the_classes_are_merged_by_class(tmp_path, make):
    root = tmp_path / "set"
    for split in ("train", "val"):
        make.write(root / split / "good/a.png", make.texture(1))
        make.write(root / split / "dent/b.png", make.texture(2))
    report, _ = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"dent": 2, "good": 2}


def test_images_at_two_depths_are_ambiguous_and_the_error_names_the_folders(
        class_folder_root, make, tmp_path):
    make.write(class_folder_root / "Dent/batch2/d2.png", make.texture(6))
    with pytest.raises(LayoutError) as caught:
        imported(class_folder_root, tmp_path / "s.mcap")
    message = str(caught.value)
    assert "ambiguous: images sit in folders at different depths" in message
    assert "Dent/ (2 images), Dent/batch2/ (1 image), good/ (2 images)" in message
    assert "expected DIR/<class>/<image>" in message
    assert not (tmp_path / "s.mcap").exists()


def test_a_single_class_folder_is_ambiguous_and_named(tmp_path, make):
    root = tmp_path / "one"
    make.write(root / "good/a.png", make.texture(1))
    make.write(root / "good/b.png", make.texture(2))
    with pytest.raises(LayoutError, match=r"one class folder only, good/ \(2 images\).*"
                                          "expected DIR/<class>/<image>"):
        imported(root, tmp_path / "s.mcap")


def test_a_class_folder_given_as_the_root_says_to_give_the_folder_above(class_folder_root,
                                                                        tmp_path):
    with pytest.raises(LayoutError, match="all 2 images sit directly in the folder.*folder "
                                          "above it"):
        imported(class_folder_root / "good", tmp_path / "s.mcap")
