"""Held-back captures: rendered per course from a secret seed, kept only in the course folder.

The project is public, so any recording it ships is one clone away from every student. A
course's hidden tests therefore read lines that the digital twin renders when the instructor
builds the course, from a seed drawn then and stored in `<course>/held-back/seed` (readable by
the instructor only). The grader hands that folder to the trusted test process alone, which
finds the lines as `replay://backboard/grading` through MICROFAB_SESSIONS_PATH; the student's
kernel never sees the folder.
"""

from __future__ import annotations

import dataclasses
import json
import secrets
from pathlib import Path

HELD_BACK_DIR = "held-back"
SEED_FILE = "seed"
MANIFEST = "manifest.json"


def held_back_dir(course_root: Path) -> Path:
    return Path(course_root) / HELD_BACK_DIR


def course_seed(course_root: Path, seed: int | None = None) -> int:
    """The course's secret seed: the one stored, or `seed`, or a new random one (stored)."""
    folder = held_back_dir(course_root)
    folder.mkdir(parents=True, exist_ok=True)
    folder.chmod(0o700)
    path = folder / SEED_FILE
    if seed is None and path.is_file():
        text = path.read_text().strip()
        if not text.isdigit():
            raise ValueError(f"{path} must hold the course's seed, a whole number; restore it "
                             "from your backup, or delete it to draw a new one (the held-back "
                             "lines then change)")
        return int(text)
    seed = secrets.randbelow(2**31 - 1) if seed is None else int(seed)
    path.write_text(f"{seed}\n")
    path.chmod(0o600)
    return seed


def ensure_held_back(course_root: Path, seed: int | None = None,
                     progress: bool = False) -> Path:
    """Render the held-back lines for the course's seed, unless they are already there."""
    from hardware_shims.tools.make_sessions import HELD_BACK, write_line

    seed = course_seed(course_root, seed)
    folder = held_back_dir(course_root)
    line = dataclasses.replace(HELD_BACK, seed=seed)
    path = folder / "backboard" / f"{line.name}.mcap"
    manifest = folder / MANIFEST
    wanted = {"line": line.name, "parts": line.parts, "seed_sha": _digest(seed)}
    if path.is_file() and manifest.is_file() and \
            json.loads(manifest.read_text()).get(line.name, {}).get("made_from") == wanted:
        return folder
    summary = write_line(line, path, progress=progress, record_seed=False)
    manifest.write_text(json.dumps({line.name: {"made_from": wanted, **summary}}, indent=1))
    return folder


def _digest(seed: int) -> str:
    import hashlib

    return hashlib.sha256(f"microfab-held-back:{seed}".encode()).hexdigest()[:16]
