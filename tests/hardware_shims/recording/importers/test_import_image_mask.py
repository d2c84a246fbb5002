import math

import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader, open_camera
from hardware_shims.recording.importers import import_dataset


def frames_by_source(path):
    return {f.source: f for f in SessionReader(path).frames()}


@pytest.fixture
def imported(image_mask_root, tmp_path):
    out = tmp_path / "tiles.mcap"
    report = import_dataset("image-mask", image_mask_root, out, progress=False)
    return image_mask_root, report, frames_by_source(out)


def test_pixels_equal_the_original_files(imported):
    root, _, frames = imported
    for source, frame in frames.items():
        original = cv2.imread(str(root / source), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(frame.image, original, err_msg=source)


def test_masks_equal_the_original_masks_binarised_to_0_255(imported):
    root, _, frames = imported
    for source, frame in frames.items():
        raw = cv2.imread(str(root / frame.extra["mask_source"]), cv2.IMREAD_GRAYSCALE)
        expected = np.where(raw >= 128 if raw.max() > 1 else raw > 0, 255, 0).astype(np.uint8)
        np.testing.assert_array_equal(frame.defect_mask, expected, err_msg=source)


def test_grey_mask_edges_split_at_half_and_0_1_masks_are_scaled(imported):
    _, _, frames = imported
    crack = frames["MT_Crack/Imgs/c1.jpg"].defect_mask
    assert crack[9, 20] == 0 and crack[20, 20] == 255 and crack[15, 20] == 255
    assert frames["MT_Crack/Imgs/c2.jpg"].defect_mask[15, 20] == 255


def test_labels_come_from_the_class_folder(imported):
    _, _, frames = imported
    labels = {source: f.label for source, f in frames.items()}
    assert labels == {"MT_Crack/Imgs/c1.jpg": "crack", "MT_Crack/Imgs/c2.jpg": "crack",
                      "MT_Free/Imgs/f1.jpg": "good", "good/images/g1.png": "good",
                      "Scratch/s1.bmp": "scratch"}


def test_every_frame_says_where_it_came_from_and_that_acquisition_is_unknown(imported):
    _, _, frames = imported
    for source, frame in frames.items():
        assert frame.part_id == source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        assert frame.extra["dataset"] == "tiles"
        assert frame.light == "unknown"
        assert math.isnan(frame.exposure_us) and math.isnan(frame.gain_db)


def test_report_counts_frames_per_label_and_times_the_import(imported, tmp_path):
    _, report, _ = imported
    assert report.counts == {"crack": 2, "good": 2, "scratch": 1}
    assert report.frames == 5 and report.skipped == [] and report.elapsed_s > 0
    assert report.out == tmp_path / "tiles.mcap"


def test_session_metadata_records_the_data_set_and_counts(imported, tmp_path):
    meta = SessionReader(tmp_path / "tiles.mcap").metadata
    assert meta["dataset"] == "tiles" and meta["layout"] == "image-mask"
    assert meta["label_counts"] == {"crack": 2, "good": 2, "scratch": 1}
    assert meta["skipped"] == []


def test_the_session_replays_as_a_camera(imported, tmp_path):
    with open_camera(f"replay://{(tmp_path / 'tiles.mcap').resolve()}") as camera:
        assert sum(1 for _ in camera) == 5


def test_limit_deals_images_evenly_across_labels(image_mask_root, tmp_path):
    report = import_dataset("image-mask", image_mask_root, tmp_path / "s.mcap",
                            progress=False, limit=3)
    assert report.counts == {"crack": 1, "good": 1, "scratch": 1}


def test_without_class_folders_the_mask_decides_defect_or_good(tmp_path, make):
    root = tmp_path / "flat"
    make.write(root / "images/a.png", make.texture(1))
    make.write(root / "masks/a.png", make.box_mask())
    make.write(root / "images/b.png", make.texture(2))
    make.write(root / "masks/b.png", np.zeros((40, 56), np.uint8))
    report = import_dataset("image-mask", root, tmp_path / "flat.mcap", progress=False)
    assert report.counts == {"defect": 1, "good": 1}


def test_exclude_leaves_out_matching_files(image_mask_root, tmp_path):
    report = import_dataset("image-mask", image_mask_root, tmp_path / "s.mcap",
                            progress=False, exclude=["Scratch/*"])
    assert "scratch" not in report.counts
