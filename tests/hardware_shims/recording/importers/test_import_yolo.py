"""YOLO detection boxes and segmentation polygons become per-image defect masks."""

import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import ImportProblems, LayoutError, import_dataset
from hardware_shims.recording.importers.yolo import label_path

SHAPE = (40, 56)  # height, width: x fractions are of 56 px, y fractions of 40 px


def yolo_set(root, make, images="images/{split}", labels="labels/{split}",
             names="names: [crack, dent]\n", names_file="data.yaml"):
    """train: a crack box, a dent polygon, an empty label file; val: an unlabelled image."""
    def put(split, stem, lines):
        make.write(root / images.format(split=split) / f"{stem}.png", make.texture(len(stem)))
        if lines is not None:
            path = root / labels.format(split=split) / f"{stem}.txt"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("".join(f"{line}\n" for line in lines))

    put("train", "box", ["0 0.5 0.5 0.25 0.5"])
    put("train", "poly", ["1 0.25 0.25 0.75 0.25 0.75 0.75 0.25 0.75"])
    put("train", "empty", [])
    put("val", "nolabel", None)
    if names_file:
        (root / names_file).parent.mkdir(parents=True, exist_ok=True)
        (root / names_file).write_text(names)
    return root


def imported(root, out, **kwargs):
    report = import_dataset("yolo", root, out, progress=False, **kwargs)
    return report, {f.part_id: f for f in SessionReader(out).frames()}


def test_labels_come_from_data_yaml_and_unlabelled_images_are_good(tmp_path, make):
    report, frames = imported(yolo_set(tmp_path / "y", make), tmp_path / "s.mcap")
    assert {k: f.label for k, f in frames.items()} == {
        "box": "crack", "poly": "dent", "empty": "good", "nolabel": "good"}
    assert report.counts == {"crack": 1, "dent": 1, "good": 2}
    assert "class names: from data.yaml (2 classes: crack, dent)" in str(report)


def test_a_box_is_filled_as_its_rectangle(tmp_path, make):
    _, frames = imported(yolo_set(tmp_path / "y", make), tmp_path / "s.mcap")
    expected = np.zeros(SHAPE, np.uint8)
    expected[10:30, 21:35] = 255  # cx 28 px, w 14 px; cy 20 px, h 20 px
    np.testing.assert_array_equal(frames["box"].defect_mask, expected)
    assert frames["box"].extra["objects"] == [{"class": "crack", "box": [0.5, 0.5, 0.25, 0.5]}]


def test_a_polygon_is_filled(tmp_path, make):
    _, frames = imported(yolo_set(tmp_path / "y", make), tmp_path / "s.mcap")
    mask = frames["poly"].defect_mask
    ys, xs = np.nonzero(mask)
    # Vertices (14, 10) to (42, 30), edges included, as Ultralytics' polygon2mask draws them.
    assert (ys.min(), ys.max(), xs.min(), xs.max()) == (10, 30, 14, 42)
    assert mask[10:31, 14:43].all() and mask.sum() == 255 * 21 * 29
    assert frames["poly"].extra["objects"][0]["class"] == "dent"


def test_a_triangle_fills_its_inside_only(tmp_path, make):
    root = yolo_set(tmp_path / "y", make)
    (root / "labels/train/poly.txt").write_text("1 0 0 1 0 0 1\n")  # the upper-left half
    _, frames = imported(root, tmp_path / "s.mcap")
    mask = frames["poly"].defect_mask
    assert mask[2, 2] == 255 and mask[37, 53] == 0


def test_good_parts_have_an_empty_mask(tmp_path, make):
    _, frames = imported(yolo_set(tmp_path / "y", make), tmp_path / "s.mcap")
    for part in ("empty", "nolabel"):
        assert frames[part].defect_mask.shape == SHAPE and not frames[part].defect_mask.any()


def test_the_split_is_kept_in_extra(tmp_path, make):
    _, frames = imported(yolo_set(tmp_path / "y", make), tmp_path / "s.mcap")
    assert frames["box"].extra["split"] == "train" and frames["nolabel"].extra["split"] == "val"


def test_split_folders_holding_images_and_labels_work_too(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, images="{split}/images", labels="{split}/labels")
    report, frames = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"crack": 1, "dent": 1, "good": 2}
    assert frames["box"].source == "train/images/box.png"


def test_images_and_labels_without_splits_work_too(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, images="images", labels="labels")
    report, _ = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"crack": 1, "dent": 1, "good": 2}


def test_classes_txt_names_the_classes_when_there_is_no_data_yaml(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, names="crack\ndent\n", names_file="labels/classes.txt")
    report, _ = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"crack": 1, "dent": 1, "good": 2}
    assert "from labels/classes.txt" in str(report)


def test_data_yaml_may_map_ids_to_names(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, names="nc: 2\nnames:\n  0: scratch\n  1: pit\n")
    report, _ = imported(root, tmp_path / "s.mcap")
    assert report.counts == {"scratch": 1, "pit": 1, "good": 2}


def test_a_class_id_with_no_name_is_refused_naming_the_file_and_the_names_file(tmp_path,
                                                                              make):
    root = yolo_set(tmp_path / "y", make)
    (root / "labels/train/box.txt").write_text("0 0.5 0.5 0.1 0.1\n7 0.5 0.5 0.1 0.1\n")
    with pytest.raises(ImportProblems) as caught:
        imported(root, tmp_path / "s.mcap")
    (problem,) = caught.value.problems
    assert problem.path == "labels/train/box.txt" and problem.kind == "unknown class id"
    assert "labels/train/box.txt line 2" in problem.reason
    assert "class id 7 has no name in data.yaml (it names ids 0-1)" in problem.reason


@pytest.mark.parametrize("line, words", [
    ("0 0.5 0.5 0.1", "4 numbers"),
    ("0 0.5 0.5 0.1 0.1 0.9", "six numbers, like a prediction"),
    ("0 0.1 0.1 0.2 0.2 0.3 0.3 0.4", "8 numbers"),
    ("crack 0.5 0.5 0.1 0.1", "not all numbers"),
    ("0 28 20 14 20", "coordinates outside 0..1"),
    ("1.5 0.5 0.5 0.1 0.1", "class id 1.5 is not a whole number"),
])
def test_a_malformed_line_is_refused_naming_file_and_line(tmp_path, make, line, words):
    root = yolo_set(tmp_path / "y", make)
    (root / "labels/train/box.txt").write_text(f"\n{line}\n")
    with pytest.raises(ImportProblems) as caught:
        imported(root, tmp_path / "s.mcap")
    message = str(caught.value)
    assert f"labels/train/box.txt line 2 ({line!r})" in message and words in message
    assert not (tmp_path / "s.mcap").exists()


def test_skip_bad_imports_the_rest_and_counts_the_bad_label_file(tmp_path, make):
    root = yolo_set(tmp_path / "y", make)
    (root / "labels/train/box.txt").write_text("0 0.5\n")
    with pytest.warns(UserWarning, match="labels/train/box.txt"):
        report, frames = imported(root, tmp_path / "s.mcap", skip_bad=True)
    assert "box" not in frames and report.frames == 3
    assert report.ignored == []  # the image of the bad label file is counted once, as skipped


def test_a_label_file_without_its_image_is_refused(tmp_path, make):
    root = yolo_set(tmp_path / "y", make)
    (root / "labels/train/ghost.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    with pytest.raises(ImportProblems, match="labels/train/ghost.txt: a label file with no"):
        imported(root, tmp_path / "s.mcap")


def test_no_names_file_is_a_layout_error(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, names_file="")
    with pytest.raises(LayoutError, match="no data.yaml or classes.txt in .* names the classes"):
        imported(root, tmp_path / "s.mcap")


def test_no_images_folder_is_a_layout_error_saying_what_is_expected(tmp_path, make):
    root = tmp_path / "sorted"
    make.write(root / "good/a.png", make.texture(1))
    (root / "data.yaml").write_text("names: [a, b]\n")
    with pytest.raises(LayoutError, match="no images/ folder .* expected images/ and labels/"):
        imported(root, tmp_path / "s.mcap")


def test_names_and_nc_that_disagree_are_a_layout_error(tmp_path, make):
    root = yolo_set(tmp_path / "y", make, names="nc: 3\nnames: [crack, dent]\n")
    with pytest.raises(LayoutError, match="data.yaml says nc: 3 but names 2 classes"):
        imported(root, tmp_path / "s.mcap")


def test_an_image_outside_images_is_a_mixed_layout(tmp_path, make):
    root = yolo_set(tmp_path / "y", make)
    make.write(root / "extra/stray.png", make.texture(9))
    with pytest.raises(ImportProblems, match="extra/stray.png: an image outside any images/"):
        imported(root, tmp_path / "s.mcap")


@pytest.mark.parametrize("image, label", [
    ("images/train/a.jpg", "labels/train/a.txt"),
    ("train/images/a.png", "train/labels/a.txt"),
    ("images/x/images/a.png", "images/x/labels/a.txt"),  # the last images/ (Ultralytics)
])
def test_label_path_replaces_the_last_images_folder(image, label):
    assert label_path(image) == label
