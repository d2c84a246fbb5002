"""`ascend://N`: a Huawei Ascend NPU (e.g. Atlas 200I DK A2, Ascend 310B), device N.

Two paths, each imported only when used:
  .om files (compiled with ATC)          -> pyACL (`acl`, ships with the CANN toolkit)
  torch modules / TorchScript .pt files  -> torch_npu (PyTorch on the NPU)
An .onnx file must be compiled first, e.g.
  atc --model=m.onnx --framework=5 --output=m --soc_version=Ascend310B4
"""

from __future__ import annotations

import importlib.util
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import MalformedURIError, ShimError
from ..uri import ResourceURI
from .base import Board
from .errors import BoardUnavailable, ModelError
from .models import io_names, torch_outputs
from .tensors import TensorSpec, dims

# aclDataType codes (acl/acl_base.h) -> numpy.
_ACL_DTYPES = {
    0: np.float32, 1: np.float16, 2: np.int8, 3: np.int32, 4: np.uint8, 6: np.int16,
    7: np.uint16, 8: np.uint32, 9: np.int64, 10: np.uint64, 11: np.float64, 12: np.bool_,
}
ACL_DEVICE = 0  # acl.rt.get_run_mode(): the program runs on the board's own CPU
MEMCPY_HOST_TO_DEVICE, MEMCPY_DEVICE_TO_HOST, MEMCPY_DEVICE_TO_DEVICE = 1, 2, 3
MALLOC_HUGE_FIRST = 0
REPEAT_INITIALIZE = 100002  # acl.init() in a process that already did it: fine
INSTALL = (
    "Install the CANN toolkit and source /usr/local/Ascend/ascend-toolkit/set_env.sh "
    "(for .om files), or pip install torch_npu matching your torch (for torch models)"
)


class AscendBoard(Board):
    """Ascend NPU via pyACL (.om) or torch_npu (torch); latency measured, copies included."""

    model_suffixes: ClassVar[tuple[str, ...]] = (".om",)
    runs_torch = True

    def __init__(self, uri: str | ResourceURI = "ascend://0") -> None:
        super().__init__(uri)
        path = self.uri.path or "0"
        if not path.isdigit():
            raise MalformedURIError(f"{self.uri}: the path must be an NPU index, e.g. ascend://0")
        self.device_id = int(path)
        found = [m for m in ("acl", "torch_npu") if importlib.util.find_spec(m) is not None]
        if not found:
            raise BoardUnavailable(str(self.uri), "neither pyACL nor torch_npu installed", INSTALL)
        self.runtime = "pyACL" if "acl" in found else "torch_npu"
        self._acl: Any = None
        self._torch: Any = None
        self._module: Any = None
        self._model: dict[str, Any] = {}

    def _suffix_hint(self, path: Path) -> str:
        if path.suffix.lower() == ".onnx":
            return (
                "compile it with ATC first: atc --model=m.onnx --framework=5 --output=m "
                "--soc_version=Ascend310B4 (run npu-smi info for your SoC), or load the "
                "torch module to run it through torch_npu"
            )
        return super()._suffix_hint(path)

    def _load(self, model: Path | Any) -> None:
        self._unload()
        if isinstance(model, Path):
            self._load_om(model)
        else:
            self._load_torch(model)

    def _infer(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        return self._infer_om(feeds) if self._model else self._infer_torch(feeds)

    def _close(self) -> None:
        self._unload()
        if self._acl is not None:
            self._acl.rt.destroy_context(self._context)
            self._acl.rt.reset_device(self.device_id)

    # --- torch_npu ----------------------------------------------------------------
    def _load_torch(self, module: Any) -> None:
        try:
            import torch
            import torch_npu  # noqa: F401  (registers the "npu" device with torch)
        except ImportError:
            raise BoardUnavailable(str(self.uri), "torch_npu not installed", INSTALL) from None
        self.runtime = "torch_npu"
        self._torch = torch
        self._module = module.eval().to(f"npu:{self.device_id}")
        self.input_specs = None  # a module does not declare its inputs; shapes go unchecked

    def _infer_torch(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        torch, device = self._torch, f"npu:{self.device_id}"
        with torch.inference_mode():
            args = [torch.from_numpy(a).to(device) for a in feeds.values()]
            results = torch_outputs(self._module(*args), str(self.uri))
            torch.npu.synchronize()  # the NPU runs asynchronously; time the finished work
            arrays = [t.detach().cpu().numpy() for t in results]
        self.output_names = io_names("output", len(arrays))
        return dict(zip(self.output_names, arrays, strict=True))

    # --- pyACL (.om) --------------------------------------------------------------
    def _acl_init(self) -> Any:
        if self._acl is None:
            try:
                import acl
            except ImportError:
                raise BoardUnavailable(
                    str(self.uri), "pyACL (acl) not installed", INSTALL
                ) from None
            ret = acl.init()
            if ret not in (0, REPEAT_INITIALIZE):
                raise BoardUnavailable(str(self.uri), f"acl.init() returned {ret}", INSTALL)
            if acl.rt.set_device(self.device_id) != 0:
                raise BoardUnavailable(
                    str(self.uri), f"NPU {self.device_id} did not answer",
                    "Check npu-smi info and the device index in the URI",
                )
            self._context = _ok(acl.rt.create_context(self.device_id), "create_context")
            run_mode = _ok(acl.rt.get_run_mode(), "get_run_mode")
            # On a DK board the program runs next to the NPU: copies are device-to-device.
            on_board = run_mode == ACL_DEVICE
            self._to_dev = MEMCPY_DEVICE_TO_DEVICE if on_board else MEMCPY_HOST_TO_DEVICE
            self._to_host = MEMCPY_DEVICE_TO_DEVICE if on_board else MEMCPY_DEVICE_TO_HOST
            self._acl = acl
        return self._acl

    def _load_om(self, path: Path) -> None:
        acl = self._acl_init()
        self.runtime = "pyACL"
        model_id = _ok(acl.mdl.load_from_file(str(path)), f"load_from_file({path})", ModelError)
        desc = acl.mdl.create_desc()
        self._model = {"id": model_id, "desc": desc, "inputs": [], "outputs": []}
        _ok(acl.mdl.get_desc(desc, model_id), "get_desc")
        self.input_specs, self.output_names = [], []
        for kind in ("input", "output"):
            count = getattr(acl.mdl, f"get_num_{kind}s")(desc)
            dataset = acl.mdl.create_dataset()
            self._model[f"{kind}_dataset"] = dataset
            for i in range(count):
                size = getattr(acl.mdl, f"get_{kind}_size_by_index")(desc, i)
                ptr = _ok(acl.rt.malloc(size, MALLOC_HUGE_FIRST), "rt.malloc")
                buffer = acl.create_data_buffer(ptr, size)
                _ok(acl.mdl.add_dataset_buffer(dataset, buffer), "add_dataset_buffer")
                name = getattr(acl.mdl, f"get_{kind}_name_by_index")(desc, i)
                info = _ok(getattr(acl.mdl, f"get_{kind}_dims")(desc, i), f"get_{kind}_dims")
                dtype = np.dtype(_ACL_DTYPES[getattr(acl.mdl, f"get_{kind}_data_type")(desc, i)])
                self._model[f"{kind}s"].append((name, ptr, size, buffer, info["dims"], dtype))
                if kind == "input":
                    self.input_specs.append(TensorSpec(name, dims(info["dims"]), dtype))
                else:
                    self.output_names.append(name)

    def _infer_om(self, feeds: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        acl, model = self._acl, self._model
        acl.rt.set_context(self._context)  # contexts are per thread; notebooks may switch
        for name, ptr, size, *_ in model["inputs"]:
            array = feeds[name]
            _ok(acl.rt.memcpy(ptr, size, array.ctypes.data, array.nbytes, self._to_dev), "memcpy")
        _ok(acl.mdl.execute(model["id"], model["input_dataset"], model["output_dataset"]),
            "mdl.execute")
        outputs = {}
        for name, ptr, size, _, shape, dtype in model["outputs"]:
            host = np.empty(size // dtype.itemsize, dtype)
            _ok(acl.rt.memcpy(host.ctypes.data, size, ptr, size, self._to_host), "memcpy")
            outputs[name] = host.reshape(shape) if all(d >= 0 for d in shape) else host
        return outputs

    def _unload(self) -> None:
        self._module = None
        model, self._model = self._model, {}
        if not model:
            return
        acl = self._acl
        for kind in ("input", "output"):
            for _, ptr, _, buffer, *_ in model[f"{kind}s"]:
                acl.destroy_data_buffer(buffer)
                acl.rt.free(ptr)
            acl.mdl.destroy_dataset(model[f"{kind}_dataset"])
        acl.mdl.unload(model["id"])
        acl.mdl.destroy_desc(model["desc"])


def _ok(result: Any, what: str, error: type[ShimError] = ShimError) -> Any:
    """pyACL returns `ret` or `(value, ret)`; raise on a non-zero ret, else give the value."""
    value, ret = result if isinstance(result, tuple) else (None, result)
    if ret != 0:
        raise error(f"acl.{what} failed with error code {ret}; see the CANN log (ascend_log)")
    return value
