"""The course's ELPV split is fixed, stratified and disjoint; symmetries keep the cell."""
import numpy as np
import pytest

from hardware_shims.recording.elpv_cells import (
    SHARES,
    Cells,
    cell_symmetry,
    load_cells,
    split_parts,
)


def _labels(seed=1):
    rng = np.random.default_rng(seed)
    probability = rng.choice([0.0, 1 / 3, 2 / 3, 1.0], 1000, p=[0.55, 0.12, 0.05, 0.28])
    cell_type = rng.choice(["mono", "poly"], 1000)
    return probability, cell_type


def test_every_stratum_is_dealt_by_the_shares():
    probability, cell_type = _labels()
    part = split_parts(probability, cell_type)
    assert set(part) == set(SHARES)
    for kind in ("mono", "poly"):
        for p in np.unique(probability):
            stratum = part[(cell_type == kind) & (probability == p)]
            for name, share in SHARES.items():
                # each stratum is cut by rounding, so each part is within one cell of its share
                assert abs(np.sum(stratum == name) - share * len(stratum)) <= 1


def test_the_split_repeats_and_depends_on_the_seed():
    probability, cell_type = _labels()
    first = split_parts(probability, cell_type)
    assert np.array_equal(first, split_parts(probability, cell_type))
    assert not np.array_equal(first, split_parts(probability, cell_type, seed=1))


def test_shares_that_do_not_add_up_are_refused():
    probability, cell_type = _labels()
    with pytest.raises(ValueError, match="add up"):
        split_parts(probability, cell_type, {"train": 0.5, "test": 0.4})


def test_a_symmetry_changes_the_array_but_not_the_cell():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (64, 8, 8), dtype=np.uint8)
    turned = cell_symmetry(images, seed=3)
    assert np.array_equal(turned, cell_symmetry(images, seed=3))
    symmetries = [np.rot90(images[0], k) for k in range(4)]
    symmetries += [s[:, ::-1] for s in symmetries]
    assert any(np.array_equal(turned[0], s) for s in symmetries)
    changed = np.mean([not np.array_equal(a, b) for a, b in zip(images, turned, strict=True)])
    assert changed > 0.6  # seven of the eight symmetries move a random image
    assert np.array_equal(np.sort(turned, axis=None), np.sort(images, axis=None))


def test_take_keeps_the_fields_together():
    cells = Cells(np.arange(4 * 4).reshape(4, 2, 2).astype(np.uint8),
                  np.array([0, 1, 2 / 3, 1 / 3]), np.array(["mono", "poly", "poly", "mono"]),
                  np.array(["train"] * 4), np.arange(4))
    poly = cells.take(cells.cell_type == "poly")
    assert list(poly.index) == [1, 2]
    assert list(poly.defective) == [True, True]
    assert len(poly) == 2


def test_the_installed_set_loads_by_part():
    pytest.importorskip("elpv_dataset", reason="elpv-dataset (the data extra) not installed")
    held_back = load_cells(32, parts=("held-back",), limit=40)
    assert held_back.images.shape[1:] == (32, 32)
    assert set(held_back.part) == {"held-back"}
    every = load_cells(32, parts=("train", "test"), limit=30)
    assert set(every.part) == {"train", "test"}
    assert not set(every.index) & set(held_back.index)
    assert set(every.cell_type) == {"mono", "poly"}


def test_the_cache_is_written_once_and_then_read(tmp_path, monkeypatch):
    pytest.importorskip("elpv_dataset", reason="elpv-dataset (the data extra) not installed")
    monkeypatch.setenv("MICROFAB_DATA", str(tmp_path))
    first = load_cells(16, parts=("validation",))
    cached = list(tmp_path.rglob("*.npz"))
    assert [p.name for p in cached] == ["cells-16px.npz"]
    again = load_cells(16, parts=("validation",))
    assert np.array_equal(first.images, again.images)
    assert np.array_equal(first.index, again.index)
