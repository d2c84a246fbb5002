"""The library functions the checks compute with, captured when this module is imported.

Student code runs in the same kernel as the test cells, so it can replace
`numpy.array_equal` (or `time.perf_counter`) with something that always agrees.
Every check calls `verify_untampered()` first, and computes only with the
captured originals (`np_.array_equal`, `math_.isfinite`), never with a fresh
`numpy.` lookup. A stand-in already in place at import is caught too: each
captured function must be the library's own (its name, and C code or source
inside the library's folder).
"""

from __future__ import annotations

import builtins
import math
import os
import time
import types
from dataclasses import dataclass, field

import numpy

#: What the checks rely on: module -> attribute names. Keep in step with np_/math_ uses.
GUARDED: dict[types.ModuleType, tuple[str, ...]] = {
    numpy: (
        "asarray", "array_equal", "allclose", "logical_and", "logical_or", "logical_not",
        "count_nonzero", "unique", "absolute", "isfinite", "argmax", "unravel_index",
        "percentile",  # LatencyStats.from_samples computes the percentiles with it
    ),
    math: ("isfinite",),
    time: ("perf_counter",),  # Board.run times every inference with it
    builtins: ("abs", "len", "max", "min", "sum", "sorted", "isinstance"),
}


# numpy wraps most Python-level functions in this C type (private, hence the fallback).
_DISPATCHER = getattr(getattr(getattr(numpy, "_core", None), "_multiarray_umath", None),
                      "_ArrayFunctionDispatcher", None)


class TamperingDetected(AssertionError):
    """A library function the autograder relies on was replaced in this kernel."""


def _package_dir(module: types.ModuleType) -> str | None:
    path = getattr(module, "__file__", None)
    return os.path.dirname(os.path.abspath(path)) if path else None


def _from_package(function: types.FunctionType, module: types.ModuleType) -> bool:
    home = _package_dir(module)
    filename = os.path.abspath(function.__code__.co_filename)
    return bool(home) and filename.startswith(f"{home}{os.sep}")


def _genuine(value: object, module: types.ModuleType, name: str) -> bool:
    """Whether `value` is the library's own `name`, not a stand-in defined elsewhere."""
    if getattr(value, "__name__", None) != name:
        return False  # e.g. numpy.array_equal = numpy.allclose, or a lambda
    if isinstance(value, (numpy.ufunc, types.BuiltinFunctionType)):
        # C functions cannot be written in a notebook; the module must match too.
        owner = getattr(value, "__module__", None) or getattr(value, "__self__", None)
        return getattr(owner, "__name__", owner) == module.__name__
    if _DISPATCHER is not None and isinstance(value, _DISPATCHER):
        wrapped = value.__wrapped__  # numpy's __array_function__ dispatcher around the real one
        if isinstance(wrapped, types.BuiltinFunctionType):
            return True
        return isinstance(wrapped, types.FunctionType) and _from_package(wrapped, module)
    return isinstance(value, types.FunctionType) and _from_package(value, module)


@dataclass
class Originals:
    """Captured functions by dotted name, and any that did not look genuine at capture."""

    functions: dict[str, object] = field(default_factory=dict)
    suspicious: list[str] = field(default_factory=list)

    def namespace(self, module: types.ModuleType) -> types.SimpleNamespace:
        """The captured functions of one module: `np_.array_equal`, `math_.sqrt`."""
        prefix = module.__name__ + "."
        return types.SimpleNamespace(**{
            dotted[len(prefix):]: fn for dotted, fn in self.functions.items()
            if dotted.startswith(prefix)
        })

    def replaced(self) -> list[str]:
        """Dotted names whose module attribute is no longer the captured original."""
        found = list(self.suspicious)
        for module, names in GUARDED.items():
            for name in names:
                dotted = f"{module.__name__}.{name}"
                if getattr(module, name, None) is not self.functions[dotted] and (
                    dotted not in found
                ):
                    found.append(dotted)
        return found

    def verify_untampered(self) -> None:
        """Raise TamperingDetected naming every replaced function."""
        replaced = self.replaced()
        if replaced:
            names = ", ".join(replaced)
            raise TamperingDetected(
                f"{names} {'has' if len(replaced) == 1 else 'have'} been replaced in this "
                "kernel (by your code or by a library it imported), so the autograder cannot "
                f"trust any result computed with {'it' if len(replaced) == 1 else 'them'}. "
                f"Remove every line that assigns to {names} (such as `{replaced[0]} = ...`), "
                "restart the kernel and run all cells again."
            )


def capture() -> Originals:
    """Capture every guarded function now, noting any that is not the library's own."""
    originals = Originals()
    for module, names in GUARDED.items():
        for name in names:
            dotted = f"{module.__name__}.{name}"
            value = getattr(module, name)
            originals.functions[dotted] = value
            if not _genuine(value, module, name):
                originals.suspicious.append(dotted)
    return originals


trusted = capture()
np_ = trusted.namespace(numpy)
math_ = trusted.namespace(math)


def verify_untampered() -> None:
    """Every check calls this first: fail if a guarded library function was replaced."""
    trusted.verify_untampered()
