"""A timed discrete-event simulation of the line: trigger, frame, inspection, decision, pick.

For each part, in belt order: the photo-eye triggers as it arrives; the frame is ready
`frame_s` later; the inspector (one at a time: a part waits while the one before is still
being inspected) returns its result after its latency; the controller gets one event and
returns one action; a reject is picked by the arm it names, if that arm can be over the part,
inside its window, when it says, otherwise the pick misses and the part rides on.

    run = run_line(LineConfig(), frames, inspector, controller, timing, latency_s=0.02)
    run.scores["escapes"], run.parts[0]["pick_s"]
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .config import ArmTiming, LineConfig, line_facts

ACTION_KEYS = {"reject", "pick_s", "arm"}
MISSES = ("late", "busy", "window")


class ControllerError(ValueError):
    """The controller returned something the line cannot act on; the message says what to do."""


@dataclass
class LineRun:
    """The timeline (one dict per part, times in s) and the line's scores."""

    parts: list[dict]
    scores: dict
    facts: dict


def board_latency(profile: str, flops: int, precision: str | None = None
                  ) -> Callable[[np.random.Generator], float]:
    """Inspection latency (s) drawn from a board's latency profile for a model of `flops`."""
    from ..boards import load_profile

    board = load_profile(profile)
    chosen = precision or board.precision
    return lambda rng: board.estimate_ms(flops, chosen, rng) / 1000.0


def _truth(part: Any) -> str:
    label = part.get("label") if isinstance(part, dict) else getattr(part, "label", None)
    if not isinstance(label, str):
        raise ValueError(f"a part needs a label ('good' or a defect type), got {part!r:.80}")
    return label


def check_action(action: Any, event: dict, facts: dict) -> dict:
    """The action as {'reject', 'pick_s', 'arm'}, or ControllerError saying what to return."""
    part = event["part"]
    shape = ("return a dict: {'reject': False} to let the part pass, or {'reject': True, "
             "'pick_s': <time the cup meets the part, s>, 'arm': <0-based arm index>}")
    if not isinstance(action, dict):
        raise ControllerError(f"the controller returned {action!r:.60} ({type(action).__name__}) "
                              f"for part {part}; {shape}")
    unknown = sorted(set(action) - ACTION_KEYS)
    if unknown:
        raise ControllerError(f"the action for part {part} has unknown keys {unknown}; "
                              f"allowed: {sorted(ACTION_KEYS)}; {shape}")
    reject = action.get("reject")
    if not isinstance(reject, (bool, np.bool_)):
        raise ControllerError(f"'reject' for part {part} must be True or False, got "
                              f"{reject!r:.40}; {shape}")
    if not reject:
        return {"reject": False, "pick_s": None, "arm": None}
    pick_s, arm = action.get("pick_s"), action.get("arm", 0)
    if isinstance(pick_s, bool) or not isinstance(pick_s, (int, float, np.number)) \
            or not math.isfinite(pick_s):
        raise ControllerError(
            f"part {part} is rejected but 'pick_s' is {pick_s!r:.40}: give the time (s, on the "
            f"line's clock, like event['now_s']={event['now_s']:.3f}) at which the cup meets it")
    if isinstance(arm, bool) or not isinstance(arm, (int, np.integer)) \
            or not 0 <= arm < facts["arms"]:
        raise ControllerError(f"'arm' for part {part} is {arm!r:.40}; this line has "
                              f"{facts['arms']} arm(s), numbered 0 to {facts['arms'] - 1}")
    return {"reject": True, "pick_s": float(pick_s), "arm": int(arm)}


def run_line(config: LineConfig, parts: Sequence[Any], inspector: Callable[[Any], Any],
             controller: Callable[[dict], Any], timing: ArmTiming,
             latency_s: float | str | Callable[[np.random.Generator], float] = 0.02) -> LineRun:
    """Simulate `parts` (frames or dicts with a `label`) going down the line.

    `inspector(part) -> result` (plain data) judges a part; its latency is `latency_s`: a
    number of seconds, a function of a numpy Generator (e.g. `board_latency(...)`), or
    "measured" (the wall time of each inspector call: real, but not repeatable).
    `controller(event) -> action` is called once per part with the event's plain dict.
    """
    rng = np.random.default_rng([config.seed, 10])
    facts = line_facts(config, timing)
    arms_free = [0.0] * config.arms
    inspector_free, trigger_s, rows = 0.0, 0.0, []
    for i, part in enumerate(parts):
        if i:
            gap = config.pitch_mm + rng.normal(0.0, config.gap_jitter_mm)
            trigger_s += max(gap, 0.5 * config.pitch_mm) / config.speed_mm_s
        frame_s = trigger_s + config.frame_s
        start_s = max(frame_s, inspector_free)
        began = time.perf_counter()
        result = inspector(part)
        if latency_s == "measured":
            latency = time.perf_counter() - began
        elif callable(latency_s):
            latency = float(latency_s(rng))
        else:
            latency = float(latency_s)
        done_s = start_s + latency
        inspector_free = done_s
        now_s = done_s + config.decide_s
        event = {"part": i, "now_s": now_s, "trigger_s": trigger_s, "result": result,
                 "arms_free_s": list(arms_free)}
        action = check_action(controller(event), event, facts)
        row = {"part": i, "truth": _truth(part), "trigger_s": trigger_s, "frame_s": frame_s,
               "inspect_start_s": start_s, "inspect_done_s": done_s, "decision_s": now_s,
               "result": result, **action, "arm_start_s": None, "arm_end_s": None,
               "outcome": "passed", "miss": None}
        if action["reject"]:
            _pick(row, config, timing, arms_free)
        rows.append(row)
    return LineRun(rows, score(rows, config), facts)


def part_offset_mm(row: dict, config: LineConfig, arm: int, t_s: float) -> float:
    """Where the part is at `t_s`, from arm `arm`'s window centre (upstream negative)."""
    return (t_s - row["trigger_s"]) * config.speed_mm_s - config.pick_mm[arm]


def _pick(row: dict, config: LineConfig, timing: ArmTiming, arms_free: list[float]) -> None:
    arm, pick_s = row["arm"], row["pick_s"]
    offset = part_offset_mm(row, config, arm, pick_s)
    inside = abs(offset) <= config.pick_window_mm / 2 + 1e-6  # rounding at the edge
    start = pick_s - timing.reach(offset if inside else 0.0)
    if start < row["decision_s"]:
        row["miss"] = "late"  # the arm would have had to leave before the decision
    elif start < arms_free[arm]:
        row["miss"] = "busy"
    elif not inside:
        row["miss"] = "window"
    if row["miss"]:
        row["outcome"] = "missed"
        return
    row["arm_start_s"], row["arm_end_s"] = start, pick_s + timing.back(offset)
    arms_free[arm] = row["arm_end_s"]
    row["outcome"] = "picked"


def score(rows: list[dict], config: LineConfig) -> dict:
    """Escapes, false rejects, missed picks (by cause) and whether the takt was kept."""
    bad = [r for r in rows if r["truth"] != "good"]
    picked = [r for r in rows if r["outcome"] == "picked"]
    escapes = [r for r in bad if r["outcome"] != "picked"]
    waits = [r["inspect_start_s"] - r["frame_s"] for r in rows] or [0.0]
    # a decision after the part has left the last window comes too late to act on
    last_exit = max(config.pick_mm) + config.pick_window_mm / 2
    late = [r for r in rows
            if r["decision_s"] > r["trigger_s"] + last_exit / config.speed_mm_s]
    return {
        "parts": len(rows), "defective": len(bad),
        "escapes": len(escapes),
        "escapes_inspection": sum(not r["reject"] for r in escapes),
        "escapes_handling": sum(bool(r["reject"]) for r in escapes),
        "false_rejects": sum(r["truth"] == "good" for r in picked),
        "picks": len(picked),
        "missed_picks": sum(r["outcome"] == "missed" for r in rows),
        **{f"missed_{m}": sum(r["miss"] == m for r in rows) for m in MISSES},
        "max_queue_s": float(max(waits)),
        "late_decisions": len(late),
        "takt_kept": bool(max(waits) <= config.takt_s and not late),
    }
