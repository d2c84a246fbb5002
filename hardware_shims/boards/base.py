"""`Board`: the bookkeeping every edge board shares, so a backend writes `_load` and `_infer`.

A backend subclasses `Board`, lists the model files it runs in `model_suffixes`
and implements `_load(path)` (setting `input_specs` and `output_names`) and
`_infer(feeds) -> {name: array}`. The base class resolves model files and torch
modules (exported to ONNX on demand), checks inputs, times each inference,
computes latency statistics and the takt-time check, and owns the lifetime.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from pathlib import Path
from tempfile import TemporaryDirectory
from typing import Any, ClassVar

import numpy as np

from ..device import Binding, DeviceLifetime
from ..errors import ShimError
from ..uri import ResourceURI, parse_uri
from .errors import ModelError
from .models import export_onnx, resolve
from .results import InferenceResult, LatencyKind, LatencyStats
from .tensors import Inputs, TensorSpec, as_feeds, check_feeds

#: benchmark() shows a progress bar from this many runs on (unless progress= says otherwise).
PROGRESS_MIN_RUNS = 200

_SUFFIX_HINTS = {
    ".om": "an .om file is compiled for an Ascend NPU: open ascend://0, or load the ONNX "
    "file it was compiled from",
    ".engine": "a TensorRT engine only runs on the GPU it was built for: load the ONNX file "
    "on jetson:// and let it build the engine",
    ".onnx": "compile it for this board first",
}


class Board(DeviceLifetime):
    """Base class for every inference target (CPU reference, GPU, edge NPU, replay)."""

    kind = "board"

    #: What executes the model, for provenance strings, e.g. "onnxruntime CPUExecutionProvider".
    runtime: str = "an inference runtime"
    latency_kind: ClassVar[LatencyKind] = "measured"
    #: Model files this board runs; TorchScript and torch modules are handled by the base class.
    model_suffixes: ClassVar[tuple[str, ...]] = (".onnx",)
    #: True if `_load` takes torch modules as they are (otherwise they are exported to ONNX).
    runs_torch: ClassVar[bool] = False
    #: URI query parameters this board accepts; anything else is rejected as a typo.
    uri_params: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, uri: str | ResourceURI) -> None:
        self.uri = parse_uri(uri)
        self.uri.check_params(self.uri_params)
        self.binding = Binding(str(self.uri), f"{self.latency_kind} latency; requested")
        self.model_path: Path | None = None
        #: Inputs of the loaded model; None when the runtime cannot say (torch on a device).
        self.input_specs: list[TensorSpec] | None = []
        self.output_names: list[str] = []
        self.last_stats: LatencyStats | None = None
        self._pending_module: Any = None
        self._tmp: TemporaryDirectory | None = None
        self._exports = 0
        self._loaded = False
        self._closed = False

    # --- what a backend implements -------------------------------------------------
    def _load(self, model: Path | Any) -> None:
        """Load a model file (or, if `runs_torch`, a torch module); set the I/O specs."""
        raise NotImplementedError(f"{type(self).__name__} must implement _load")

    def _infer(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        raise NotImplementedError(f"{type(self).__name__} must implement _infer")

    def _estimate(
        self, feeds: dict[str, np.ndarray], measured_ms: float
    ) -> tuple[float, dict[str, Any]]:
        """(latency_ms to report, extra facts); measured boards report what they measured."""
        return measured_ms, {}

    def _suffix_hint(self, path: Path) -> str:
        return _SUFFIX_HINTS.get(path.suffix.lower(), "convert it to ONNX first")

    def _close(self) -> None:
        """Release the runtime's resources."""

    @property
    def provenance(self) -> str:
        return (
            f"measured on this machine: time.perf_counter around one {self.runtime} "
            "inference, host-device copies included"
        )

    # --- models -------------------------------------------------------------------
    def load(self, model: str | Path | Any, example_inputs: Inputs | None = None) -> Board:
        """Load an .onnx/.om/.pt file or a torch.nn.Module; returns the board.

        A module is exported to ONNX traced with `example_inputs`, or with the
        inputs of the first `run()` when none are given.
        """
        self._check_open()
        source = resolve(model, str(self.uri))
        self._loaded, self._pending_module = False, None
        if isinstance(source, Path):
            if source.suffix.lower() not in self.model_suffixes:
                raise ModelError(
                    f"{self.uri} runs {' / '.join(self.model_suffixes)} models, not "
                    f"{source.name}; {self._suffix_hint(source)}"
                )
            self.model_path = source
            self._load(source)
            self._loaded = True
        elif self.runs_torch:
            self.model_path = None
            self._load(source)
            self._loaded = True
        elif example_inputs is None:
            self._pending_module = source  # exported on the first run(), traced with its inputs
        else:
            self._export_and_load(source, example_inputs)
        return self

    def _export_and_load(self, module: Any, inputs: Inputs) -> None:
        feeds = (
            {str(k): np.asarray(v) for k, v in inputs.items()}
            if isinstance(inputs, Mapping)
            else {"input": np.asarray(inputs)}
        )
        if self._tmp is None:
            self._tmp = TemporaryDirectory(prefix="microfab-board-")
        self._exports += 1
        out = Path(self._tmp.name) / f"model{self._exports}.onnx"
        self.model_path = export_onnx(module, feeds, out, str(self.uri))
        self._load(self.model_path)
        self._loaded, self._pending_module = True, None

    @property
    def loaded(self) -> bool:
        return self._loaded or self._pending_module is not None

    # --- inference ----------------------------------------------------------------
    def run(self, inputs: Inputs) -> InferenceResult:
        """One inference: outputs by name, and its latency (measured or estimated)."""
        self._check_open()
        if self._pending_module is not None:
            self._export_and_load(self._pending_module, inputs)
        if not self._loaded:
            raise ShimError(
                f"no model is loaded on {self.uri}; call board.load('model.onnx') first"
            )
        where = str(self.uri)
        names = None if self.input_specs is None else [s.name for s in self.input_specs]
        feeds = as_feeds(inputs, names if names is not None else _default_names(inputs), where)
        if self.input_specs is not None:
            check_feeds(feeds, self.input_specs, where)
        start = time.perf_counter()
        outputs = self._infer(feeds)
        measured_ms = (time.perf_counter() - start) * 1000.0
        latency_ms, extra = self._estimate(feeds, measured_ms)
        return InferenceResult(
            outputs, latency_ms, self.latency_kind, where, self.provenance, extra
        )

    def benchmark(
        self, inputs: Inputs, runs: int = 100, warmup: int = 10, progress: bool | None = None
    ) -> LatencyStats:
        """Latency percentiles over `runs` inferences after `warmup` untimed ones."""
        if isinstance(runs, bool) or not isinstance(runs, int) or runs < 1:
            raise ValueError(f"runs must be an integer >= 1, got {runs!r}")
        if isinstance(warmup, bool) or not isinstance(warmup, int) or warmup < 0:
            raise ValueError(f"warmup must be an integer >= 0, got {warmup!r}")
        for _ in range(warmup):  # first runs pay for allocation, autotuning and caches
            self.run(inputs)
        show = runs >= PROGRESS_MIN_RUNS if progress is None else progress
        steps: Any = range(runs)
        if show:
            from tqdm.auto import tqdm  # deferred: only long benchmarks need it

            steps = tqdm(steps, desc=f"benchmark {self.uri}", unit="run", leave=False)
        samples = [self.run(inputs).latency_ms for _ in steps]
        self.last_stats = LatencyStats.from_samples(
            samples, self.latency_kind, str(self.uri), self.provenance
        )
        return self.last_stats

    def fits_takt(self, takt_s: float, parts_per_frame: int = 1) -> bool:
        """Whether the last benchmark's p99 latency fits the line's takt time."""
        if self.last_stats is None:
            raise ShimError(
                f"no latency statistics for {self.uri} yet; call board.benchmark(inputs) "
                "before board.fits_takt(...)"
            )
        return self.last_stats.fits_takt(takt_s, parts_per_frame)

    # --- lifetime -----------------------------------------------------------------
    def close(self) -> None:
        try:
            super().close()
        finally:
            if self._tmp is not None:
                self._tmp.cleanup()

    def _state(self) -> str:
        return "closed" if self._closed else ("loaded" if self.loaded else "empty")


def _default_names(inputs: Inputs) -> list[str]:
    """Input names when the runtime does not list them (torch modules on a device)."""
    return [str(k) for k in inputs] if isinstance(inputs, Mapping) else ["input"]
