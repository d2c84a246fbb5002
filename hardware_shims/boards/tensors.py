"""Input tensors: what a loaded model expects, and checks that say what is wrong."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError

Inputs = Mapping[str, Any] | np.ndarray


@dataclass(frozen=True)
class TensorSpec:
    """One model input: name, shape (None for a dynamic dimension) and dtype."""

    name: str
    shape: tuple[int | None, ...]
    dtype: np.dtype | None = None  # None: the runtime did not say; not checked

    def describe(self) -> str:
        dims = ", ".join("N" if d is None else str(d) for d in self.shape)
        dtype = f" {self.dtype}" if self.dtype is not None else ""
        return f"{self.name}: ({dims}){dtype}"


def dims(shape: Any) -> tuple[int | None, ...]:
    """Runtime shape -> tuple; symbolic or negative dims (`batch`, -1) become None."""
    return tuple(d if isinstance(d, int) and d >= 0 else None for d in shape)


def as_feeds(inputs: Inputs, names: list[str], where: str) -> dict[str, np.ndarray]:
    """Turn `run()`'s argument into {input name: contiguous array}."""
    if isinstance(inputs, Mapping):
        feeds = {str(k): np.ascontiguousarray(np.asarray(v)) for k, v in inputs.items()}
        missing = [n for n in names if n not in feeds]
        unknown = [k for k in feeds if k not in names]
        if missing or unknown:
            raise InputError(
                f"inputs for {where} do not match the model: missing {missing or 'none'}, "
                f"unknown {unknown or 'none'}; the model's inputs are {names}"
            )
        return feeds
    if len(names) != 1:
        raise InputError(
            f"the model on {where} has {len(names)} inputs {names}; pass a dict "
            "{name: array} instead of a single array"
        )
    return {names[0]: np.ascontiguousarray(np.asarray(inputs))}


def check_feeds(feeds: dict[str, np.ndarray], specs: list[TensorSpec], where: str) -> None:
    """Raise InputError naming the input, what came and what the model expects."""
    for spec in specs:
        array = feeds[spec.name]
        expected = spec.describe()
        fits = len(array.shape) == len(spec.shape) and all(
            want is None or want == got for want, got in zip(spec.shape, array.shape, strict=True)
        )
        if not fits:
            raise InputError(
                f"input {spec.name!r} for {where} has shape {tuple(array.shape)} but the model "
                f"expects {expected} (N: any size); resize or reshape the image, or export "
                "the model for this shape"
            )
        if spec.dtype is not None and array.dtype != spec.dtype:
            # Never cast silently: a board receiving float64 or uint8 would fail or mis-scale.
            raise InputError(
                f"input {spec.name!r} for {where} is {array.dtype} but the model expects "
                f"{spec.dtype}; convert it, e.g. x.astype(np.{spec.dtype.name})"
            )
