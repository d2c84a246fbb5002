"""Count the work in an ONNX graph: multiply-accumulates (MACs) of Conv, ConvTranspose,
Gemm and MatMul, the layers that dominate a CNN's time. 1 MAC = 2 FLOPs.

Shapes come from ONNX shape inference with the real input shapes filled in, so a
batch of 8 counts 8 times the work. Other ops (activations, pooling, resize) are
not counted: they are memory-bound and small next to the convolutions. Nodes in
If/Loop subgraphs are not visited.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import onnx
from onnx import shape_inference

from .errors import ModelError

COUNTED_OPS = ("Conv", "ConvTranspose", "Gemm", "MatMul")


@dataclass(frozen=True)
class WorkCount:
    """MACs per op type, and the counted-op nodes whose shapes were unknown."""

    macs: int
    by_op: dict[str, int] = field(default_factory=dict)
    uncounted: tuple[str, ...] = ()  # node names: shapes unknown, work left out

    @property
    def flops(self) -> int:
        return 2 * self.macs


def count_macs(
    model: str | Path | onnx.ModelProto, input_shapes: dict[str, tuple[int, ...]] | None = None
) -> WorkCount:
    """MACs of `model` for `input_shapes` ({input name: shape}; dynamic dims default to 1)."""
    proto = _load(model)
    _fix_input_shapes(proto, input_shapes or {})
    inferred = shape_inference.infer_shapes(proto)
    shapes = _shape_table(inferred)
    by_op: Counter[str] = Counter()
    uncounted = []
    for node in inferred.graph.node:
        if node.op_type not in COUNTED_OPS:
            continue
        macs = _node_macs(node, shapes)
        if macs is None:
            uncounted.append(node.name or f"{node.op_type}->{node.output[0]}")
        else:
            by_op[node.op_type] += macs
    return WorkCount(sum(by_op.values()), dict(by_op), tuple(uncounted))


def _load(model: str | Path | onnx.ModelProto) -> onnx.ModelProto:
    if isinstance(model, onnx.ModelProto):
        proto = onnx.ModelProto()
        proto.CopyFrom(model)  # shapes are filled in below; leave the caller's model alone
        return proto
    try:
        return onnx.load(str(model))
    except Exception as exc:
        raise ModelError(f"{model} could not be read as ONNX: {exc}") from None


def _fix_input_shapes(proto: onnx.ModelProto, shapes: dict[str, tuple[int, ...]]) -> None:
    initializers = {t.name for t in proto.graph.initializer}
    inputs = [i for i in proto.graph.input if i.name not in initializers]
    unknown = set(shapes) - {i.name for i in inputs}
    if unknown:
        raise ModelError(
            f"no model input named {sorted(unknown)}; inputs are {[i.name for i in inputs]}"
        )
    for value in inputs:
        dims = value.type.tensor_type.shape.dim
        given = shapes.get(value.name)
        if given is not None and len(given) != len(dims):
            raise ModelError(
                f"input {value.name} has {len(dims)} dimensions, got shape {tuple(given)}"
            )
        for i, dim in enumerate(dims):
            if given is not None:
                dim.dim_value = int(given[i])
            elif not dim.HasField("dim_value"):
                dim.dim_value = 1  # an unnamed batch counts as one image


def _shape_table(proto: onnx.ModelProto) -> dict[str, tuple[int, ...] | None]:
    table: dict[str, tuple[int, ...] | None] = {
        t.name: tuple(t.dims) for t in proto.graph.initializer
    }
    graph = proto.graph
    for value in [*graph.input, *graph.value_info, *graph.output]:
        if value.type.HasField("tensor_type") and value.type.tensor_type.HasField("shape"):
            dims = value.type.tensor_type.shape.dim
            known = all(d.HasField("dim_value") for d in dims)
            table[value.name] = tuple(d.dim_value for d in dims) if known else None
    return table


def _node_macs(node: Any, shapes: dict[str, tuple[int, ...] | None]) -> int | None:
    ins = [shapes.get(name) for name in node.input[:2]]
    out = shapes.get(node.output[0])
    if any(s is None for s in ins) or out is None:
        return None
    x, w = ins
    if node.op_type == "Conv":
        # Every output element sums over (in_channels / group) x kernel window.
        return math.prod(out) * math.prod(w[1:])
    if node.op_type == "ConvTranspose":
        # Every input element is scattered over (out_channels / group) x kernel window.
        return math.prod(x) * math.prod(w[1:])
    if node.op_type == "Gemm":
        trans_a = next((a.i for a in node.attribute if a.name == "transA"), 0)
        k = x[0] if trans_a else x[1]
        return math.prod(out) * k
    k = x[-1]  # MatMul: each output element is a dot product over A's last axis
    return math.prod(out) * k
