"""The real magnetic-tile data set (../shared/data/magnetic-tile), when this machine has it."""

from pathlib import Path

import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import import_dataset

ROOT = Path(__file__).resolve().parents[4].parent / "shared" / "data" / "magnetic-tile"
LABELS = {"blowhole", "break", "crack", "fray", "uneven", "good"}

pytestmark = pytest.mark.skipif(
    not ROOT.is_dir(), reason=f"magnetic-tile data set not found at {ROOT} (not shipped with "
    "the project; fetch it with `microfab data fetch magnetic-tile`)")


@pytest.fixture(scope="module")
def frames(tmp_path_factory):
    out = tmp_path_factory.mktemp("mt") / "tiles.mcap"
    report = import_dataset("image-mask", ROOT, out, progress=False, limit=36)
    return report, list(SessionReader(out).frames())


def test_a_limited_import_holds_six_of_each_class(frames):
    report, _ = frames
    assert report.counts == {label: 6 for label in LABELS} and report.skipped == []


def test_labels_match_the_mt_folders(frames):
    _, imported = frames
    for frame in imported:
        folder = frame.source.split("/")[0]
        assert frame.label == ("good" if folder == "MT_Free" else folder[3:].lower())


def test_masks_equal_the_png_ground_truth(frames):
    _, imported = frames
    for frame in imported:
        png = cv2.imread(str(ROOT / frame.source[:-4]) + ".png", cv2.IMREAD_GRAYSCALE)
        np.testing.assert_array_equal(frame.defect_mask, np.where(png >= 128, 255, 0),
                                      err_msg=frame.source)


def test_pixels_equal_the_jpgs(frames):
    _, imported = frames
    for frame in imported:
        jpg = cv2.imread(str(ROOT / frame.source), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(frame.image, jpg, err_msg=frame.source)


def test_defect_classes_have_defect_pixels_and_free_tiles_none(frames):
    _, imported = frames
    for frame in imported:
        assert frame.defect_mask.any() == (frame.label != "good"), frame.source


def test_greyscale_tiles_stay_mono8(frames):
    report, imported = frames
    assert report.pixel_formats == {"Mono8": 36}
    assert all(frame.image.ndim == 2 for frame in imported)


def test_the_summary_counts_what_was_left_out_and_finds_no_licence(frames):
    report, _ = frames
    text = str(report)
    assert "left out by --limit" in text and f"{len(report.left_out)}" in text
    assert len(report.left_out) == 1344 - 36
    assert [p.path for p in report.ignored] == ["README.md"]
    assert "licence: none found" in text  # its README asks for a citation, names no licence
