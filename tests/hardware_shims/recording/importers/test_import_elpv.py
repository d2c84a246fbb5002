import importlib.util

import pytest

from hardware_shims import SessionReader
from hardware_shims.recording.datasets import DATA_HUB
from hardware_shims.recording.importers import ImportProblems, import_dataset

needs_elpv = pytest.mark.skipif(importlib.util.find_spec("elpv_dataset") is None,
                                reason="elpv-dataset is not installed (pip install elpv-dataset)")


def test_probability_at_or_above_half_is_defective(elpv_root, tmp_path):
    out = tmp_path / "e.mcap"
    import_dataset("elpv", elpv_root, out, progress=False)
    labels = {f.part_id: f.label for f in SessionReader(out).frames()}
    assert labels == {"cell0001": "defective", "cell0002": "good", "cell0003": "good",
                      "cell0004": "defective"}


def test_probability_and_cell_type_stay_in_extra(elpv_root, tmp_path):
    out = tmp_path / "e.mcap"
    import_dataset("elpv", elpv_root, out, progress=False)
    first = next(SessionReader(out).frames())
    assert first.extra == {"dataset": "elpv", "defect_probability": 1.0, "cell_type": "mono"}
    assert first.source == "images/cell0001.png" and first.defect_mask is None


def test_the_session_carries_the_licence_and_citation(elpv_root, tmp_path):
    out = tmp_path / "e.mcap"
    report = import_dataset("elpv", elpv_root, out, progress=False)
    meta = SessionReader(out).metadata
    assert meta["licence"] == report.licence == DATA_HUB["elpv"].licence
    assert "CC BY-NC-SA 4.0" in meta["licence"] and "Deitsch" in meta["citation"]


def test_a_malformed_labels_line_is_reported_with_its_line_number(elpv_root, tmp_path):
    with open(elpv_root / "labels.csv", "a") as f:
        f.write("images/cell0005.png  maybe  mono\n")
    with pytest.raises(ImportProblems, match="labels.csv:5"):
        import_dataset("elpv", elpv_root, tmp_path / "e.mcap", progress=False)


@needs_elpv
def test_the_installed_package_imports_without_a_folder(tmp_path):
    out = tmp_path / "elpv.mcap"
    report = import_dataset("elpv", None, out, progress=False, limit=10)
    assert report.counts == {"defective": 5, "good": 5}
    frame = next(SessionReader(out).frames())
    assert frame.image.shape == (300, 300) and frame.extra["cell_type"] in ("mono", "poly")
