"""The one-screen summary: images, labels per class, what was not imported and why, licence."""

from contextlib import nullcontext

import numpy as np
import pytest

from hardware_shims.recording.importers import import_dataset
from hardware_shims.recording.importers.licence import find_licence


def report_of(root, tmp_path, **kwargs):
    with pytest.warns(UserWarning) if kwargs.get("skip_bad") else nullcontext():
        return import_dataset("image-mask", root, tmp_path / "s.mcap", progress=False,
                              **kwargs)


def test_it_counts_images_and_labels(image_mask_root, tmp_path):
    text = str(report_of(image_mask_root, tmp_path))
    assert text.startswith("imported 5 images of tiles (image-mask) into")
    assert "labels:\n  crack" in text and "pixels: BGR8 1, Mono8 4" in text


def test_skipped_items_are_grouped_with_counts_examples_and_a_reason(image_mask_root, make,
                                                                     tmp_path):
    for stem in ("c1", "c2"):
        (image_mask_root / f"MT_Crack/Imgs/{stem}.png").unlink()
    make.write(image_mask_root / "MT_Free/Imgs/f1.png", np.zeros((30, 56), np.uint8))
    text = str(report_of(image_mask_root, tmp_path, skip_bad=True))
    assert "not imported: 3 item(s)" in text
    group = next(line for line in text.splitlines() if line.lstrip().startswith("no mask"))
    assert group.split()[-3:] == ["2", "MT_Crack/Imgs/c1.jpg,", "MT_Crack/Imgs/c2.jpg"]
    assert "      e.g. MT_Crack/Imgs/c1.jpg: no mask for this image" in text
    assert "mask size (skipped, bad)" in text


def test_a_group_shows_a_few_examples_then_an_ellipsis(tmp_path, make):
    root = tmp_path / "tiles"
    make.write(root / "images/a.png", make.texture(1))
    make.write(root / "masks/a.png", make.box_mask())
    for i in range(5):
        (root / f"notes{i}.dat").write_text("x")
    text = str(report_of(root, tmp_path))
    assert "file the image-mask layout does not use" in text
    assert "5  notes0.dat, notes1.dat, notes2.dat, ..." in text


def test_left_out_by_limit_is_counted(image_mask_root, tmp_path):
    report = report_of(image_mask_root, tmp_path, limit=3)
    assert len(report.left_out) == 2 and "left out by --limit" in str(report)


def test_a_licence_file_is_shown_by_its_first_lines(image_mask_root, tmp_path):
    (image_mask_root / "LICENSE.txt").write_text(
        "\nCreative Commons Attribution 4.0 International\n\nYou are free to share\n")
    text = str(report_of(image_mask_root, tmp_path))
    assert "licence: LICENSE.txt: Creative Commons Attribution 4.0 International / You are " \
           "free to share" in text
    assert "licence or readme" in text  # counted among the files not imported


def test_a_readme_that_mentions_a_licence_is_quoted(tmp_path):
    (tmp_path / "README.md").write_text("# Tiles\nPhotos of tiles.\n\n## Licence\n"
                                        "Released under CC BY-NC 4.0.\n")
    note = find_licence(tmp_path)
    assert note is not None and note.file == "README.md"
    assert note.lines == ("Licence", "Released under CC BY-NC 4.0.")


def test_a_readme_without_a_licence_is_not_one(tmp_path):
    (tmp_path / "README.md").write_text("Photos of tiles. Please cite our paper.\n")
    assert find_licence(tmp_path) is None


def test_without_a_licence_the_summary_says_to_check_the_terms(image_mask_root, tmp_path):
    assert "licence: none found" in str(report_of(image_mask_root, tmp_path))
