"""Generate the orientation unit's sample session, deterministically.

    python -m hardware_shims.tools.make_orientation_session [--out PATH]

Twelve 640x480 Mono8 frames of a phone back cover seen from above on a dark
conveyor: bright rounded rectangle, darker camera cut-out near one corner,
mild vignetting and light sensor noise. About half are "good"; the others
carry one "scratch", "pit" or "stain" each, with a 0/255 defect_mask.
Pure numpy in float64 with a seeded PCG64 per frame, so reruns give the same
pixels (tests/hardware_shims/test_replay.py checks it against the shipped file).
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from hardware_shims.frame import Frame
from hardware_shims.recording.session import SessionWriter

SEED = 20240611
WIDTH, HEIGHT = 640, 480
LABELS = ["good"] * 6 + ["scratch"] * 2 + ["pit"] * 2 + ["stain"] * 2
OUT = Path(__file__).resolve().parents[1] / "sessions" / "orientation" / "sample.mcap"

COVER_GRAY, BELT_GRAY, CUTOUT_GRAY = 186.0, 26.0, 58.0
HALF_W, HALF_H, CORNER_R = 270.0, 168.0, 38.0  # cover 540x336 px: ~60% of the frame
CUTOUT_UV, CUTOUT_R = (-HALF_W + 72.0, -HALF_H + 72.0), 34.0
NOISE_SIGMA = 1.2  # light sensor noise; keeps the PNGs (and the repo) small


def _rounded_rect_sd(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Signed distance (px) to the cover outline: < 0 inside."""
    qx = np.abs(u) - (HALF_W - CORNER_R)
    qy = np.abs(v) - (HALF_H - CORNER_R)
    outside = np.hypot(np.maximum(qx, 0.0), np.maximum(qy, 0.0))
    return outside + np.minimum(np.maximum(qx, qy), 0.0) - CORNER_R


def _defect(label: str, rng: np.random.Generator, u: np.ndarray, v: np.ndarray,
            polarity: float):
    """(intensity delta, boolean mask) for one defect, in cover coordinates u, v."""
    while True:  # a spot on the flat cover, clear of the edge and the camera cut-out
        cu = rng.uniform(-HALF_W + 60, HALF_W - 60)
        cv = rng.uniform(-HALF_H + 50, HALF_H - 50)
        if np.hypot(cu - CUTOUT_UV[0], cv - CUTOUT_UV[1]) > 100:
            break
    du, dv = u - cu, v - cv
    if label == "scratch":
        length, phi = rng.uniform(70, 150), rng.uniform(0, np.pi)
        width, amp = rng.uniform(0.6, 1.0), 45.0 * polarity
        ex, ey = np.cos(phi), np.sin(phi)
        along = np.clip(du * ex + dv * ey, -length / 2, length / 2)
        dist = np.hypot(du - along * ex, dv - along * ey)
        return amp * np.exp(-((dist / width) ** 2)), dist <= width + 1.0
    if label == "pit":
        radius = rng.uniform(2.5, 5.0)
        dist = np.hypot(du, dv)
        soft = 0.5 * (1.0 - np.tanh((dist - radius) / 1.2))  # smooth crater edge
        return -90.0 * soft, dist <= radius + 1.0
    if label == "stain":
        sa = rng.uniform(25, 40)
        sb, psi = sa * rng.uniform(0.5, 0.8), rng.uniform(0, np.pi)
        e1 = du * np.cos(psi) + dv * np.sin(psi)
        e2 = -du * np.sin(psi) + dv * np.cos(psi)
        rho2 = (e1 / sa) ** 2 + (e2 / sb) ** 2
        ripple = 0.85 + 0.15 * np.sin(e1 / 6.0 + rng.uniform(0, 2 * np.pi))
        # Mask where the blotch is >= ~5 grey levels deep: the visible part.
        return -24.0 * np.exp(-2.0 * rho2) * ripple, rho2 <= 0.75
    raise ValueError(f"unknown defect label {label!r}")


def make_frame(index: int, label: str, polarity: float = -1.0) -> Frame:
    """Render part `index` with ground truth `label` (polarity: dark -1 / bright +1)."""
    rng = np.random.default_rng([SEED, index])
    yy, xx = np.mgrid[0:HEIGHT, 0:WIDTH].astype(np.float64)
    # Parts arrive a few pixels and a degree or so off nominal, as on a real line.
    cx = WIDTH / 2 + rng.uniform(-6, 6)
    cy = HEIGHT / 2 + rng.uniform(-5, 5)
    theta = np.deg2rad(rng.uniform(-1.5, 1.5))
    u = (xx - cx) * np.cos(theta) + (yy - cy) * np.sin(theta)
    v = -(xx - cx) * np.sin(theta) + (yy - cy) * np.cos(theta)

    cover = np.clip(0.5 - _rounded_rect_sd(u, v), 0.0, 1.0)  # 1-px anti-aliased edge
    belt = BELT_GRAY + 2.0 * np.sin(2 * np.pi * yy / 6.0)  # fabric weave of the belt
    part = COVER_GRAY + 5.0 * u / HALF_W  # slight tilt of the light across the part
    lens_d = np.hypot(u - CUTOUT_UV[0], v - CUTOUT_UV[1])
    cut = np.clip(CUTOUT_R + 0.5 - lens_d, 0.0, 1.0)
    bezel = np.clip(1.0 - np.abs(lens_d - CUTOUT_R - 3.0) / 2.5, 0.0, 1.0)
    part = part * (1 - cut) + CUTOUT_GRAY * cut + 22.0 * bezel

    mask = np.zeros((HEIGHT, WIDTH), dtype=bool)
    if label != "good":
        delta, mask = _defect(label, rng, u, v, polarity)
        part = part + delta
        mask &= cover > 0.5
    image = belt * (1 - cover) + part * cover

    r2 = ((xx - WIDTH / 2) ** 2 + (yy - HEIGHT / 2) ** 2) / ((WIDTH / 2) ** 2 + (HEIGHT / 2) ** 2)
    image = image * (1.0 - 0.22 * r2)  # lens vignetting: corners ~22% darker
    image = image + rng.normal(0.0, NOISE_SIGMA, image.shape)
    pixels = np.clip(np.rint(image), 0, 255).astype(np.uint8)

    extra = {}
    if mask.any():
        ys, xs = np.nonzero(mask)
        x0, y0 = int(xs.min()), int(ys.min())
        extra["defect_bbox"] = [x0, y0, int(xs.max()) - x0 + 1, int(ys.max()) - y0 + 1]
    return Frame(
        image=pixels,
        index=index,
        timestamp_s=0.5 * index,
        exposure_us=800.0,
        gain_db=0.0,
        light="bright-field",
        part_id=f"BB-{index + 1:04d}",
        source=f"synth://orientation/sample?seed={SEED}",
        label=label,
        defect_mask=np.where(mask, 255, 0).astype(np.uint8),
        extra=extra,
    )


def make_frames() -> list[Frame]:
    """All twelve frames, labels in a fixed shuffled order."""
    order = np.random.default_rng(SEED).permutation(len(LABELS))
    labels = [LABELS[k] for k in order]
    # Alternate dark/bright per defect of a kind, so both scratch polarities appear.
    polarity = [1.0 if labels[:i].count(lab) % 2 else -1.0 for i, lab in enumerate(labels)]
    return [make_frame(i, lab, p) for i, (lab, p) in enumerate(zip(labels, polarity, strict=True))]


def write_session(out: Path = OUT) -> Path:
    metadata = {
        "title": "orientation sample: phone back covers on a conveyor",
        "generator": "hardware_shims.tools.make_orientation_session",
        "seed": SEED,
        "labels": sorted(set(LABELS)),
    }
    with SessionWriter(out, metadata=metadata) as writer:
        for frame in make_frames():
            writer.write_frame(frame)
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT, help="session file to write")
    args = parser.parse_args(argv)
    path = write_session(args.out)
    print(f"wrote {path} ({path.stat().st_size / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
