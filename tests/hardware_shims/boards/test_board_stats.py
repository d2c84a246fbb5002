import pytest

from hardware_shims.boards.results import LatencyStats


def _stats(samples_ms):
    return LatencyStats.from_samples(samples_ms, "measured", "cpu://")


def test_percentiles_are_ordered_for_skewed_samples():
    stats = _stats([1.0] * 90 + [5.0] * 9 + [40.0])
    assert stats.p50_ms <= stats.p90_ms <= stats.p99_ms <= stats.max_ms


def test_percentiles_of_known_samples():
    stats = _stats([float(v) for v in range(1, 101)])
    assert (stats.p50_ms, stats.p90_ms) == pytest.approx((50.5, 90.1))


def test_mean_and_runs():
    stats = _stats([1.0, 2.0, 3.0, 6.0])
    assert (stats.mean_ms, stats.runs) == (3.0, 4)


def test_no_samples_is_an_error():
    with pytest.raises(ValueError, match="at least one sample"):
        _stats([])


def test_fits_takt_when_p99_is_within_takt():
    assert _stats([100.0] * 100).fits_takt(takt_s=0.2)


def test_does_not_fit_when_p99_exceeds_takt():
    assert not _stats([100.0] * 100).fits_takt(takt_s=0.05)


def test_a_rare_slow_frame_breaks_the_takt_even_if_the_mean_fits():
    stats = _stats([10.0] * 95 + [500.0] * 5)  # mean 34.5 ms, p99 500 ms
    assert stats.mean_ms < 100 and not stats.fits_takt(takt_s=0.1)


def test_parts_per_frame_extends_the_frame_budget():
    stats = _stats([150.0] * 100)  # two parts per frame at 0.1 s takt: 200 ms per frame
    assert not stats.fits_takt(0.1) and stats.fits_takt(0.1, parts_per_frame=2)


@pytest.mark.parametrize("takt_s", [0, -1.0, float("nan")])
def test_invalid_takt_is_refused(takt_s):
    with pytest.raises(ValueError, match="takt_s"):
        _stats([1.0]).fits_takt(takt_s)


@pytest.mark.parametrize("parts", [0, 1.5, True])
def test_invalid_parts_per_frame_is_refused(parts):
    with pytest.raises(ValueError, match="parts_per_frame"):
        _stats([1.0]).fits_takt(1.0, parts_per_frame=parts)
