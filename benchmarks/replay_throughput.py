"""Replay is never the bottleneck: replay:// frames/s vs a plain cv2.imread loop over PNGs.

Baseline: `cv2.imread` of the same 1280x960 8-bit frames saved as PNG files, in the same run,
on one core. Prints frames/s for both and the ratio (goal: >= 1.0).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from hardware_shims import Frame, SessionReader, SessionWriter, open_camera  # noqa: E402

cv2.setNumThreads(1)


def make_frames(count: int) -> list[np.ndarray]:
    """Line-camera-like frames: the sample cover upscaled, with sensor noise."""
    reader = SessionReader(Path(__file__).resolve().parents[1] /
                           "hardware_shims/sessions/orientation/sample.mcap")
    bases = [cv2.resize(f.image, (1280, 960)) for f in reader.frames()]
    rng = np.random.default_rng(0)
    frames = []
    for i in range(count):
        noise = rng.normal(0, 2.0, (960, 1280))
        frames.append(np.clip(bases[i % len(bases)] + noise, 0, 255).astype(np.uint8))
    return frames


def best_of(repeats: int, work) -> float:
    return min(_timed(work) for _ in range(repeats))


def _timed(work) -> float:
    started = time.perf_counter()
    work()
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=60)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    frames = make_frames(args.frames)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pngs = []
        for i, image in enumerate(frames):
            pngs.append(folder / f"{i:04d}.png")
            cv2.imwrite(str(pngs[-1]), image)
        session = folder / "bench.mcap"
        with SessionWriter(session) as writer:
            for i, image in enumerate(frames):
                writer.write_frame(Frame(image=image, index=i, exposure_us=800.0))

        def imread_loop():
            for path in pngs:
                assert cv2.imread(str(path), cv2.IMREAD_UNCHANGED) is not None

        def replay_loop():
            with open_camera(f"replay://{session}") as camera:
                assert sum(1 for _ in camera) == len(frames)

        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()):
            baseline_s = best_of(args.repeats, imread_loop)
            replay_s = best_of(args.repeats, replay_loop)
    baseline_fps, replay_fps = len(frames) / baseline_s, len(frames) / replay_s
    print(f"frames: {len(frames)} x 1280x960 Mono8, one core, best of {args.repeats}")
    print(f"baseline cv2.imread PNG loop: {baseline_fps:8.1f} frames/s")
    print(f"replay:// session:            {replay_fps:8.1f} frames/s")
    print(f"ratio replay / imread:        {replay_fps / baseline_fps:8.2f}x (goal >= 1.00)")


if __name__ == "__main__":
    main()
