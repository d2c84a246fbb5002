import cv2
import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, LayoutError, import_dataset


def imported(root, out, **kwargs):
    report = import_dataset("voc", root, out, progress=False, **kwargs)
    return report, {f.part_id: f for f in SessionReader(out).frames()}


def test_label_is_the_object_class_and_no_object_means_good(voc_root, tmp_path):
    report, frames = imported(voc_root, tmp_path / "s.mcap")
    assert {k: f.label for k, f in frames.items()} == {
        "crack_1": "crack", "mixed_2": "patches", "good_3": "good"}
    assert report.counts == {"crack": 1, "good": 1, "patches": 1}


def test_several_classes_keep_the_first_as_label_and_all_in_extra(voc_root, tmp_path):
    _, frames = imported(voc_root, tmp_path / "s.mcap")
    assert frames["mixed_2"].extra["classes"] == ["patches", "crack"]
    assert "classes" not in frames["crack_1"].extra


def test_boxes_are_kept_as_xmin_ymin_xmax_ymax_class(voc_root, tmp_path):
    _, frames = imported(voc_root, tmp_path / "s.mcap")
    assert frames["crack_1"].extra["boxes"] == [[11, 6, 20, 10, "crack"]]
    assert frames["good_3"].extra["boxes"] == []


def test_the_mask_is_the_union_of_the_boxes_in_1_based_pixels(voc_root, tmp_path):
    _, frames = imported(voc_root, tmp_path / "s.mcap")
    expected = np.zeros((40, 56), np.uint8)
    expected[0:5, 0:5] = 255
    expected[29:40, 49:56] = 255
    np.testing.assert_array_equal(frames["mixed_2"].defect_mask, expected)
    assert not frames["good_3"].defect_mask.any()


def test_pixels_and_sources_match_the_jpegimages_files(voc_root, tmp_path):
    _, frames = imported(voc_root, tmp_path / "s.mcap")
    for stem, frame in frames.items():
        assert frame.source == f"JPEGImages/{stem}.png"
        original = cv2.imread(str(voc_root / frame.source), cv2.IMREAD_UNCHANGED)
        np.testing.assert_array_equal(frame.image, original)


def test_imagesets_choose_the_images_and_name_their_split(voc_root, tmp_path):
    sets = voc_root / "ImageSets/Main"
    sets.mkdir(parents=True)
    (sets / "train.txt").write_text("crack_1\ngood_3\n")
    (sets / "val.txt").write_text("good_3\n")
    _, frames = imported(voc_root, tmp_path / "s.mcap")
    assert sorted(frames) == ["crack_1", "good_3"]
    assert frames["good_3"].extra["splits"] == ["train", "val"]


def test_an_image_without_annotation_is_refused(voc_root, make, tmp_path):
    make.write(voc_root / "JPEGImages/lonely_4.png", make.texture(7))
    with pytest.raises(ImportProblems, match="JPEGImages/lonely_4.png: no annotation"):
        imported(voc_root, tmp_path / "s.mcap")
    assert not (tmp_path / "s.mcap").exists()


def test_a_box_outside_the_image_is_refused(voc_root, make, tmp_path):
    make.voc_annotation(voc_root, "crack_1", [(40, 30, 70, 39, "crack")])
    with pytest.raises(ImportProblems, match=r"crack_1.png: box \[40, 30, 70, 39\]"):
        imported(voc_root, tmp_path / "s.mcap")


def test_an_annotated_size_unlike_the_image_is_refused(voc_root, make, tmp_path):
    make.voc_annotation(voc_root, "good_3", [], size=(100, 80))
    with pytest.raises(ImportProblems, match="is 100x80 px but JPEGImages/good_3.png is 56x40"):
        imported(voc_root, tmp_path / "s.mcap")


def test_a_malformed_annotation_is_refused(voc_root, tmp_path):
    (voc_root / "Annotations/good_3.xml").write_text("<annotation><object>")
    with pytest.raises(ImportProblems, match="Annotations/good_3.xml: cannot parse"):
        imported(voc_root, tmp_path / "s.mcap")


def test_skip_bad_imports_the_well_annotated_images(voc_root, tmp_path):
    (voc_root / "Annotations/good_3.xml").write_text("<annotation><object>")
    with pytest.warns(UserWarning, match="good_3.xml"):
        report, frames = imported(voc_root, tmp_path / "s.mcap", skip_bad=True)
    assert sorted(frames) == ["crack_1", "mixed_2"] and len(report.skipped) == 1


def test_images_outside_jpegimages_are_a_mixed_layout(voc_root, make, tmp_path):
    make.write(voc_root / "crack/extra.png", make.texture(8))
    with pytest.raises(ImportProblems, match="crack/extra.png: an image outside JPEGImages"):
        imported(voc_root, tmp_path / "s.mcap")


def test_a_folder_that_is_not_voc_says_what_is_missing(class_folder_root, tmp_path):
    found = r"no JPEGImages or Annotations/ here \(found: Dent/, good/\)"
    with pytest.raises(LayoutError, match=found):
        imported(class_folder_root, tmp_path / "s.mcap")
