"""Held-back captures: rendered per course from a secret seed, kept only in the course folder.

The project is public, so any recording it ships is one clone away from every student. A
course's hidden tests therefore read lines that the digital twin renders when the instructor
builds the course, from a seed drawn then and stored in `<course>/held-back/seed` (readable by
the instructor only). The grader hands that folder to the trusted test process alone, which
finds the lines as `replay://backboard/grading` (the inspection line) and
`replay://calibration/grading` (board views and covers through a seed-drawn lens) through
MICROFAB_SESSIONS_PATH; the student's kernel never sees the folder.
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


def held_back_lines(seed: int) -> dict:
    """session name (`replay://NAME`) -> (line, its writer), the course's held-back lines."""
    from hardware_shims.tools import calibration_lines, make_sessions

    calibration = calibration_lines.HELD_BACK_CALIBRATION
    return {
        f"backboard/{make_sessions.HELD_BACK.name}":
            (dataclasses.replace(make_sessions.HELD_BACK, seed=seed), make_sessions.write_line),
        f"calibration/{calibration.name}":
            (dataclasses.replace(calibration, seed=seed), make_sessions.write_line),
    }


def ensure_held_back(course_root: Path, seed: int | None = None,
                     progress: bool = False) -> Path:
    """Render the held-back lines for the course's seed; a line already rendered is kept."""
    seed = course_seed(course_root, seed)
    folder = held_back_dir(course_root)
    manifest_path = folder / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
    for session, (line, write_line) in held_back_lines(seed).items():
        path = folder / f"{session}.mcap"
        # the URIs name every frame's parameters: a changed line definition renders again
        wanted = {"line": session, "parts": line.parts, "seed_sha": _digest(seed),
                  "uris_sha": _digest("\n".join(line.uri(i) for i in range(line.parts))),
                  "twin": twin_version()}
        if path.is_file() and manifest.get(session, {}).get("made_from") == wanted:
            continue
        summary = write_line(line, path, progress=progress, record_seed=False)
        manifest[session] = {"made_from": wanted, **summary}
        # written after each line: an interrupted build keeps the lines it finished
        manifest_path.write_text(json.dumps(manifest, indent=1))
    return folder


def twin_version() -> str:
    """Changes with the digital twin's pixels: the shipped sessions' checksums, which
    `make_sessions --check` keeps equal to what the twin renders today."""
    from hardware_shims.tools.make_sessions import CHECKSUMS

    return _digest(CHECKSUMS.read_text() if CHECKSUMS.is_file() else "")


def _digest(text: int | str) -> str:
    import hashlib

    return hashlib.sha256(f"microfab-held-back:{text}".encode()).hexdigest()[:16]
