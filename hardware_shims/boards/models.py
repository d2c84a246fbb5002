"""Model sources: ONNX/OM files, TorchScript `.pt` files, in-memory torch modules.

Torch is imported only when a torch model is given, so ONNX-only use stays light.
Modules are exported to ONNX with input names `input` (or `input0`, `input1`, ...)
and output names `output` (or `output0`, ...), with a dynamic batch dimension.
"""

from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Any

import numpy as np

from .errors import ModelError

TORCHSCRIPT_SUFFIXES = (".pt", ".pth", ".ts")


def is_torch_module(model: Any) -> bool:
    torch = sys.modules.get("torch")  # a module can only exist if torch is imported
    return torch is not None and isinstance(model, torch.nn.Module)


def resolve(model: Any, where: str) -> Path | Any:
    """A checked model file path, or a torch module (TorchScript files are loaded)."""
    if is_torch_module(model):
        return model
    if not isinstance(model, (str, Path)):
        raise ModelError(
            f"{where} cannot load {type(model).__name__}; pass a model file path "
            "(.onnx, .om, TorchScript .pt) or a torch.nn.Module"
        )
    path = Path(model).expanduser()
    if not path.is_file():
        raise ModelError(
            f"model file {path} does not exist (asked by {where}); check the path, or "
            "export your network first, e.g. torch.onnx.export(net, x, 'model.onnx')"
        )
    if path.suffix.lower() in TORCHSCRIPT_SUFFIXES:
        return load_torchscript(path)
    return path


def load_torchscript(path: Path) -> Any:
    import torch

    try:
        with warnings.catch_warnings():
            # TorchScript is deprecated upstream but is still what edge toolchains accept.
            warnings.simplefilter("ignore", DeprecationWarning)
            return torch.jit.load(str(path), map_location="cpu")
    except Exception as exc:  # torch raises RuntimeError/ValueError for non-TorchScript files
        raise ModelError(
            f"{path} is not a TorchScript file ({type(exc).__name__}: {exc}); save it with "
            "torch.jit.script(net).save(path), or pass the torch.nn.Module itself"
        ) from None


def io_names(prefix: str, count: int) -> list[str]:
    return [prefix] if count == 1 else [f"{prefix}{i}" for i in range(count)]


def torch_outputs(result: Any, where: str) -> list[Any]:
    """A module's return value as a list of tensors (a tensor, or a tuple/list of them)."""
    items = list(result) if isinstance(result, (tuple, list)) else [result]
    if not items or not all(hasattr(t, "detach") for t in items):
        raise ModelError(
            f"the module on {where} returned {type(result).__name__}; boards need a tensor "
            "or a tuple of tensors (return dicts as a tuple in a fixed order)"
        )
    return items


def export_onnx(module: Any, feeds: dict[str, np.ndarray], out: Path, where: str) -> Path:
    """Export `module` to ONNX at `out`, traced with `feeds` (dict order = argument order)."""
    import torch

    args = tuple(torch.from_numpy(np.ascontiguousarray(a)) for a in feeds.values())
    module = module.eval()
    with torch.no_grad():
        outputs = torch_outputs(module(*args), where)
    input_names = list(feeds)
    output_names = io_names("output", len(outputs))
    # Batch stays dynamic so one export serves batch 1 on the line and batch N offline.
    dynamic = {n: {0: "batch"} for n, a in zip(input_names, args, strict=True) if a.dim() > 0}
    dynamic |= {n: {0: "batch"} for n, t in zip(output_names, outputs, strict=True) if t.dim()}
    try:
        with warnings.catch_warnings():
            # The TorchScript exporter needs no onnxscript; its deprecation notice is noise here.
            warnings.simplefilter("ignore", DeprecationWarning)
            warnings.filterwarnings("ignore", "no signature found", UserWarning)  # ScriptModules
            torch.onnx.export(
                module, args, str(out), input_names=input_names, output_names=output_names,
                dynamic_axes=dynamic, opset_version=17, dynamo=False,
            )
    except Exception as exc:
        raise ModelError(
            f"exporting the module to ONNX for {where} failed ({type(exc).__name__}: {exc}); "
            "export it yourself with torch.onnx.export and load the .onnx file"
        ) from exc
    return out
