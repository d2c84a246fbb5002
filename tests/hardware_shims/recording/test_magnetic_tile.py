"""Splits of the magnetic-tile set are by tile: no tile's images straddle two parts."""
from pathlib import Path

import numpy as np
import pytest

from hardware_shims.frame import Frame
from hardware_shims.recording.magnetic_tile import (
    FIT_VALIDATION_TEST,
    load_tiles,
    physical_tile,
    split_by_tile,
)

SHARED = Path(__file__).resolve().parents[3].parent / "shared" / "data" / "magnetic-tile"


def _frame(part_id: str, label: str) -> Frame:
    return Frame(image=np.zeros((4, 4), np.uint8), index=0, timestamp_s=0.0, part_id=part_id,
                 label=label)


def _tiles(label: str, first: int, count: int, lights: int = 3) -> list[Frame]:
    """`count` tiles of `label`, each photographed under `lights` lights, numbered as the set is."""
    frames, n = [], first
    for _ in range(count):
        for light in range(1, lights + 1):
            frames.append(_frame(f"{label}/exp{light}_num_{n}", label))
            n += 1
    return frames


def test_a_tile_is_the_run_of_frames_whose_light_keeps_rising():
    frames = _tiles("good", 100, 4)
    tiles = physical_tile(frames)
    assert sorted(set(tiles.values())) == [0, 1, 2, 3]
    assert [tiles[f.part_id] for f in frames[:6]] == [0, 0, 0, 1, 1, 1]


def test_every_tile_lands_whole_in_one_part_and_the_shares_hold():
    frames = _tiles("good", 100, 50) + _tiles("MT_Crack", 9000, 20)
    parts = split_by_tile(frames, {"good": {"train": 0.8, "test": 0.2},
                                   "defective": {"train": 0.8, "test": 0.2}}, seed=3)
    tile = physical_tile(frames)
    train = {tile[f.part_id] for f in parts["train"]}
    test = {tile[f.part_id] for f in parts["test"]}
    assert not train & test
    assert len(parts["train"]) + len(parts["test"]) == len(frames)
    assert sum(f.label == "good" for f in parts["test"]) == 10 * 3  # 20 % of 50 tiles
    assert split_by_tile(frames, {"good": {"train": 0.8, "test": 0.2},
                                  "defective": {"train": 0.8, "test": 0.2}}, seed=3) == parts


def test_the_default_fits_on_good_tiles_only():
    frames = _tiles("good", 100, 10) + _tiles("MT_Blowhole", 9000, 10)
    parts = split_by_tile(frames, FIT_VALIDATION_TEST)
    assert {f.label for f in parts["fit"]} == {"good"}
    assert {f.label for f in parts["test"]} == {"good", "MT_Blowhole"}


def test_shares_that_do_not_add_up_are_refused_naming_the_label():
    with pytest.raises(ValueError, match="'good'"):
        split_by_tile(_tiles("good", 1, 3), {"good": {"a": 0.5, "b": 0.4}, "defective": {"a": 1}})


@pytest.mark.skipif(not SHARED.is_dir(), reason=f"magnetic-tile data set not found at {SHARED} "
                    "(not shipped; `microfab data fetch magnetic-tile` downloads it)")
def test_the_local_copy_loads_with_labels_and_masks():
    tiles = load_tiles(limit=24)
    assert tiles is not None and len(tiles) == 24
    assert "good" in {f.label for f in tiles} and len({f.label for f in tiles}) == 6
    assert all(f.defect_mask is not None and f.defect_mask.shape == f.image.shape[:2]
               for f in tiles)
