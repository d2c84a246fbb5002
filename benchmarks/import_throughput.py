"""Importing magnetic-tile into a session: images/s vs a plain cv2.imread loop over its files.

Baseline: `cv2.imread` of every image and its mask (the same 1,344 jpg + png pairs), in the
same run, on one core. The import also checks, binarises, compresses and writes every
frame, so it is expected to be slower; the ratio says by how much.
Data: ../shared/data/magnetic-tile beside the repository (or --root); not shipped.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import cv2  # noqa: E402

from hardware_shims.recording.importers import import_dataset  # noqa: E402

cv2.setNumThreads(1)
DEFAULT_ROOT = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "magnetic-tile"


def best_of(repeats: int, work) -> float:
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        work()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--root", type=Path, default=DEFAULT_ROOT)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    if not args.root.is_dir():
        sys.exit(f"magnetic-tile data set not found at {args.root}; pass --root DIR, or get it "
                 "with `microfab data fetch magnetic-tile`")
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    images = sorted(args.root.glob("MT_*/Imgs/*.jpg"))
    pairs = [(str(p), str(p.with_suffix(".png"))) for p in images]

    def imread_loop():
        for image, mask in pairs:
            assert cv2.imread(image, cv2.IMREAD_UNCHANGED) is not None
            assert cv2.imread(mask, cv2.IMREAD_GRAYSCALE) is not None

    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "tiles.mcap"
        reports = []

        def import_run():
            reports.append(import_dataset("image-mask", args.root, out, progress=False))

        baseline_s = best_of(args.repeats, imread_loop)
        import_s = best_of(args.repeats, import_run)
        size_mb = out.stat().st_size / 1e6
    frames = reports[-1].frames
    assert frames == len(pairs), f"imported {frames} of {len(pairs)} images"
    baseline_ips, import_ips = len(pairs) / baseline_s, frames / import_s
    print(f"images: {frames} magnetic-tile jpg + png masks, one core, best of {args.repeats}")
    print(f"baseline cv2.imread image+mask loop: {baseline_ips:8.1f} images/s")
    print(f"import_dataset image-mask -> MCAP:   {import_ips:8.1f} images/s "
          f"(session {size_mb:.0f} MB)")
    print(f"ratio import / imread:               {import_ips / baseline_ips:8.2f}x")


if __name__ == "__main__":
    main()
