"""`elpv`: the ELPV solar-cell data set from its pip package (`pip install elpv-dataset`).

2,624 electroluminescence images (300x300, mono) of solar cells, each with an expert's
defect probability (0, 1/3, 2/3, 1) and the module type (mono / poly). Label "defective"
when the probability is >= 0.5, else "good"; both numbers stay in extra.
Licence CC BY-NC-SA 4.0: non-commercial use, cite the authors, share alike.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from ..datasets import DATA_HUB, elpv_data_dir
from .base import Importer, Item, LayoutError, Problem
from .files import read_image, rel

DEFECTIVE_AT = 0.5  # the threshold the ELPV authors use for a two-class benchmark
LABELS_FILE = "labels.csv"


class ElpvImporter(Importer):
    layout = "elpv"
    description = "ELPV solar cells from `pip install elpv-dataset`; no folder needed"
    needs_root = False
    licence = DATA_HUB["elpv"].licence
    citation = DATA_HUB["elpv"].citation

    @classmethod
    def default_root(cls) -> Path:
        return elpv_data_dir()

    def dataset_name(self) -> str:
        return "elpv"

    def scan(self) -> tuple[list[Item], list[Problem]]:
        labels = self.root / LABELS_FILE
        if not labels.is_file():
            raise LayoutError(f"no {LABELS_FILE} in {self.root}, so it is no ELPV folder; "
                              "reinstall with `pip install --force-reinstall elpv-dataset`")
        self.files()  # every file is accounted for: those labels.csv does not list are named
        self.used.add(labels)
        items, problems = [], []
        for n, line in enumerate(labels.read_text().splitlines(), start=1):
            if not line.strip():
                continue
            fields = line.split()
            try:
                path, probability, cell_type = fields[0], float(fields[1]), fields[2]
                if not 0.0 <= probability <= 1.0 or not math.isfinite(probability):
                    raise ValueError
            except (IndexError, ValueError):
                problems.append(Problem(f"{LABELS_FILE}:{n}", f"line {line.strip()!r} is not "
                                        "'images/NAME.png PROBABILITY TYPE'; fix or delete it",
                                        "bad label line"))
                continue
            image = self.root / path
            if not image.is_file():
                problems.append(Problem(rel(image, self.root), f"listed in {LABELS_FILE} line "
                                        f"{n} but missing; reinstall elpv-dataset",
                                        "missing image"))
                continue
            label = "defective" if probability >= DEFECTIVE_AT else "good"
            extra = {"defect_probability": probability, "cell_type": cell_type}
            items.append(Item(rel(image, self.root), label, {"image": image}, extra))
        return items, problems

    def load(self, item: Item) -> tuple[np.ndarray, None]:
        return read_image(item.paths["image"], self.root, item.extra), None
