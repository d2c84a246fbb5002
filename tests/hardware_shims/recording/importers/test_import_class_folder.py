import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, import_dataset


def imported(root, out, **kwargs):
    report = import_dataset("class-folder", root, out, progress=False, **kwargs)
    return report, {f.source: f for f in SessionReader(out).frames()}


def test_labels_are_the_class_folder_names_as_written(class_folder_root, tmp_path):
    report, frames = imported(class_folder_root, tmp_path / "s.mcap")
    assert {s: f.label for s, f in frames.items()} == {
        "good/a.png": "good", "good/b.png": "good", "Dent/c.png": "Dent",
        "Dent/batch2/d.png": "Dent"}
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
