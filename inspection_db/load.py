"""Loading recorded inspection lines: one record per frame, images by reference only.

The recordings carry no wall-clock time, station or decision, so they are derived, the same way
every time:

- station: the line has one inspection cell per light (`STATIONS`); a part is inspected by the
  cell of the light it was recorded under.
- time: the parts of line number `k` (0, 1, ... in the order given) come every `takt_min`
  minutes from `start`, the lines offset from each other by `takt_min / number of lines`, so
  the lines run side by side through night, day and night shifts.
- decision: a simple station (`decide`): it sees the defect where the recording's
  `defect_mask` says (a perfect segmentation) and measures how far the defect stands out from
  the ring around it, in noise standard deviations; at least `REJECT_SIGMA`: reject; below
  `REVIEW_SIGMA`: pass; between: no decision yet (the part waits for manual review, a NULL in
  every report). A part whose mask is empty passes.
- defect area: the mask's pixels inside the defect's box, in mm^2; NULL for a print offset (a
  misplaced print has an offset, not an area).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import sqlalchemy as sa

from inspection_db import schema

PLANT_ZONE = "Asia/Shanghai"
STATIONS = {"ST1": "bright-field", "ST2": "dark-field", "ST3": "coaxial", "ST4": "low-angle"}
STATION_OF_LIGHT = {light: station for station, light in STATIONS.items()}
REJECT_SIGMA = 3.0
REVIEW_SIGMA = 1.5
NO_AREA = {"print-offset"}
INSPECTOR = "station-rules-v1"
LINE_START = datetime(2026, 3, 2, 5, 30, tzinfo=ZoneInfo(PLANT_ZONE))
DAY_SHIFT_START_H = 8  # day shift 08:00-20:00, night shift 20:00-08:00 local time


def shift_of(instant: datetime, zone: str = PLANT_ZONE) -> tuple[str, str]:
    """(shift day 'YYYY-MM-DD', 'day' or 'night') of an aware instant in the plant's local time.

    A night shift belongs to the day it starts: 02:00 on 3 March is the night shift of 2 March.
    """
    local = instant.astimezone(ZoneInfo(zone)).replace(tzinfo=None)
    shifted = local - timedelta(hours=DAY_SHIFT_START_H)
    return shifted.date().isoformat(), "day" if shifted.hour < 12 else "night"


def _grey(image: np.ndarray) -> np.ndarray:
    return image if image.ndim == 2 else image.mean(axis=2)


def decide(image: np.ndarray, defect_mask: np.ndarray | None) -> tuple[str | None, float | None]:
    """(verdict or None while in review, contrast in noise sigmas or None) of one frame."""
    if defect_mask is None or not np.any(defect_mask):
        return "pass", None
    import cv2  # deferred: loading and querying need no OpenCV

    mask = defect_mask > 0
    ring = (cv2.dilate(mask.astype(np.uint8), np.ones((9, 9), np.uint8)) > 0) & ~mask
    grey = _grey(image).astype(float)
    contrast = abs(grey[mask].mean() - np.median(grey[ring])) / max(grey[ring].std(), 1.0)
    if contrast >= REJECT_SIGMA:
        return "reject", float(contrast)
    if contrast < REVIEW_SIGMA:
        return "pass", float(contrast)
    return None, float(contrast)


def _area_mm2(defect: dict, defect_mask, mm_per_px: float) -> float | None:
    if defect["type"] in NO_AREA or defect_mask is None or not defect.get("bbox_px"):
        return None
    x1, y1, x2, y2 = defect["bbox_px"]
    pixels = int(np.count_nonzero(defect_mask[y1:y2 + 1, x1:x2 + 1]))
    return pixels * mm_per_px ** 2 if pixels else None


def records_from_frames(lines: dict, start: datetime = LINE_START, takt_min: float = 40.0,
                        decision_delay_s: float = 2.0) -> list[dict]:
    """One record per frame of each line: {recording URI: frames}, in line order.

    A record is plain data: part, station, UTC time, image reference, label, defects, verdict.
    """
    records = []
    offset_min = takt_min / max(len(lines), 1)
    for k, (uri, frames) in enumerate(lines.items()):
        line = uri.rstrip("/").rsplit("/", 1)[-1]
        for index, frame in enumerate(frames):
            at = (start + timedelta(minutes=k * offset_min + index * takt_min)).astimezone(UTC)
            verdict, contrast = decide(frame.image, frame.defect_mask)
            mm_per_px = float(frame.extra["mm_per_px"])
            records.append({
                "part_id": frame.part_id, "line": line,
                "material": frame.extra.get("material", "glass"),
                "station_id": STATION_OF_LIGHT[frame.light], "inspected_at": at,
                "image_uri": uri, "frame_index": index, "mm_per_px": mm_per_px,
                "label": frame.label,
                "defects": [{"defect_type": d["type"], "size_mm": d.get("size_mm"),
                             "area_mm2": _area_mm2(d, frame.defect_mask, mm_per_px)}
                            for d in frame.extra.get("defects", [])],
                "verdict": verdict, "contrast_sigma": contrast,
                "decided_at": None if verdict is None else at + timedelta(seconds=decision_delay_s),
            })
    return records


def resample_history(records: list[dict], parts: int, takt_s: float = 12.0, seed: int = 0,
                     start: datetime = LINE_START) -> list[dict]:
    """A longer production history: `parts` records drawn with replacement from `records`
    (their station, material, defects and verdict kept), one every `takt_s` seconds.

    For sizing indexes and timing queries: it repeats what was recorded, nothing new."""
    rng = np.random.default_rng(seed)
    picks = rng.integers(0, len(records), parts)
    history = []
    for n, pick in enumerate(picks):
        source = records[int(pick)]
        at = (start + timedelta(seconds=n * takt_s)).astimezone(UTC)
        history.append({
            **source, "part_id": f"H-{n:07d}", "inspected_at": at,
            "decided_at": None if source["verdict"] is None else at + timedelta(seconds=2),
        })
    return history


def load_parts(engine: sa.Engine, records: list[dict], chunk: int = 5000) -> int:
    """Insert records (and the stations they name) in one transaction; the number of parts."""
    with engine.begin() as connection:
        present = {row[0] for row in connection.execute(sa.select(schema.stations.c.station_id))}
        needed = sorted({r["station_id"] for r in records} - present)
        if needed:
            connection.execute(schema.stations.insert(),
                               [{"station_id": s, "light": STATIONS[s]} for s in needed])
        part_columns = [c.name for c in schema.parts.columns]
        for at in range(0, len(records), chunk):
            batch = records[at:at + chunk]
            connection.execute(schema.parts.insert(),
                               [{c: r[c] for c in part_columns} for r in batch])
            defect_rows = [{"part_id": r["part_id"], **d} for r in batch for d in r["defects"]]
            if defect_rows:
                connection.execute(schema.defects.insert(), defect_rows)
            decision_rows = [{"part_id": r["part_id"], "verdict": r["verdict"],
                              "decided_at": r["decided_at"], "inspector": INSPECTOR,
                              "contrast_sigma": r["contrast_sigma"]}
                             for r in batch if r["verdict"] is not None]
            if decision_rows:
                connection.execute(schema.decisions.insert(), decision_rows)
    return len(records)


def fixed_utc_offset_h(zone: str, years=range(1992, 2038)) -> float:
    """The zone's UTC offset in hours, when it has one all year (no daylight saving time)."""
    tz = ZoneInfo(zone)
    offsets = {datetime(y, m, 15, 12, tzinfo=tz).utcoffset() for y in years for m in (1, 4, 7, 10)}
    if len(offsets) != 1:
        raise ValueError(f"{zone} changes its UTC offset (daylight saving time): SQLite cannot "
                         "compute its local time; store the shift at load time instead")
    return offsets.pop().total_seconds() / 3600
