"""Board latency profiles (`profiles/*.yaml`) and the estimate they give for a model's work.

  latency_ms = (overhead_ms + flops / (peak_tops[precision] x 1e12 x efficiency) x 1000)
               x lognormal jitter (sigma), + spike_ms with probability spike_probability

Each YAML file says where its numbers come from (`provenance`); most are
assumptions and are marked as such there.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from .errors import LatencyProfileError

PROFILES_DIR = Path(__file__).parent / "profiles"


@dataclass(frozen=True)
class Jitter:
    sigma: float = 0.0  # lognormal spread of the multiplicative run-to-run factor
    spike_probability: float = 0.0  # share of runs hit by an OS/clock hiccup
    spike_ms: float = 0.0  # extra latency of one hiccup

    def apply(self, latency_ms: float, rng: np.random.Generator) -> float:
        # mean=-sigma^2/2 keeps the factor's average at 1: jitter does not bias the mean.
        factor = rng.lognormal(-self.sigma**2 / 2, self.sigma) if self.sigma else 1.0
        spike = self.spike_ms if rng.random() < self.spike_probability else 0.0
        return latency_ms * factor + spike


@dataclass(frozen=True)
class LatencyProfile:
    name: str
    description: str
    provenance: str
    precision: str  # default precision of the estimate
    peak_tops: dict[str, float]  # dense peak per precision, 1e12 ops/s (1 MAC = 2 ops)
    efficiency: float  # fraction of peak reached
    overhead_ms: float  # fixed cost per inference
    jitter: Jitter

    def effective_ops_per_s(self, precision: str) -> float:
        if precision not in self.peak_tops:
            raise LatencyProfileError(
                f"profile {self.name} has no {precision} figure; valid precisions: "
                f"{', '.join(self.peak_tops)}"
            )
        return self.peak_tops[precision] * 1e12 * self.efficiency

    def nominal_ms(self, flops: int, precision: str) -> float:
        """Latency without jitter: fixed overhead plus the work at effective throughput."""
        return self.overhead_ms + flops / self.effective_ops_per_s(precision) * 1000.0

    def estimate_ms(self, flops: int, precision: str, rng: np.random.Generator) -> float:
        return self.jitter.apply(self.nominal_ms(flops, precision), rng)


def available_profiles() -> list[str]:
    """Names usable as replay://NAME."""
    return sorted(p.stem for p in PROFILES_DIR.glob("*.yaml"))


def load_profile(name: str) -> LatencyProfile:
    """The shipped profile `name`, or an error listing the ones that exist."""
    path = PROFILES_DIR / f"{name}.yaml"
    if not name or "/" in name or not path.is_file():
        raise LatencyProfileError(
            f"no latency profile {name!r} for replay://{name}; available: "
            f"{', '.join(available_profiles())} (files in {PROFILES_DIR})"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise LatencyProfileError(f"{path} is not valid YAML: {exc}") from None
    return _parse(data, path)


def _parse(data: Any, path: Path) -> LatencyProfile:
    if not isinstance(data, dict):
        raise LatencyProfileError(f"{path} must hold a mapping of profile fields")
    required = ("name", "description", "provenance", "precision", "peak_tops", "efficiency",
                "overhead_ms", "jitter")
    missing = [key for key in required if key not in data]
    if missing:
        raise LatencyProfileError(f"{path} is missing {', '.join(missing)}")
    if data["name"] != path.stem:
        raise LatencyProfileError(f"{path}: name {data['name']!r} must match the file name")
    peaks = data["peak_tops"]
    if not isinstance(peaks, dict) or not peaks:
        raise LatencyProfileError(f"{path}: peak_tops must map precision -> TOPS")
    for key, value in [*((f"peak_tops.{k}", v) for k, v in peaks.items()),
                       ("efficiency", data["efficiency"])]:
        if not _positive(value):
            raise LatencyProfileError(f"{path}: {key} must be a number > 0, got {value!r}")
    if not _positive(data["overhead_ms"], allow_zero=True) or data["efficiency"] > 1:
        raise LatencyProfileError(
            f"{path}: overhead_ms must be >= 0 and efficiency at most 1"
        )
    if data["precision"] not in peaks:
        raise LatencyProfileError(
            f"{path}: default precision {data['precision']!r} has no peak_tops entry"
        )
    try:
        jitter = Jitter(**{k: float(v) for k, v in (data["jitter"] or {}).items()})
    except (TypeError, ValueError) as exc:
        raise LatencyProfileError(
            f"{path}: jitter takes sigma, spike_probability, spike_ms as numbers ({exc})"
        ) from None
    if jitter.sigma < 0 or jitter.spike_ms < 0 or not 0 <= jitter.spike_probability <= 1:
        raise LatencyProfileError(
            f"{path}: jitter needs sigma >= 0, spike_ms >= 0, 0 <= spike_probability <= 1"
        )
    return LatencyProfile(
        str(data["name"]), str(data["description"]), " ".join(str(data["provenance"]).split()),
        str(data["precision"]), {str(k): float(v) for k, v in peaks.items()},
        float(data["efficiency"]), float(data["overhead_ms"]), jitter,
    )


def _positive(value: Any, allow_zero: bool = False) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or math.isnan(value):
        return False
    return value >= 0 if allow_zero else value > 0
