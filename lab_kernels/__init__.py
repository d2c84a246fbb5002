"""Jupyter kernelspecs that pin a hardware profile (replay, sim, lab cameras, edge boards)."""

from lab_kernels.kernelspecs import (
    KERNEL_PREFIX,
    install_kernels,
    installed_kernels,
    kernel_name,
    kernelspec,
)

__all__ = ["KERNEL_PREFIX", "install_kernels", "installed_kernels", "kernel_name", "kernelspec"]
