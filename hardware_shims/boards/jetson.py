"""`jetson://`: TensorRT on an NVIDIA Jetson (or any CUDA GPU with TensorRT >= 8.5).

  jetson://                     fp32 engine built from the ONNX file
  jetson://?precision=fp16      fp16 engine (the usual deployment choice on Jetson)
Parameters: precision=fp32|fp16, workspace_mb=N (builder scratch memory, default 256),
max_batch=N (largest batch for models exported with a dynamic batch, default 1),
cache=0|1 (keep built engines under ~/.cache/microfab/tensorrt, default 1; a Jetson
Nano-class board needs minutes per build). Needs `tensorrt` and `cuda-python`.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import MalformedURIError, ShimError
from ..uri import ResourceURI
from .base import Board
from .errors import BoardUnavailable, ModelError
from .tensors import TensorSpec, dims

PRECISIONS = ("fp32", "fp16")
CACHE_DIR = Path(os.environ.get("MICROFAB_CACHE", "~/.cache/microfab")).expanduser() / "tensorrt"


def _import_sdk(uri: str) -> tuple[Any, Any]:
    try:
        import tensorrt as trt
    except ImportError:
        raise BoardUnavailable(
            uri, "TensorRT not installed",
            "On a Jetson it comes with JetPack (sudo apt install nvidia-jetpack; create the "
            "venv with --system-site-packages to see it); on a PC: pip install tensorrt",
        ) from None
    try:
        from cuda.bindings import runtime as cudart  # cuda-python >= 12.6 layout
    except ImportError:
        try:
            from cuda import cudart  # older cuda-python layout
        except ImportError:
            raise BoardUnavailable(
                uri, "cuda-python not installed",
                "TensorRT needs it for GPU memory here: pip install cuda-python (the major "
                "version matching your CUDA, e.g. cuda-python==12.*)",
            ) from None
    version = tuple(int(p) for p in trt.__version__.split(".")[:2])
    if version < (8, 5):
        raise BoardUnavailable(
            uri, f"TensorRT {trt.__version__} is older than 8.5",
            "Use JetPack 5 or newer; the original Jetson Nano (JetPack 4) cannot, so "
            "estimate it with replay://jetson-nano",
        )
    return trt, cudart


class JetsonBoard(Board):
    """TensorRT engine built from ONNX; latency measured, host-device copies included."""

    uri_params: ClassVar[frozenset[str]] = frozenset(
        {"precision", "workspace_mb", "max_batch", "cache"}
    )

    def __init__(self, uri: str | ResourceURI = "jetson://") -> None:
        super().__init__(uri)
        if self.uri.path not in ("", "0"):
            raise MalformedURIError(f"{self.uri}: a Jetson has one GPU; write jetson://")
        self.precision = self.uri.params.get("precision", "fp32").lower()
        if self.precision not in PRECISIONS:
            raise MalformedURIError(
                f"precision={self.precision} in {self.uri} is not supported; valid: "
                f"{', '.join(PRECISIONS)} (int8 needs a calibration set: build it with trtexec)"
            )
        self.workspace_mb = self.uri.param_int("workspace_mb", 256, minimum=16)
        self.max_batch = self.uri.param_int("max_batch", 1, minimum=1)
        self.use_cache = self.uri.param_bool("cache", True)
        self._trt, self._cudart = _import_sdk(str(self.uri))
        self.runtime = f"TensorRT {self._trt.__version__} ({self.precision})"
        count = self._cuda(self._cudart.cudaGetDeviceCount(), "cudaGetDeviceCount", missing=True)
        if not count:
            raise BoardUnavailable(str(self.uri), "no CUDA GPU visible", "Check nvidia-smi")
        self._logger = self._trt.Logger(self._trt.Logger.WARNING)
        self._stream = self._cuda(self._cudart.cudaStreamCreate(), "cudaStreamCreate")
        self._buffers: dict[str, tuple[int, int]] = {}  # name -> (device pointer, bytes)
        self._engine: Any = None
        self._context: Any = None

    def _cuda(self, result: Any, what: str, missing: bool = False) -> Any:
        """Unpack a cuda-python (error, value...) tuple; raise on an error code."""
        err, *values = result if isinstance(result, tuple) else (result,)
        if err != self._cudart.cudaError_t.cudaSuccess:
            if missing:
                raise BoardUnavailable(str(self.uri), f"{what} failed ({err})", "Check nvidia-smi")
            raise ShimError(f"{what} failed on {self.uri}: {err}")
        if not values:
            return None
        return values[0] if len(values) == 1 else tuple(values)

    # --- engine -------------------------------------------------------------------
    def _load(self, model: Path) -> None:
        blob = self._cached_engine(model)
        runtime = self._trt.Runtime(self._logger)
        self._engine = runtime.deserialize_cuda_engine(blob)
        if self._engine is None:
            raise ModelError(f"TensorRT could not deserialize the engine for {model}")
        self._context = self._engine.create_execution_context()
        names = [self._engine.get_tensor_name(i) for i in range(self._engine.num_io_tensors)]
        is_input = [self._engine.get_tensor_mode(n) == self._trt.TensorIOMode.INPUT for n in names]
        self.input_specs = [
            TensorSpec(n, dims(self._engine.get_tensor_shape(n)), self._dtype(n))
            for n, inp in zip(names, is_input, strict=True) if inp
        ]
        self.output_names = [n for n, inp in zip(names, is_input, strict=True) if not inp]

    def _cached_engine(self, model: Path) -> bytes:
        data = model.read_bytes()
        settings = f"{self._trt.__version__}|{self.precision}|{self.workspace_mb}|{self.max_batch}"
        key = hashlib.sha256(data + settings.encode()).hexdigest()[:16]
        path = CACHE_DIR / f"{model.stem}-{key}.engine"
        if self.use_cache and path.is_file():
            return path.read_bytes()
        blob = self._build(model)
        if self.use_cache:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(".part")
            tmp.write_bytes(blob)
            tmp.replace(path)  # atomic: a killed build never leaves half an engine
        return blob

    def _build(self, model: Path) -> bytes:
        trt = self._trt
        builder = trt.Builder(self._logger)
        flags = 0  # TensorRT 10 networks are always explicit-batch
        if int(trt.__version__.split(".")[0]) < 10:
            flags = 1 << int(trt.NetworkDefinitionCreationFlag.EXPLICIT_BATCH)
        network = builder.create_network(flags)
        parser = trt.OnnxParser(network, self._logger)
        if not parser.parse_from_file(str(model)):
            errors = "; ".join(str(parser.get_error(i)) for i in range(parser.num_errors))
            raise ModelError(f"TensorRT could not parse {model}: {errors}")
        config = builder.create_builder_config()
        config.set_memory_pool_limit(trt.MemoryPoolType.WORKSPACE, self.workspace_mb << 20)
        if self.precision == "fp16":
            config.set_flag(trt.BuilderFlag.FP16)
        profile = builder.create_optimization_profile()
        dynamic = False
        for i in range(network.num_inputs):
            tensor = network.get_input(i)
            shape = list(tensor.shape)
            if all(d >= 0 for d in shape):
                continue
            if any(d < 0 for d in shape[1:]):
                raise ModelError(
                    f"input {tensor.name} of {model} has shape {shape}; jetson:// needs every "
                    "dimension but the batch fixed: export with a fixed image size"
                )
            dynamic = True
            low, high = [1, *shape[1:]], [self.max_batch, *shape[1:]]
            profile.set_shape(tensor.name, low, low, high)
        if dynamic:
            config.add_optimization_profile(profile)
        serialized = builder.build_serialized_network(network, config)
        if serialized is None:
            raise ModelError(f"TensorRT could not build an engine from {model}; see its log above")
        return bytes(serialized)

    def _dtype(self, name: str) -> np.dtype:
        return np.dtype(self._trt.nptype(self._engine.get_tensor_dtype(name)))

    # --- inference ----------------------------------------------------------------
    def _buffer(self, name: str, nbytes: int) -> int:
        ptr, size = self._buffers.get(name, (0, 0))
        if size < nbytes:  # grow only; steady-state runs allocate nothing
            if ptr:
                self._cuda(self._cudart.cudaFree(ptr), "cudaFree")
            ptr = self._cuda(self._cudart.cudaMalloc(nbytes), "cudaMalloc")
            self._buffers[name] = (ptr, nbytes)
        return ptr

    def _infer(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        cudart, ctx, stream = self._cudart, self._context, self._stream
        to_device = cudart.cudaMemcpyKind.cudaMemcpyHostToDevice
        for name, array in feeds.items():
            ctx.set_input_shape(name, array.shape)
            ptr = self._buffer(name, max(array.nbytes, 1))
            self._cuda(cudart.cudaMemcpyAsync(
                ptr, array.ctypes.data, array.nbytes, to_device, stream), "cudaMemcpyAsync")
            ctx.set_tensor_address(name, ptr)
        outputs = {}
        for name in self.output_names:
            host = np.empty(tuple(ctx.get_tensor_shape(name)), self._dtype(name))
            ctx.set_tensor_address(name, self._buffer(name, max(host.nbytes, 1)))
            outputs[name] = host
        if not ctx.execute_async_v3(stream):
            raise ShimError(f"TensorRT execution failed on {self.uri}; see its log above")
        to_host = cudart.cudaMemcpyKind.cudaMemcpyDeviceToHost
        for name, host in outputs.items():
            self._cuda(cudart.cudaMemcpyAsync(
                host.ctypes.data, self._buffers[name][0], host.nbytes, to_host, stream),
                "cudaMemcpyAsync")
        self._cuda(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize")
        return outputs

    def _close(self) -> None:
        self._context = self._engine = None
        for ptr, _ in self._buffers.values():
            self._cudart.cudaFree(ptr)
        self._buffers.clear()
        self._cudart.cudaStreamDestroy(self._stream)
