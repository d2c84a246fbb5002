"""int8 against fp32: ONNX Runtime latency and accuracy of unit 09's tile classifier, one core.

Follows course_units/09-edge-deployment/lesson.md: tiles of 64 px every 48 px cut from covers
that the digital twin renders (1280 x 960 px, 0.140625 mm per pixel, bright-field, scratches,
pits, stains and edge chips), the lesson's TileNet trained from scratch with a fixed seed,
exported with the TorchScript exporter (opset 17, dynamic batch) and quantised by
`quantize_static` (QDQ, per-channel int8 weights, uint8 activations, MinMax calibration on 256
training tiles; 7-bit weights on a CPU without VNNI). The threshold on the logit is chosen on a
validation line, accuracy is measured on a test line.

Baseline, measured in the same run: the fp32 ONNX model on `cpu://?threads=1` (ONNX Runtime,
one thread, the process pinned to one core), on the same tiles: one cover's tiles as one batch.
Reported: the ratio fp32 / int8 of the median latency per cover (goal >= 2x) and the tile
accuracy lost by int8 on the test tiles (goal <= 1 percentage point). Exits 1 if either goal
is missed.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import math
import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402

STATION = ("sim://backboard-station?width=1280&height=960&fov_mm=180&light=bright-field"
           "&defects=scratch,pit,stain,edge-chip&defect_rate=0.7")
TILE_PX, STRIDE_PX = 64, 48
GOAL_RATIO = 2.0
MAX_LOSS_POINTS = 1.0


def tile_starts(length_px: int) -> list[int]:
    count = max(1, math.ceil((length_px - TILE_PX) / STRIDE_PX) + 1)
    return [min(i * STRIDE_PX, length_px - TILE_PX) for i in range(count)]


def cut_tiles(frame) -> tuple[np.ndarray, np.ndarray]:
    """The cover's tiles and labels (1 defect, 0 good, -1 ambiguous), as in the lesson."""
    mm_per_px = frame.extra["mm_per_px"]
    height, width = frame.image.shape
    length_px, width_px = (round(side / mm_per_px) for side in frame.extra["cover_mm"])
    pose = frame.extra["pose"]
    x0 = min(max(round(width / 2 + pose["x_mm"] / mm_per_px - length_px / 2), 0),
             width - length_px)
    y0 = min(max(round(height / 2 + pose["y_mm"] / mm_per_px - width_px / 2), 0),
             height - width_px)
    defect = frame.defect_mask > 0
    total = int(defect.sum())
    tiles, labels = [], []
    for y in tile_starts(width_px):
        for x in tile_starts(length_px):
            window = (slice(y0 + y, y0 + y + TILE_PX), slice(x0 + x, x0 + x + TILE_PX))
            hits = int(defect[window].sum())
            tiles.append(frame.image[window])
            labels.append(1 if hits >= 20 or (total and hits >= 0.4 * total)
                          else 0 if hits == 0 else -1)
    return np.stack(tiles), np.array(labels)


def collect(seed: int, covers: int) -> tuple[np.ndarray, np.ndarray]:
    from hardware_shims import open_camera

    pick = np.random.default_rng(seed)
    images, labels = [], []
    for material in ("glass", "aluminium"):
        uri = f"{STATION}&material={material}&seed={seed}"
        with contextlib.redirect_stdout(io.StringIO()), open_camera(uri) as camera:
            for _ in range(covers):
                tiles, tile_labels = cut_tiles(camera.read())
                good = pick.choice(np.flatnonzero(tile_labels == 0), 8, replace=False)
                keep = np.concatenate([np.flatnonzero(tile_labels == 1), good])
                images.append(tiles[keep])
                labels.append(tile_labels[keep])
    return np.concatenate(images), np.concatenate(labels)


def to_input(tiles: np.ndarray) -> np.ndarray:
    return ((np.asarray(tiles, np.float32) - 128.0) / 64.0)[:, None]


def train(tiles: np.ndarray, labels: np.ndarray, epochs: int):
    """The lesson's TileNet and training recipe (AdamW, flips, binary cross-entropy)."""
    import torch
    import torch.nn as nn

    class TileNet(nn.Module):
        def __init__(self, widths=(24, 48, 96, 96)):
            super().__init__()
            layers, channels = [], 1
            for i, width in enumerate(widths):
                layers += [nn.Conv2d(channels, width, 3, stride=2 if i == 0 else 1, padding=1,
                                     bias=False), nn.BatchNorm2d(width), nn.ReLU()]
                if i < len(widths) - 1:
                    layers.append(nn.MaxPool2d(2))
                channels = width
            self.features = nn.Sequential(*layers)
            self.head = nn.Linear(channels, 1)

        def forward(self, x):
            return self.head(torch.amax(self.features(x), dim=(2, 3)))

    torch.manual_seed(0)
    net = TileNet()
    optimiser = torch.optim.AdamW(net.parameters(), lr=3e-3, weight_decay=1e-4)
    x_all = torch.from_numpy(to_input(tiles))
    y_all = torch.from_numpy(labels.astype(np.float32))
    for _ in range(epochs):
        net.train()
        order = torch.randperm(len(x_all))
        for i in range(0, len(order), 64):
            rows = order[i:i + 64]
            x = torch.where(torch.rand(len(rows), 1, 1, 1) < 0.5, x_all[rows].flip(3), x_all[rows])
            x = torch.where(torch.rand(len(rows), 1, 1, 1) < 0.5, x.flip(2), x)
            loss = nn.functional.binary_cross_entropy_with_logits(net(x).squeeze(1), y_all[rows])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    return net.eval()


def export_and_quantise(net, calibration: np.ndarray, folder: Path) -> tuple[Path, Path]:
    import torch
    from onnxruntime.quantization import (
        CalibrationDataReader,
        CalibrationMethod,
        QuantFormat,
        QuantType,
        quantize_static,
    )
    from onnxruntime.quantization.shape_inference import quant_pre_process

    fp32, prepared, int8 = (folder / n for n in ("fp32.onnx", "prepared.onnx", "int8.onnx"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        torch.onnx.export(net, torch.zeros(1, 1, TILE_PX, TILE_PX), str(fp32),
                          input_names=["tiles"], output_names=["logit"],
                          dynamic_axes={"tiles": {0: "batch"}, "logit": {0: "batch"}},
                          opset_version=17, dynamo=False)
    quant_pre_process(str(fp32), str(prepared))

    class Reader(CalibrationDataReader):
        def __init__(self):
            self.batches = iter([{"tiles": to_input(calibration[i:i + 32])}
                                 for i in range(0, len(calibration), 32)])

        def get_next(self):
            return next(self.batches, None)

    with contextlib.redirect_stdout(io.StringIO()):
        quantize_static(str(prepared), str(int8), Reader(), quant_format=QuantFormat.QDQ,
                        per_channel=True, activation_type=QuantType.QUInt8,
                        weight_type=QuantType.QInt8, reduce_range=not has_vnni(),
                        calibrate_method=CalibrationMethod.MinMax)
    return fp32, int8


def has_vnni() -> bool:
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return False
    return any(flag in text.split() for flag in ("avx512_vnni", "avx_vnni"))


def logits(path: Path, tiles: np.ndarray) -> np.ndarray:
    import onnxruntime as ort

    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    return session.run(None, {"tiles": to_input(tiles)})[0][:, 0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--covers", type=int, default=24,
                        help="training covers per material (validation and test: half)")
    parser.add_argument("--epochs", type=int, default=5, help="training epochs")
    parser.add_argument("--runs", type=int, default=50, help="timed runs per model")
    args = parser.parse_args()
    core = min(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {core})
    import torch

    torch.set_num_threads(1)
    from hardware_shims import open_camera
    from hardware_shims.boards import open_board

    started = time.perf_counter()
    train_tiles, train_labels = collect(101, args.covers)
    val_tiles, val_labels = collect(201, max(2, args.covers // 2))
    test_tiles, test_labels = collect(301, max(2, args.covers // 2))
    net = train(train_tiles, train_labels, args.epochs)
    calibration = train_tiles[np.random.default_rng(7).choice(len(train_tiles), 256,
                                                              replace=False)]
    with tempfile.TemporaryDirectory() as tmp:
        fp32_path, int8_path = export_and_quantise(net, calibration, Path(tmp))
        val = logits(fp32_path, val_tiles)
        candidates = np.unique(np.concatenate([[0.0], np.quantile(val, np.linspace(0, 1, 201))]))
        threshold = float(max(candidates, key=lambda t: np.mean((val > t) == val_labels)))
        accuracy = {name: float(np.mean((logits(path, test_tiles) > threshold) == test_labels))
                    for name, path in (("fp32", fp32_path), ("int8", int8_path))}
        with contextlib.redirect_stdout(io.StringIO()), open_camera(
                f"{STATION}&material=glass&seed=401") as camera:
            cover_batch = to_input(cut_tiles(camera.read())[0])
        stats = {}
        for name, path in (("fp32", fp32_path), ("int8", int8_path)):
            with contextlib.redirect_stdout(io.StringIO()), open_board("cpu://?threads=1") as board:
                board.load(path)
                stats[name] = board.benchmark(cover_batch, runs=args.runs, warmup=5,
                                              progress=False)
    setup_s = time.perf_counter() - started
    ratio = stats["fp32"].p50_ms / stats["int8"].p50_ms
    loss = 100 * (accuracy["fp32"] - accuracy["int8"])
    print(f"unit 09 TileNet, {len(cover_batch)} tiles of {TILE_PX} px per cover, cpu://?threads=1 "
          f"on core {core}, VNNI {'yes' if has_vnni() else 'no'}, {args.runs} runs; "
          f"{len(train_tiles)} training / {len(test_tiles)} test tiles, {args.epochs} epochs, "
          f"threshold {threshold:.2f} (validation), {setup_s:.0f} s in all")
    for name in ("fp32", "int8"):
        label = "baseline fp32" if name == "fp32" else "int8         "
        print(f"{label}: p50 {stats[name].p50_ms:7.2f} ms, p99 {stats[name].p99_ms:7.2f} ms per "
              f"cover; test tile accuracy {100 * accuracy[name]:.1f} %")
    print(f"ratio fp32 / int8 (p50 per cover): {ratio:.2f}x (goal >= {GOAL_RATIO:g}x)")
    print(f"accuracy lost by int8: {loss:+.1f} points (goal <= {MAX_LOSS_POINTS:g})")
    return 0 if ratio >= GOAL_RATIO and loss <= MAX_LOSS_POINTS else 1


if __name__ == "__main__":
    sys.exit(main())
