"""`replay://NAME`: a board that is not here. Outputs are real (computed by the CPU
reference); latency is estimated from the board's profile and the model's work.

  replay://jetson-orin-nano                 profiles in hardware_shims/boards/profiles/
  replay://jetson-nano?precision=fp32&seed=7
Parameters: precision= (one the profile lists; default its own), seed=N (jitter
sequence, default 0), threads=N (CPU reference threads, default 1).

Every result says latency_kind="estimated" and carries the profile's provenance;
`extra` holds the CPU reference latency measured here and the counted MACs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..uri import ResourceURI
from .base import Board
from .cpu import CpuBoard
from .flops import WorkCount, count_macs
from .latency_profiles import available_profiles, load_profile

__all__ = ["ReplayBoard", "available_profiles"]


class ReplayBoard(Board):
    """CPU-reference outputs with latency estimated for a named board profile."""

    latency_kind = "estimated"
    uri_params: ClassVar[frozenset[str]] = frozenset({"precision", "seed", "threads"})

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self.profile = load_profile(self.uri.path)
        self.precision = self.uri.params.get("precision", self.profile.precision).lower()
        self.profile.effective_ops_per_s(self.precision)  # unknown precision: fail now
        self.seed = self.uri.param_int("seed", 0)
        self.runtime = f"the CPU reference, latency estimated for {self.profile.name}"
        threads = self.uri.param_int("threads", 1, minimum=1)
        # One reference thread by default: steadier reference timings on shared machines.
        self._reference = CpuBoard(f"cpu://?threads={threads}")
        self._rng = np.random.default_rng(self.seed)
        self._reference_ms = 0.0  # CPU time of the last reference run, for `extra`
        self._work: dict[tuple[tuple[str, tuple[int, ...]], ...], WorkCount] = {}

    @property
    def provenance(self) -> str:
        return (
            f"estimated for {self.profile.name} ({self.precision}), not measured: "
            f"{self.profile.provenance}"
        )

    def _load(self, model: Path) -> None:
        self._reference.load(model)
        self.input_specs = self._reference.input_specs
        self.output_names = self._reference.output_names
        self._work.clear()

    def _infer(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        result = self._reference.run(feeds)
        self._reference_ms = result.latency_ms
        return result.outputs

    def work(self, feeds: dict[str, np.ndarray]) -> WorkCount:
        """MACs of the loaded model for these input shapes (counted once per shape)."""
        key = tuple((name, tuple(a.shape)) for name, a in feeds.items())
        if key not in self._work:
            self._work[key] = count_macs(self.model_path, dict(key))
        return self._work[key]

    def _estimate(
        self, feeds: dict[str, np.ndarray], measured_ms: float
    ) -> tuple[float, dict[str, Any]]:
        work = self.work(feeds)
        latency_ms = self.profile.estimate_ms(work.flops, self.precision, self._rng)
        extra = {
            "profile": self.profile.name,
            "precision": self.precision,
            "macs": work.macs,
            "uncounted_nodes": list(work.uncounted),
            "nominal_ms": self.profile.nominal_ms(work.flops, self.precision),
            "reference_latency_ms": self._reference_ms,  # CPU time measured on this machine
        }
        return latency_ms, extra

    def _close(self) -> None:
        self._reference.close()
