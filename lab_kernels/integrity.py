"""Library integrity for graded test cells: undo what student code monkeypatched.

The grader's kernel calls `snapshot()` at start-up, before any student code runs. Before each
graded test cell runs, `restore()` puts back every watched function a submission replaced, so a
test's verdict comes from the real numpy, math and builtins, and says what was undone.
"""

from __future__ import annotations

import importlib
import sys

WATCHED = {
    "builtins": ("abs", "all", "any", "isinstance", "len", "max", "min", "round", "sum",
                 "AssertionError", "float", "int", "set", "sorted", "print"),
    "math": ("isclose", "isfinite", "sqrt"),
    "numpy": ("allclose", "array_equal", "isclose", "asarray", "array", "unique", "all", "any",
              "abs", "mean", "sum", "count_nonzero", "logical_and", "logical_or"),
    "numpy.testing": ("assert_allclose", "assert_array_equal", "assert_equal",
                      "assert_almost_equal"),
}
_originals: dict[tuple[str, str], object] = {}
_modules: dict[str, object] = {}


def snapshot() -> None:
    """Remember the watched modules and functions as they are before student code runs."""
    for module_name, names in WATCHED.items():
        module = importlib.import_module(module_name)
        _modules[module_name] = module
        for name in names:
            if hasattr(module, name):
                _originals[(module_name, name)] = getattr(module, name)


def restore() -> list[str]:
    """Put back what was replaced; return the dotted names that had been tampered with."""
    tampered = []
    for module_name, module in _modules.items():
        if sys.modules.get(module_name) is not module:
            sys.modules[module_name] = module
            tampered.append(module_name)
    for (module_name, name), original in _originals.items():
        module = _modules[module_name]
        if getattr(module, name, None) is not original:
            setattr(module, name, original)
            tampered.append(f"{module_name}.{name}")
    if tampered:
        print(f"microfab grader: restored {', '.join(tampered)}, replaced by code in this "
              f"notebook; tests run against the real functions", file=sys.stderr)
    return tampered
