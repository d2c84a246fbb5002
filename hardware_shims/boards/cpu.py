"""`cpu://`: ONNX Runtime on this machine's CPU, the reference every board is checked against.

  cpu://              all cores (ONNX Runtime's default thread pool)
  cpu://?threads=1    one intra-op thread: steadier latency, closer to a small ARM core
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import MalformedURIError
from ..uri import ResourceURI
from .base import Board
from .errors import BoardUnavailable, ModelError
from .tensors import TensorSpec, dims

# ONNX Runtime reports element types as strings.
_ORT_DTYPES = {
    "tensor(float)": np.float32, "tensor(float16)": np.float16, "tensor(double)": np.float64,
    "tensor(int8)": np.int8, "tensor(uint8)": np.uint8, "tensor(int16)": np.int16,
    "tensor(int32)": np.int32, "tensor(int64)": np.int64, "tensor(bool)": np.bool_,
}


def import_onnxruntime(uri: str) -> Any:
    try:
        import onnxruntime
    except ImportError:
        raise BoardUnavailable(
            uri, "onnxruntime not installed", "Install it with: pip install onnxruntime"
        ) from None
    return onnxruntime


class OnnxRuntimeBoard(Board):
    """Shared ONNX Runtime plumbing; subclasses pick the execution providers."""

    runtime = "onnxruntime"
    uri_params: ClassVar[frozenset[str]] = frozenset({"threads"})

    def __init__(self, uri: str | ResourceURI) -> None:
        super().__init__(uri)
        self._ort = import_onnxruntime(str(self.uri))
        self.threads = self.uri.param_int("threads", 0)  # 0: ONNX Runtime decides
        self._session: Any = None

    def _providers(self) -> list[Any]:
        raise NotImplementedError

    def _load(self, model: Path) -> None:
        options = self._ort.SessionOptions()
        options.intra_op_num_threads = self.threads
        options.log_severity_level = 3  # errors only: warnings would bury the binding line
        try:
            session = self._ort.InferenceSession(
                str(model), sess_options=options, providers=self._providers()
            )
        except Exception as exc:  # ORT raises its own Fail/InvalidGraph/InvalidProtobuf types
            raise ModelError(
                f"{model} could not be loaded by onnxruntime on {self.uri}: {exc}; check that "
                "it is a complete ONNX file (onnx.checker.check_model) with supported ops"
            ) from None
        self._check_session(session)
        self._session = session
        self.input_specs = [
            TensorSpec(i.name, dims(i.shape), _np_dtype(i.type)) for i in session.get_inputs()
        ]
        self.output_names = [o.name for o in session.get_outputs()]

    def _check_session(self, session: Any) -> None:
        """Hook: refuse a session that silently fell back to another provider."""

    def _infer(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        values = self._session.run(self.output_names, feeds)
        return dict(zip(self.output_names, values, strict=True))

    def _close(self) -> None:
        self._session = None


class CpuBoard(OnnxRuntimeBoard):
    """ONNX Runtime CPUExecutionProvider: real outputs and latency on this machine."""

    runtime = "onnxruntime CPUExecutionProvider"

    def __init__(self, uri: str | ResourceURI = "cpu://") -> None:
        super().__init__(uri)
        if self.uri.path:
            raise MalformedURIError(
                f"cpu:// takes no path, got {self.uri}; write cpu:// or cpu://?threads=N"
            )

    def _providers(self) -> list[Any]:
        return ["CPUExecutionProvider"]


def _np_dtype(ort_type: str) -> np.dtype | None:
    found = _ORT_DTYPES.get(ort_type)
    return None if found is None else np.dtype(found)
