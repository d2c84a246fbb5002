"""Jupyter kernelspecs that pin a hardware profile (replay, sim, lab cameras, edge boards),
and the grader's sandboxed kernel.

Kept import-light: the sandbox launcher starts a kernel per submission and must not pay for
jupyter_client on every start.
"""

from __future__ import annotations

from typing import Any

_KERNELSPECS = {"KERNEL_PREFIX", "install_kernels", "installed_kernels", "kernel_name",
                "kernelspec"}
__all__ = sorted(_KERNELSPECS)


def __getattr__(name: str) -> Any:
    if name in _KERNELSPECS:
        from lab_kernels import kernelspecs

        return getattr(kernelspecs, name)
    raise AttributeError(f"module 'lab_kernels' has no attribute {name!r}")
