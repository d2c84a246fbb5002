"""Regenerate the shipped backboard sessions from the digital twin, and their checksums.

    python -m hardware_shims.tools.make_sessions            # write sessions + checksums.json
    python -m hardware_shims.tools.make_sessions --check    # regenerate in memory and compare

Lines (replay://backboard/NAME):
  training    a production line: mostly good parts, bright-field, glass covers
  evaluation  every defect type under every light, glass and aluminium
  grading     held back for the autograder's hidden tests: never shipped. Each course renders
              it from its own secret seed when it is built (`autograder.held_back`).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import dataclass
from pathlib import Path

from tqdm import tqdm

from hardware_shims.cameras.sim import station_config
from hardware_shims.twin import render_part
from hardware_shims.uri import parse_uri

SESSIONS_DIR = Path(__file__).resolve().parents[1] / "sessions"
CHECKSUMS = SESSIONS_DIR / "checksums.json"
LIGHTS = ("bright-field", "dark-field", "coaxial", "low-angle")
SIZE = "width=640&height=480&fov_mm=180"


@dataclass(frozen=True)
class Line:
    name: str
    description: str
    parts: int
    seed: int
    defect_rate: float
    vary_light: bool
    vary_material: bool

    def uri(self, index: int) -> str:
        light = LIGHTS[index % len(LIGHTS)] if self.vary_light else "bright-field"
        material = ("glass", "aluminium")[(index // len(LIGHTS)) % 2] if self.vary_material \
            else "glass"
        return (f"sim://backboard-station?{SIZE}&light={light}&material={material}"
                f"&seed={self.seed}&defect_rate={self.defect_rate}&takt_s=3")


LINES = (
    Line("training", "production line A: mostly good glass covers, bright-field", 40, 101,
         0.15, False, False),
    Line("evaluation", "every defect type under every light, glass and aluminium", 40, 202,
         0.8, True, True),
)
# Rendered per course from the instructor's secret seed (the seed here is replaced).
HELD_BACK = Line("grading", "held-back grading line for hidden tests (never published)", 40, 0,
                 0.6, True, True)


def render_line(line: Line):
    for index in range(line.parts):
        yield render_part(station_config(parse_uri(line.uri(index))), index)


def pixel_digest(frames) -> str:
    digest = hashlib.sha256()
    for frame in frames:
        digest.update(frame.image.tobytes())
        if frame.defect_mask is not None:  # a calibration board has no defect to mask
            digest.update(frame.defect_mask.tobytes())
        digest.update((frame.label or "").encode())
    return digest.hexdigest()


def write_line(line: Line, path: Path, progress: bool = True, record_seed: bool = True) -> dict:
    """Render `line` into the session file `path`; its frame count and pixel checksum."""
    from hardware_shims.recording.session import SessionWriter

    frames = list(tqdm(render_line(line), total=line.parts, desc=line.name,
                       disable=not progress, unit="part"))
    meta = {"line": line.name, "description": line.description,
            "generator": "hardware_shims.tools.make_sessions"}
    if record_seed:
        meta["seed"] = line.seed
    path.parent.mkdir(parents=True, exist_ok=True)
    with SessionWriter(path, metadata=meta) as writer:
        for frame in frames:
            writer.write_frame(frame)
    return {"frames": len(frames), "pixels_sha256": pixel_digest(frames)}


def write_sessions(progress: bool = True) -> dict:
    checksums = {}
    for line in LINES:
        path = SESSIONS_DIR / "backboard" / f"{line.name}.mcap"
        checksums[f"backboard/{line.name}"] = write_line(line, path, progress)
    CHECKSUMS.write_text(json.dumps(checksums, indent=2, sort_keys=True) + "\n")
    return checksums


def check_sessions() -> list[str]:
    """Differences between a fresh regeneration and the shipped checksums (empty: identical)."""
    shipped = json.loads(CHECKSUMS.read_text())
    problems = []
    for line in LINES:
        key = f"backboard/{line.name}"
        fresh = pixel_digest(render_line(line))
        if shipped.get(key, {}).get("pixels_sha256") != fresh:
            problems.append(f"{key}: regenerated pixels differ from {CHECKSUMS}")
    return problems


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="compare, do not write")
    args = parser.parse_args(argv)
    if args.check:
        problems = check_sessions()
        print("\n".join(problems) or "sessions match the shipped checksums")
        return 1 if problems else 0
    for key, value in write_sessions().items():
        size_mb = (SESSIONS_DIR / f"{key}.mcap").stat().st_size / 1e6
        print(f"{key}: {value['frames']} frames, {size_mb:.1f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
