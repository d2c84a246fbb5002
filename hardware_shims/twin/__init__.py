"""The digital twin of the backboard inspection station: a deterministic, labelled renderer.

`render_part(config, index)` draws part `index` of a line described by a
`hardware_shims.cameras.sim.StationConfig`: the cover (glass with faint waviness and dust, or
brushed aluminium with its grain and streaks; cut-out, printed logo) in its pose on the conveyor,
at most one defect (irregular, of varying contrast) with its exact pixel mask, under one of four
lights, through a lens with OpenCV's distortion model and a noisy 8-bit sensor. With
`target=checkerboard` it draws a calibration board in a new pose per index instead. The same
(config, index) gives the same pixels on every run. README.md states every distribution.
"""

from .render import render_part

__all__ = ["render_part"]
