"""check_latency with LatencyStats, a measured cpu:// board and an estimated replay:// board."""

import pytest

from autograder.checks import CheckFailed, check_latency
from hardware_shims.boards import LatencyStats, open_board


def stats(p99_ms, kind="measured"):
    return LatencyStats(p99_ms / 2, p99_ms * 0.9, p99_ms, p99_ms / 2, p99_ms, 100, kind,
                        "cpu://", "measured on this machine")


def test_p99_within_the_takt_passes_and_says_measured(capsys):
    verdict = check_latency(stats(12.0), takt_s=0.8)
    assert verdict.fits and verdict.budget_ms == 800.0 and verdict.kind == "measured"
    assert "p99 latency 12.00 ms per frame against a budget of 800.00 ms" in verdict.message
    assert "measured on cpu:// over 100 runs" in capsys.readouterr().out


def test_p99_over_the_takt_fails_with_both_numbers():
    with pytest.raises(CheckFailed) as failure:
        check_latency(stats(120.0), takt_s=0.05)
    message = str(failure.value)
    assert "p99 latency 120.00 ms per frame against a budget of 50.00 ms" in message
    assert "2.4x over budget" in message


def test_several_parts_per_frame_share_one_frame_budget():
    check_latency(stats(120.0), takt_s=0.05, parts_per_frame=3)  # 150 ms per frame
    with pytest.raises(CheckFailed):
        check_latency(stats(120.0), takt_s=0.05, parts_per_frame=2)  # 100 ms per frame


def test_a_board_without_a_benchmark_asks_for_one(tiny_onnx):
    with open_board("cpu://") as board:
        board.load(tiny_onnx)
        with pytest.raises(CheckFailed, match=r"No latency has been measured on cpu://.*"
                                              r"board.benchmark\(image\)"):
            check_latency(board, takt_s=1.0)


def test_a_real_cpu_board_is_measured_and_its_last_stats_used(tiny_onnx, image):
    with open_board("cpu://") as board:
        board.load(tiny_onnx)
        verdict = check_latency(board, takt_s=1.0, inputs=image, runs=20, warmup=2)
        assert verdict.kind == "measured" and board.last_stats.runs == 20
        assert verdict.p99_ms == board.last_stats.p99_ms
        assert "measured on cpu://" in verdict.message
        again = check_latency(board, takt_s=1.0)  # no inputs: the last benchmark is used
        assert again.p99_ms == verdict.p99_ms


def test_an_estimated_board_says_estimated_when_it_passes_and_when_it_fails(tiny_onnx, image):
    with open_board("replay://jetson-orin-nano") as board:
        board.load(tiny_onnx)
        board.benchmark(image, runs=20, warmup=0, progress=False)
        verdict = check_latency(board, takt_s=1.0)
        assert verdict.kind == "estimated"
        assert "ESTIMATED, not measured, for replay://jetson-orin-nano" in verdict.message
        with pytest.raises(CheckFailed, match="ESTIMATED, not measured"):
            check_latency(board, takt_s=1e-6)


def test_something_that_is_not_a_board_is_refused():
    with pytest.raises(CheckFailed, match="not float"):
        check_latency(12.5, takt_s=0.8)
