"""`cuda://N`: ONNX Runtime's CUDAExecutionProvider on GPU N (default 0).

Needs the GPU build of ONNX Runtime (`onnxruntime-gpu`) with matching CUDA and
cuDNN libraries. ONNX Runtime quietly falls back to the CPU when those libraries
are missing; this board refuses that, so a "GPU" latency is never a CPU one.
"""

from __future__ import annotations

from typing import Any, ClassVar

from ..errors import MalformedURIError
from ..uri import ResourceURI
from .cpu import OnnxRuntimeBoard
from .errors import BoardUnavailable

PROVIDER = "CUDAExecutionProvider"


class CudaBoard(OnnxRuntimeBoard):
    """ONNX Runtime on an NVIDIA GPU; latency measured, host-device copies included."""

    uri_params: ClassVar[frozenset[str]] = frozenset({"threads"})

    def __init__(self, uri: str | ResourceURI = "cuda://0") -> None:
        super().__init__(uri)
        self.device_id = _device_id(self.uri)
        self.runtime = f"onnxruntime {PROVIDER} (GPU {self.device_id})"
        available = self._ort.get_available_providers()
        if PROVIDER not in available:
            raise BoardUnavailable(
                str(self.uri),
                "CUDA execution provider not available",
                f"This onnxruntime offers {', '.join(available)}. Install the GPU build: "
                "pip uninstall onnxruntime && pip install onnxruntime-gpu (with CUDA and "
                "cuDNN versions that match it), or use cpu://",
            )

    def _providers(self) -> list[Any]:
        return [(PROVIDER, {"device_id": self.device_id}), "CPUExecutionProvider"]

    def _check_session(self, session: Any) -> None:
        if PROVIDER not in session.get_providers():
            raise BoardUnavailable(
                str(self.uri),
                "CUDA libraries could not be loaded",
                "onnxruntime fell back to the CPU; check that the CUDA and cuDNN libraries "
                "onnxruntime-gpu needs are installed and on the library path, and that GPU "
                f"{self.device_id} exists (nvidia-smi)",
            )


def _device_id(uri: ResourceURI) -> int:
    path = uri.path or "0"
    if not path.isdigit():
        raise MalformedURIError(
            f"{uri}: the path must be a GPU index such as cuda://0, got {path!r}"
        )
    return int(path)
