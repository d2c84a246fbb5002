"""Latency budget: does the model on the edge board keep up with the line's takt time?

p99, not the mean, is compared with the budget: one slow frame stalls the line.
A replay:// board reports latency *estimated* from a board profile; every message
says so, because an estimate is not a measurement on the board.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ._common import CheckFailed
from ._trusted import math_, verify_untampered


@dataclass(frozen=True)
class LatencyVerdict:
    p99_ms: float
    budget_ms: float  # takt_s * parts_per_frame, in milliseconds
    kind: str  # "measured" or "estimated"
    message: str

    @property
    def fits(self) -> bool:
        return self.p99_ms <= self.budget_ms

    def __str__(self) -> str:
        return self.message


def _stats(board_or_stats: Any, inputs: Any, runs: int, warmup: int) -> Any:
    from hardware_shims.boards import Board, LatencyStats  # the shim loads only when used

    if isinstance(board_or_stats, LatencyStats):
        return board_or_stats
    if not isinstance(board_or_stats, Board):
        raise CheckFailed(
            f"check_latency needs a board from open_board(...) or the LatencyStats that "
            f"board.benchmark(...) returned, not {type(board_or_stats).__name__}."
        )
    if inputs is not None:
        return board_or_stats.benchmark(inputs, runs=runs, warmup=warmup, progress=False)
    if board_or_stats.last_stats is None:
        raise CheckFailed(
            f"No latency has been measured on {board_or_stats.uri} yet: run "
            "`board.benchmark(image)` before this check (or pass inputs=image to it)."
        )
    return board_or_stats.last_stats


def _how(stats: Any) -> str:
    if stats.kind == "estimated":
        return (f"ESTIMATED, not measured, for {stats.board or 'the board'} ({stats.provenance}); "
                "confirm on the real board before the line goes live")
    return f"measured on {stats.board or 'this machine'} over {stats.runs} runs"


def check_latency(board_or_stats: Any, takt_s: float, parts_per_frame: int = 1,
                  inputs: Any = None, runs: int = 100, warmup: int = 10) -> LatencyVerdict:
    """Fail unless the p99 latency per frame fits takt_s * parts_per_frame.

    `board_or_stats` is a `hardware_shims.boards` Board (its last benchmark is
    used, or a new one on `inputs` when given) or a `LatencyStats`.
    """
    verify_untampered()
    if isinstance(takt_s, bool) or not isinstance(takt_s, (int, float)) or not (
        math_.isfinite(takt_s) and takt_s > 0
    ):
        raise ValueError(f"takt_s must be a number of seconds > 0, got {takt_s!r}")
    if isinstance(parts_per_frame, bool) or not isinstance(parts_per_frame, int) or (
        parts_per_frame < 1
    ):
        raise ValueError(f"parts_per_frame must be an integer >= 1, got {parts_per_frame!r}")
    stats = _stats(board_or_stats, inputs, runs, warmup)
    verify_untampered()  # a benchmark just ran: its clock and percentiles must be the originals
    budget_ms = takt_s * parts_per_frame * 1000.0
    per = f"{parts_per_frame} parts per frame x " if parts_per_frame > 1 else ""
    if not math_.isfinite(stats.p99_ms) or stats.p99_ms < 0:
        raise CheckFailed(f"The latency statistics are not valid (p99 {stats.p99_ms} ms): "
                          "run board.benchmark(image) again.")
    line = (f"p99 latency {stats.p99_ms:.2f} ms per frame against a budget of "
            f"{budget_ms:.2f} ms ({per}takt {takt_s:g} s); latency {_how(stats)}.")
    verdict = LatencyVerdict(stats.p99_ms, budget_ms, stats.kind, line)
    if not verdict.fits:
        over = stats.p99_ms / budget_ms
        raise CheckFailed(
            f"Too slow for the line: {line} The model is {over:.1f}x over budget: use a "
            "smaller input size or network, int8/fp16 precision, or inspect several parts per "
            "frame."
        )
    print(f"Latency fits the takt: {line}")
    return verdict
