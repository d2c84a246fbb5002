"""The covers' own texture: brushing streaks on aluminium, waviness and dust on glass."""

import numpy as np
import pytest

from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part, texture
from hardware_shims.twin.distributions import Poisson, Uniform
from hardware_shims.uri import parse_uri

PATCH = (slice(520, 680), slice(250, 550))  # flat cover, clear of the cut-out and the logo


def render(query: str, index: int = 0):
    return render_part(station_config(parse_uri(f"sim://backboard-station?{query}")), index)


def _without(monkeypatch, material: str, name: str, distribution, query: str):
    """(frame, the same frame without one texture): same seed, same noise, same defect."""
    textured = render(query)
    table = dict(texture.TEXTURES[material], **{name: distribution})
    monkeypatch.setitem(texture.TEXTURES, material, table)
    return textured, render(query)


def test_brushing_streaks_run_along_the_brushing_direction(monkeypatch):
    query = "material=aluminium&light=dark-field&defect_rate=0&seed=2"
    streaked, plain = _without(monkeypatch, "aluminium", "streaks", Uniform(0, 0), query)
    streaks = streaked.image.astype(float)[PATCH] - plain.image.astype(float)[PATCH]
    assert streaks.std() > 0.5, "brushing streaks should change the dark-field image"
    # averaged along the brushing (the rows) the streaks stay; averaged across, they cancel
    along = streaks.mean(axis=1).std()
    across = streaks.mean(axis=0).std()
    assert along > 5 * across, f"streak profile {along:.2f} along, {across:.2f} across"


def test_streak_strength_is_drawn_per_part():
    strengths = {render("material=aluminium&defect_rate=0&seed=2&width=320&height=240",
                        index).extra["texture"]["streaks"] for index in range(5)}
    table = texture.TEXTURES["aluminium"]["streaks"]
    assert len(strengths) == 5 and all(table.low <= s <= table.high for s in strengths)


def test_glass_waviness_is_a_faint_smooth_change_of_the_reflection(monkeypatch):
    query = "material=glass&light=bright-field&defect_rate=0&seed=3"
    wavy, flat = _without(monkeypatch, "glass", "waviness", Uniform(0, 0), query)
    wave = wavy.image.astype(float)[PATCH] - flat.image.astype(float)[PATCH]
    relative = wave.std() / flat.image[PATCH].mean()
    assert 0.0005 < relative < 0.02, f"waviness changes the glass by {100 * relative:.2f} %"
    smooth = np.abs(np.diff(wave, axis=0)).mean()
    assert smooth < 0.5 * wave.std() + 0.6, "waviness is smooth, not pixel noise"


def test_dust_scatters_under_dark_field_and_is_no_defect(monkeypatch):
    query = "material=glass&light=dark-field&defect_rate=0&seed=4"
    monkeypatch.setitem(texture.TEXTURES, "glass",
                        dict(texture.TEXTURES["glass"], dust_count=Poisson(300),
                             dust_um=Uniform(40, 60)))
    dusty = render(query)
    monkeypatch.setitem(texture.TEXTURES, "glass",
                        dict(texture.TEXTURES["glass"], dust_count=Poisson(0)))
    clean = render(query)
    specks = (dusty.image.astype(int) - clean.image.astype(int)) > 10
    assert specks.sum() > 100 and dusty.label == "good" and not dusty.defect_mask.any()


def test_texture_tiles_are_made_once_per_station_and_reused():
    texture.streak_tile.cache_clear()
    for index in range(4):
        render("material=aluminium&defect_rate=0&seed=5&width=320&height=240", index)
    info = texture.streak_tile.cache_info()
    assert info.misses == 1 and info.hits == 3


@pytest.mark.parametrize("material", ["glass", "aluminium"])
def test_texture_is_recorded_with_the_frame(material):
    frame = render(f"material={material}&defect_rate=0&seed=1&width=320&height=240")
    assert frame.extra["texture"] and frame.extra["material"] == material
