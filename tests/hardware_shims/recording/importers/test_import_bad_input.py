"""Bad data sets: refused whole by default (nothing written), or skipped item by item."""

import numpy as np
import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.importers import (
    ImportProblems,
    LayoutError,
    SkippedItemsWarning,
    import_dataset,
)


def missing_mask(root, make):
    (root / "MT_Crack/Imgs/c2.png").unlink()
    return "MT_Crack/Imgs/c2.jpg", "no mask"


def size_mismatch(root, make):
    make.write(root / "MT_Crack/Imgs/c2.png", np.zeros((30, 56), np.uint8))
    return "MT_Crack/Imgs/c2.jpg", "MT_Crack/Imgs/c2.png is 56x30 px"


def corrupt_image(root, make):
    (root / "MT_Free/Imgs/f1.jpg").write_bytes(b"not a jpeg at all")
    return "MT_Free/Imgs/f1.jpg", "is not an image: its bytes are text: 'not a jpeg at all'"


def truncated_jpeg(root, make):
    path = root / "MT_Crack/Imgs/c1.jpg"
    path.write_bytes(path.read_bytes()[:400])
    return "MT_Crack/Imgs/c1.jpg", "truncated"


def corrupt_mask(root, make):
    (root / "good/masks/g1.png").write_bytes(b"\x89PNG garbage")
    return "good/images/g1.png", "good/masks/g1.png is not an image"


def mixed_layout(root, make):
    make.voc_annotation(root, "c1", [(1, 1, 5, 5, "crack")])
    return "Annotations/c1.xml", "layout voc"


def orphan_mask(root, make):
    (root / "MT_Free/Imgs/f1.jpg").unlink()
    return "MT_Free/Imgs/f1.png", "its image is missing"


CASES = [missing_mask, size_mismatch, corrupt_image, truncated_jpeg, corrupt_mask,
         mixed_layout, orphan_mask]


@pytest.fixture(params=CASES, ids=[c.__name__ for c in CASES])
def broken(request, image_mask_root, make):
    bad, words = request.param(image_mask_root, make)
    return image_mask_root, bad, words


def test_a_bad_item_refuses_the_import_naming_the_file(broken, tmp_path):
    root, bad, words = broken
    with pytest.raises(ImportProblems) as caught:
        import_dataset("image-mask", root, tmp_path / "out/s.mcap", progress=False)
    assert [p.path for p in caught.value.problems] == [bad]
    assert bad in str(caught.value) and words in str(caught.value)
    assert "skip_bad=True" in str(caught.value)


def test_a_refused_import_leaves_no_file_behind(broken, tmp_path):
    root, _, _ = broken
    with pytest.raises(ImportProblems):
        import_dataset("image-mask", root, tmp_path / "out/s.mcap", progress=False)
    assert not any((tmp_path / "out").iterdir())


def test_skip_bad_imports_the_rest_and_lists_the_bad_item(broken, tmp_path):
    root, bad, words = broken
    out = tmp_path / "s.mcap"
    with pytest.warns(SkippedItemsWarning, match=bad):
        report = import_dataset("image-mask", root, out, skip_bad=True, progress=False)
    assert [p.path for p in report.skipped] == [bad]
    skipped = SessionReader(out).metadata["skipped"]
    assert [s["path"] for s in skipped] == [bad] and words in skipped[0]["reason"]
    sources = {f.source for f in SessionReader(out).frames()}
    assert bad not in sources and len(sources) == report.frames >= 4


def test_every_problem_is_listed_not_just_the_first(image_mask_root, make, tmp_path):
    expected = sorted([missing_mask(image_mask_root, make)[0],
                       corrupt_image(image_mask_root, make)[0]])
    with pytest.raises(ImportProblems) as caught:
        import_dataset("image-mask", image_mask_root, tmp_path / "s.mcap", progress=False)
    assert [p.path for p in caught.value.problems] == expected


def test_a_refused_import_keeps_an_earlier_session_at_out(image_mask_root, make, tmp_path):
    out = tmp_path / "s.mcap"
    import_dataset("image-mask", image_mask_root, out, progress=False)
    before = out.read_bytes()
    missing_mask(image_mask_root, make)
    with pytest.raises(ImportProblems):
        import_dataset("image-mask", image_mask_root, out, progress=False)
    assert out.read_bytes() == before


def test_a_folder_with_no_images_is_refused(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(LayoutError, match="no images found"):
        import_dataset("image-mask", tmp_path / "empty", tmp_path / "s.mcap", progress=False)


def test_a_missing_folder_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="nowhere"):
        import_dataset("image-mask", tmp_path / "nowhere", tmp_path / "s.mcap")


def test_the_session_file_must_end_in_mcap(image_mask_root, tmp_path):
    with pytest.raises(ValueError, match=r"\.mcap"):
        import_dataset("image-mask", image_mask_root, tmp_path / "s.bag")


def test_an_unknown_layout_lists_the_known_ones(image_mask_root, tmp_path):
    with pytest.raises(ValueError, match="image-mask, class-folder, voc, yolo, elpv"):
        import_dataset("coco", image_mask_root, tmp_path / "s.mcap")
