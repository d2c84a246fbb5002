"""Which names a cell reads but does not define: what the test process fetches from the student.

Conservative on purpose: every name the cell loads anywhere (nested functions included, since a
helper defined by the instructor may call a student function later), less every name it binds
anywhere, its imports and Python's builtins.
"""

from __future__ import annotations

import ast
import builtins

from IPython.core.inputtransformer2 import TransformerManager

# Python's builtins and the names IPython puts in every namespace
_BUILTINS = set(dir(builtins)) | {"get_ipython", "display", "In", "Out", "exit", "quit"}
_transform = TransformerManager().transform_cell


def free_names(source: str) -> set[str]:
    """Names `source` (IPython syntax allowed) reads and never binds; empty if it cannot parse."""
    try:
        tree = ast.parse(_transform(source))
    except SyntaxError:
        return set()
    loaded, bound = set(), set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name):
            (loaded if isinstance(node.ctx, ast.Load) else bound).add(node.id)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ExceptHandler) and node.name:
            bound.add(node.name)
        elif isinstance(node, (ast.Global, ast.Nonlocal)):
            loaded.update(node.names)
        elif isinstance(node, ast.MatchAs | ast.MatchStar) and node.name:
            bound.add(node.name)
    return loaded - bound - _BUILTINS
