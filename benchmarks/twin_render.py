"""Twin rendering speed at 1280x960 on one core, for live ipywidgets sliders.

Baseline, measured in the same run: `cv2.imread` of the same rendered frames saved as PNG
(what showing a pre-recorded frame costs). Also printed against the 20 frames/s that sliders
need to feel live. Every light on both materials (textured covers, realistic defects), then
one station with lens distortion and one calibration checkerboard.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402

from hardware_shims import open_camera  # noqa: E402

cv2.setNumThreads(1)
LIVE_FPS = 20.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=40)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})
    rates = {}
    frames = []
    cases = [(f"{material} {light}", f"light={light}&material={material}")
             for material in ("aluminium", "glass")
             for light in ("bright-field", "dark-field", "coaxial", "low-angle")]
    cases += [("aluminium, k1=-0.2 lens", "material=aluminium&k1=-0.2&k2=0.05"),
              ("checkerboard, k1=-0.2", "target=checkerboard&k1=-0.2")]
    for name, query in cases:
        uri = f"sim://backboard-station?{query}&seed=1&defect_rate=0.8"
        with contextlib.redirect_stdout(io.StringIO()), open_camera(uri) as camera:
            camera.read()  # warm-up: lens maps and texture tiles are made once per station
            started = time.perf_counter()
            batch = [camera.read() for _ in range(args.frames)]
            rates[name] = args.frames / (time.perf_counter() - started)
        frames.extend(batch[:5])
    with tempfile.TemporaryDirectory() as tmp:
        paths = [Path(tmp) / f"{i:03d}.png" for i in range(len(frames))]
        for path, frame in zip(paths, frames, strict=True):
            cv2.imwrite(str(path), frame.image)
        started = time.perf_counter()
        for path in paths:
            cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
        imread_fps = len(paths) / (time.perf_counter() - started)
    print(f"1280x960 Mono8, one core, {args.frames} frames per station")
    print(f"baseline cv2.imread of the same frames as PNG: {imread_fps:7.1f} frames/s")
    for name, fps in rates.items():
        print(f"twin {name:24}: {fps:6.1f} frames/s = {fps / imread_fps:5.2f}x imread, "
              f"{fps / LIVE_FPS:5.2f}x the {LIVE_FPS:g} frames/s live target")


if __name__ == "__main__":
    main()
