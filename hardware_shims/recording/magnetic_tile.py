"""The magnetic-tile set (Huang et al., 2020) on this machine, split the way its figures need.

Each tile is photographed under up to six lights (`exp1`..`exp6`, consecutive frame numbers), so
a sample is a tile, not an image: every split here is by tile, or the same tile would sit in the
fitting and the test images and the figure would be too good.

    tiles = load_tiles()                  # None where no copy is on this machine
    parts = split_by_tile(tiles, {"good": {"train": 0.8, "test": 0.2},
                                  "defective": {"train": 0.8, "test": 0.2}}, seed=0)
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np

from ..frame import Frame

NAME = "magnetic-tile"
#: Unit 05's protocol: a model fitted on good tiles, tuned on validation, reported on test.
FIT_VALIDATION_TEST = {"good": {"fit": 0.6, "validation": 0.2, "test": 0.2},
                       "defective": {"validation": 0.5, "test": 0.5}}
_NUMBER = re.compile(r"num_(\d+)")
_LIGHT = re.compile(r"exp(\d+)")
_NEW_SERIES = 3000  # frame numbers further apart than this are another photo series


def load_tiles(limit: int | None = None, progress: bool | None = False) -> list[Frame] | None:
    """Every image of the local copy as frames (label = defect type or "good", `defect_mask`),
    imported into a temporary session; at most `limit`, dealt evenly across labels. None when
    this machine has no copy (`microfab data fetch magnetic-tile` downloads one)."""
    from .datasets import local_copy
    from .importers import import_dataset
    from .session import SessionReader

    root = local_copy(NAME)
    if root is None:
        return None
    session = Path(tempfile.mkdtemp(prefix="microfab-tiles-")) / f"{NAME}.mcap"
    import_dataset("image-mask", root, session, progress=progress, limit=limit)
    return list(SessionReader(session).frames())


def physical_tile(frames: Sequence[Frame]) -> dict[str, int]:
    """frame part_id -> tile number: a new tile starts where the light index stops rising."""
    def number(frame: Frame) -> int:
        return int(_NUMBER.search(frame.part_id).group(1))

    tile, previous, found = -1, None, {}
    for frame in sorted(frames, key=number):
        n, light = number(frame), int(_LIGHT.search(frame.part_id).group(1))
        if previous is None or n - previous[0] > _NEW_SERIES or light <= previous[1]:
            tile += 1
        found[frame.part_id], previous = tile, (n, light)
    return found


def split_by_tile(frames: Sequence[Frame],
                  shares: Mapping[str, Mapping[str, float]] = FIT_VALIDATION_TEST,
                  seed: int = 0) -> dict[str, list[Frame]]:
    """Deal whole tiles into named parts, per label, with a seeded shuffle. `shares` gives the
    fractions for "good" and for "defective" (every defect type alike); a part named in only one
    of them gets no tiles of the other."""
    tile = physical_tile(frames)
    names = list(dict.fromkeys([*shares["good"], *shares["defective"]]))
    parts: dict[str, list[Frame]] = {name: [] for name in names}
    for label in sorted({f.label for f in frames}):
        share = shares["good" if label == "good" else "defective"]
        if abs(sum(share.values()) - 1.0) > 1e-9:
            raise ValueError(f"the shares for {label!r} add up to {sum(share.values())}, not 1")
        ids = np.random.default_rng(seed).permutation(
            sorted({tile[f.part_id] for f in frames if f.label == label}))
        cuts = np.cumsum([0.0, *share.values()])
        for name, a, b in zip(share, cuts[:-1], cuts[1:], strict=True):
            chosen = set(ids[round(a * len(ids)): round(b * len(ids))].tolist())
            parts[name] += [f for f in frames if f.label == label and tile[f.part_id] in chosen]
    return parts
