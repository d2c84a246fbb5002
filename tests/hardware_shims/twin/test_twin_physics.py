"""Physics sanity of the digital twin: each test can fail if the renderer's optics are wrong."""

import numpy as np
import pytest

from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part
from hardware_shims.uri import parse_uri


def render(query: str, index: int = 0):
    return render_part(station_config(parse_uri(f"sim://backboard-station?{query}")), index)


def _ring(mask: np.ndarray, gap: int = 3, width: int = 6) -> np.ndarray:
    import cv2

    inner = cv2.dilate(mask, np.ones((2 * gap + 1,) * 2, np.uint8))
    outer = cv2.dilate(mask, np.ones((2 * (gap + width) + 1,) * 2, np.uint8))
    return (outer > 0) & (inner == 0)


def _contrast(frame) -> tuple[float, float]:
    """(Weber contrast, contrast-to-noise ratio) of the defect against the cover around it."""
    mask = frame.defect_mask
    inside = frame.image[mask > 0].astype(float)
    around = frame.image[_ring(mask)].astype(float)
    delta = abs(inside.mean() - around.mean())
    return delta / max(around.mean(), 1.0), delta / max(around.std(), 0.5)


def _first(query: str, label: str):
    for index in range(40):
        frame = render(query, index)
        if frame.label == label:
            return index
    raise AssertionError(f"no {label} in 40 parts")


def test_same_seed_same_pixels_and_another_seed_differs():
    a, b = render("seed=4&width=320&height=240"), render("seed=4&width=320&height=240")
    c = render("seed=5&width=320&height=240")
    assert np.array_equal(a.image, b.image) and np.array_equal(a.defect_mask, b.defect_mask)
    assert not np.array_equal(a.image, c.image)


def test_scratch_contrast_is_higher_under_dark_field_than_bright_field():
    query = "defects=scratch&defect_rate=1&seed=11"
    index = _first(query, "scratch")
    dark, _ = _contrast(render(f"{query}&light=dark-field", index))
    bright, _ = _contrast(render(f"{query}&light=bright-field", index))
    assert dark > bright > 0.05


def test_a_stain_invisible_under_dark_field_is_visible_under_bright_field():
    query = "defects=stain&defect_rate=1&seed=2"
    index = _first(query, "stain")
    _, cnr_dark = _contrast(render(f"{query}&light=dark-field", index))
    _, cnr_bright = _contrast(render(f"{query}&light=bright-field", index))
    assert cnr_dark < 1.5, "a flat oil film should not scatter into a dark-field camera"
    assert cnr_bright > 5


def test_pit_darkens_coaxial_light():
    query = "defects=pit&defect_rate=1&seed=3&light=coaxial"
    frame = render(query, _first(query, "pit"))
    inside = frame.image[frame.defect_mask > 0].mean()
    assert inside < 0.7 * frame.image[_ring(frame.defect_mask)].mean()


def _cover_length_px(frame) -> float:
    rows = frame.image[frame.height // 2 - 20: frame.height // 2 + 20]
    bright = rows > (rows.max() + rows.min()) / 2
    return float(np.median(bright.sum(axis=1)))


def test_halving_the_field_of_view_halves_mm_per_px():
    wide = render("fov_mm=360&defect_rate=0&seed=1")
    narrow = render("fov_mm=180&defect_rate=0&seed=1")
    assert narrow.extra["mm_per_px"] == pytest.approx(wide.extra["mm_per_px"] / 2)
    # the cover (150 mm long, minus the dark cut-out band) looks twice as long in pixels
    assert _cover_length_px(narrow) == pytest.approx(2 * _cover_length_px(wide), rel=0.03)


def _rise_px(frame) -> float:
    """Median 10-90 % rise of the cover's left edge along rows through its lower half."""
    image = frame.image.astype(float)
    rows = image[frame.height // 2 + 40: frame.height // 2 + 120, : frame.width // 3]
    widths = []
    for row in rows:
        low, high = np.percentile(row[:40], 50), np.percentile(row[-80:], 50)
        level10, level90 = low + 0.1 * (high - low), low + 0.9 * (high - low)
        first10 = np.argmax(row > level10)
        first90 = np.argmax(row > level90)
        widths.append(first90 - first10)
    return float(np.median(widths))


def test_motion_blur_length_is_speed_times_exposure_over_mm_per_px():
    base = "defect_rate=0&seed=1&exposure_us=1000&light=bright-field"
    still = render(f"{base}&speed_mm_s=0")
    moving = render(f"{base}&speed_mm_s=2800")
    expected_px = 2800 * 1000e-6 / moving.extra["mm_per_px"]
    assert moving.extra["motion_blur_px"] == pytest.approx(expected_px)
    # a box blur of length L rises from 10 % to 90 % over 0.8 L; a still edge within ~3 px
    assert _rise_px(still) <= 3
    assert _rise_px(moving) == pytest.approx(0.8 * expected_px, abs=1.5)


def test_longer_exposure_brightens_until_saturation():
    dim = render("exposure_us=400&defect_rate=0").image
    bright = render("exposure_us=800&defect_rate=0").image
    saturated = render("exposure_us=4000&defect_rate=0").image
    cover = bright > 100
    assert bright[cover].mean() == pytest.approx(2 * dim[cover].mean(), rel=0.06)
    assert (saturated[cover] == 255).mean() > 0.9


def test_gain_amplifies_noise_along_with_signal():
    low = render("gain_db=0&exposure_us=200&defect_rate=0").image.astype(float)
    high = render("gain_db=12&exposure_us=200&defect_rate=0").image.astype(float)
    patch = (slice(600, 700), slice(300, 500))
    assert high[patch].std() > 3 * low[patch].std()


def test_brushed_aluminium_grain_is_periodic_across_the_brushing():
    frame = render("material=aluminium&light=low-angle&defect_rate=0&seed=1")
    column = frame.image[400:600, 640].astype(float)
    spectrum = np.abs(np.fft.rfft(column - column.mean()))
    peak = np.argmax(spectrum[1:]) + 1
    period_px = len(column) / peak
    assert period_px * frame.extra["mm_per_px"] == pytest.approx(0.8, rel=0.1)


def test_every_defect_type_has_a_mask_and_a_size_in_mm():
    for kind in ("scratch", "pit", "stain", "edge-chip", "print-offset"):
        query = f"defects={kind}&defect_rate=1&seed=7"
        frame = render(query, _first(query, kind))
        assert frame.defect_mask.any(), kind
        record = frame.extra["defects"][0]
        assert record["type"] == kind and record["size_mm"] > 0 and record["bbox_px"]


def test_a_defect_outside_a_narrow_field_of_view_is_not_in_the_ground_truth():
    for index in range(20):
        frame = render("fov_mm=40&defect_rate=1&seed=3", index)
        assert (frame.label == "good") == (not frame.defect_mask.any())
        if frame.extra["defects_outside_view"]:
            assert frame.label == "good" and frame.extra["defects"] == []
