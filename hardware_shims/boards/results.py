"""What a board returns: one inference, and latency statistics over many."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np

LatencyKind = Literal["measured", "estimated"]


@dataclass
class InferenceResult:
    """Outputs of one inference and how long it took (measured here, or estimated)."""

    outputs: dict[str, np.ndarray]
    latency_ms: float
    latency_kind: LatencyKind
    board: str  # the board's URI
    provenance: str = ""  # how latency_ms was obtained
    extra: dict[str, Any] = field(default_factory=dict)  # e.g. reference_latency_ms, macs


@dataclass(frozen=True)
class LatencyStats:
    """Latency percentiles over `runs` inferences, in milliseconds."""

    p50_ms: float
    p90_ms: float
    p99_ms: float
    mean_ms: float
    max_ms: float
    runs: int
    kind: LatencyKind
    board: str = ""
    provenance: str = ""

    @classmethod
    def from_samples(
        cls, samples_ms: list[float], kind: LatencyKind, board: str = "", provenance: str = ""
    ) -> LatencyStats:
        if not samples_ms:
            raise ValueError("latency statistics need at least one sample")
        values = np.asarray(samples_ms, dtype=np.float64)
        p50, p90, p99 = np.percentile(values, [50, 90, 99])
        return cls(
            float(p50), float(p90), float(p99), float(values.mean()), float(values.max()),
            len(values), kind, board, provenance,
        )

    def fits_takt(self, takt_s: float, parts_per_frame: int = 1) -> bool:
        """True if 99 % of frames finish within the line's takt time.

        One frame inspects `parts_per_frame` parts, so it may take
        `takt_s * parts_per_frame`. p99, not the mean: a slow frame stalls the line.
        """
        if not takt_s > 0:
            raise ValueError(f"takt_s must be > 0 seconds, got {takt_s}")
        if isinstance(parts_per_frame, bool) or not isinstance(parts_per_frame, int) or (
            parts_per_frame < 1
        ):
            raise ValueError(f"parts_per_frame must be an integer >= 1, got {parts_per_frame!r}")
        return self.p99_ms <= takt_s * parts_per_frame * 1000.0

    def __str__(self) -> str:
        return (
            f"{self.board or 'board'}: p50 {self.p50_ms:.3f} ms, p90 {self.p90_ms:.3f} ms, "
            f"p99 {self.p99_ms:.3f} ms, mean {self.mean_ms:.3f} ms over {self.runs} runs "
            f"({self.kind})"
        )
