"""Jupyter kernelspecs that pin a hardware profile (replay, sim, lab cameras, edge boards)."""
