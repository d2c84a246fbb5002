"""Defects are drawn from their stated distributions, keep their size in mm, and stay seeded."""

import re
from pathlib import Path

import numpy as np
import pytest

import hardware_shims.twin as twin
from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part
from hardware_shims.twin.defects import DEFECT_TYPES, DISTRIBUTIONS, sample_defect
from hardware_shims.twin.distributions import Choice, Uniform
from hardware_shims.twin.target import POSE
from hardware_shims.twin.texture import TEXTURES
from hardware_shims.uri import parse_uri

SIZE_PARAM = {"scratch": "length_mm", "pit": "diameter_mm", "stain": "length_mm",
              "edge-chip": "radius_mm", "print-offset": "offset_mm", "rough-patch": "length_mm"}


def render(query: str, index: int = 0):
    return render_part(station_config(parse_uri(f"sim://backboard-station?{query}")), index)


def _in(value, distribution) -> bool:
    if isinstance(distribution, Uniform):
        return distribution.low <= value <= distribution.high
    if isinstance(distribution, Choice):
        return value in distribution.values
    return True


@pytest.mark.parametrize("kind", DEFECT_TYPES)
def test_every_parameter_lies_in_its_stated_distribution(kind):
    table = DISTRIBUTIONS[kind]
    for seed in range(200):
        defect = sample_defect(kind, np.random.default_rng(seed),
                               np.random.default_rng([seed, 1]), contrast_min=0.3)
        size = defect.size_mm / 2 if kind == "edge-chip" else defect.size_mm
        assert _in(size, table[SIZE_PARAM[kind]]), (kind, defect.size_mm)
        for name, value in defect.params.items():
            if name == "contrast":
                assert 0.3 <= value <= 1.0
            elif name in table and kind != "print-offset":  # its offset_mm is (dx, dy)
                assert _in(value, table[name]), (kind, name, value)


def test_the_looks_stream_leaves_type_size_and_place_as_the_seed_always_drew_them():
    for kind in set(DEFECT_TYPES) - {"print-offset"}:  # a shifted print has no looks
        plain = sample_defect(kind, np.random.default_rng(5))
        looked = sample_defect(kind, np.random.default_rng(5), np.random.default_rng([5, 1]))
        assert (plain.size_mm, plain.centre_mm) == (looked.size_mm, looked.centre_mm)
        assert "contrast" in looked.params and "contrast" not in plain.params


def test_same_station_and_index_give_the_same_pixels_for_every_type():
    for kind in DEFECT_TYPES:
        query = f"defects={kind}&defect_rate=1&seed=9&width=640&height=480&material=aluminium"
        a, b = render(query, 3), render(query, 3)
        assert np.array_equal(a.image, b.image) and np.array_equal(a.defect_mask, b.defect_mask)
        assert a.extra["defects"] == b.extra["defects"]


def test_contrast_min_makes_defects_fainter_but_keeps_their_place():
    query = "defects=scratch&defect_rate=1&seed=11&light=dark-field"
    faint = render(f"{query}&contrast_min=0&material=glass", 0)
    fresh = render(f"{query}&contrast_min=1&material=glass", 0)
    assert np.array_equal(faint.defect_mask, fresh.defect_mask)
    inside = fresh.defect_mask > 0
    assert faint.image[inside].mean() < fresh.image[inside].mean()


def test_rough_patch_is_opt_in_and_scatters_under_dark_field():
    assert "rough-patch" not in station_config(parse_uri("sim://backboard-station")).defects
    frame = render("defects=rough-patch&defect_rate=1&seed=4&light=dark-field", 0)
    assert frame.label == "rough-patch"
    inside = frame.defect_mask > 0
    assert frame.image[inside].mean() > 3 * np.median(frame.image[frame.height // 2])


def test_the_twin_readme_states_every_distribution():
    readme = (Path(twin.__file__).parent / "README.md").read_text()
    tables = {**DISTRIBUTIONS, **TEXTURES, "checkerboard": POSE}
    for kind, table in tables.items():
        for name, distribution in table.items():
            row = rf"\*{{0,2}}`{name}`\*{{0,2}} \| {re.escape(str(distribution))} \|"
            assert re.search(row, readme), f"README.md lacks {kind} {name}: {distribution}"
