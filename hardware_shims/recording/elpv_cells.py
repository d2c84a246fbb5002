"""The ELPV solar cells (Buerhop-Lutz et al., 2018; Deitsch et al., 2019) as arrays, split once.

2,624 electroluminescence (EL) images of single cells, 300 x 300 px, each with the experts'
defect probability (0, 1/3, 2/3 or 1) and its module type (mono or poly), from the pip package
`elpv-dataset` (licence CC BY-NC-SA 4.0: non-commercial use, cite the authors, share alike).

The split is the course's, fixed by seed 0 over the whole set and stratified by type and
probability, so a part is the same whatever subset a notebook loads:

    cells = load_cells(px=96, parts=("train", "validation"))   # None without the package
    cells.images, cells.defective, cells.cell_type

`held-back` is for the grader only: a lab's hidden tests read it, and feed its cells turned
and mirrored by the symmetries of a square cell (`cell_symmetry`), so that looking a public
image up fails where a model that learned defects does not.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .importers.elpv import DEFECTIVE_AT, LABELS_FILE

CELL_TYPES = ("mono", "poly")
#: The course's parts: train, validation (choices), test (the lesson's figures), held-back
#: (grading only).
SHARES = {"train": 0.5, "validation": 0.2, "test": 0.15, "held-back": 0.15}
SPLIT_SEED = 0
LICENCE = "CC BY-NC-SA 4.0 (non-commercial use, attribution, share alike)"


@dataclass(frozen=True)
class Cells:
    """Cells as parallel arrays: `images` (n, px, px) uint8 and one entry per cell elsewhere."""

    images: np.ndarray
    probability: np.ndarray  # the experts' defect probability: 0, 1/3, 2/3 or 1
    cell_type: np.ndarray  # "mono" or "poly"
    part: np.ndarray  # the course's part: train, validation, test or held-back
    index: np.ndarray  # the cell's row in the package's labels.csv

    @property
    def defective(self) -> np.ndarray:
        """True where the experts' probability is >= 0.5, the ELPV authors' two-class cut."""
        return self.probability >= DEFECTIVE_AT

    def __len__(self) -> int:
        return len(self.index)

    def take(self, which) -> Cells:
        """The cells at positions (or where a boolean mask is true) `which`."""
        return Cells(self.images[which], self.probability[which], self.cell_type[which],
                     self.part[which], self.index[which])


def data_dir() -> Path | None:
    """The package's images/ + labels.csv folder, or None where `elpv-dataset` is missing."""
    try:
        import elpv_dataset
    except ImportError:
        return None
    return Path(elpv_dataset.__file__).parent / "data"


def read_labels(root: Path) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(image paths, probabilities, types) in labels.csv order."""
    paths, probability, cell_type = [], [], []
    for line in (root / LABELS_FILE).read_text().splitlines():
        if line.strip():
            path, p, kind = line.split()[:3]
            paths.append(path)
            probability.append(float(p))
            cell_type.append(kind)
    return paths, np.array(probability), np.array(cell_type)


def split_parts(probability: np.ndarray, cell_type: np.ndarray,
                shares: dict[str, float] = SHARES, seed: int = SPLIT_SEED) -> np.ndarray:
    """The part name of every cell: within each (type, probability) stratum a seeded shuffle is
    dealt by `shares`, so each part keeps the set's mix of types and labels."""
    if abs(sum(shares.values()) - 1.0) > 1e-9:
        raise ValueError(f"the shares add up to {sum(shares.values())}, not 1")
    part = np.empty(len(probability), dtype=object)
    rng = np.random.default_rng(seed)
    cuts = np.cumsum([0.0, *shares.values()])
    for kind in sorted(set(cell_type.tolist())):
        for p in sorted(set(probability.tolist())):
            members = rng.permutation(np.flatnonzero((cell_type == kind) & (probability == p)))
            for name, a, b in zip(shares, cuts[:-1], cuts[1:], strict=True):
                part[members[round(a * len(members)): round(b * len(members))]] = name
    return part.astype(str)


def _cache_file(px: int) -> Path:
    base = os.environ.get("MICROFAB_DATA")
    root = Path(base) if base else Path.home() / ".cache" / "microfab" / "datasets"
    return root / "elpv-cells" / f"cells-{px}px.npz"


def _save(cache: Path, images: np.ndarray) -> None:
    """Write the cache atomically (a notebook beside may be reading it); a read-only home only
    costs the next load its seconds."""
    try:
        cache.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=cache.parent, suffix=".npz", delete=False) as out:
            np.savez(out, images=images)
        os.replace(out.name, cache)
    except OSError:
        pass


def _read(root: Path, paths: Sequence[str], px: int) -> np.ndarray:
    import cv2

    out = np.empty((len(paths), px, px), np.uint8)
    for i, path in enumerate(paths):
        image = cv2.imread(str(root / path), cv2.IMREAD_GRAYSCALE)
        if image is None:
            raise FileNotFoundError(f"{root / path} cannot be read: reinstall elpv-dataset")
        # area averaging keeps a thin dark crack as a fainter line instead of dropping it
        out[i] = image if image.shape == (px, px) else cv2.resize(
            image, (px, px), interpolation=cv2.INTER_AREA)
    return out


def load_cells(px: int = 96, parts: Sequence[str] | None = None, limit: int | None = None,
               seed: int = 0) -> Cells | None:
    """The cells of `parts` (all where None) resized to px x px, or None without the package.
    `limit`: at most that many cells per part, drawn with `seed` in proportion to each (type,
    probability) stratum. The whole set at a size is cached (about 0.1 MB per 1,000 px^2)."""
    root = data_dir()
    if root is None:
        return None
    paths, probability, cell_type = read_labels(root)
    part = split_parts(probability, cell_type)
    chosen = np.arange(len(paths)) if parts is None else np.flatnonzero(np.isin(part, parts))
    if limit is not None:
        rng = np.random.default_rng(seed)
        kept = []
        for name in sorted(set(part[chosen].tolist())):
            members = chosen[part[chosen] == name]
            share = min(1.0, limit / len(members))
            strata = zip(cell_type[members], probability[members], strict=True)
            for kind, p in sorted(set(strata)):
                stratum = members[(cell_type[members] == kind) & (probability[members] == p)]
                take = max(1, round(share * len(stratum)))
                kept.append(rng.choice(stratum, min(take, len(stratum)), replace=False))
        chosen = np.sort(np.concatenate(kept))
    cache = _cache_file(px)
    if cache.is_file():
        images = np.load(cache)["images"][chosen]
    elif limit is None:
        every = _read(root, paths, px)
        _save(cache, every)
        images = every[chosen]
    else:
        images = _read(root, [paths[i] for i in chosen], px)
    return Cells(images, probability[chosen], cell_type[chosen], part[chosen], chosen)


def cell_symmetry(images: np.ndarray, seed: int) -> np.ndarray:
    """Each image turned by a random multiple of 90 degrees and mirrored or not (the eight
    symmetries of a square cell), drawn with `seed`: the same cell, a different array."""
    rng = np.random.default_rng(seed)
    out = np.empty_like(images)
    for i, image in enumerate(images):
        turned = np.rot90(image, int(rng.integers(4)))
        out[i] = turned[:, ::-1] if rng.integers(2) else turned
    return out
