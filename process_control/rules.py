"""The Western Electric run rules on standardised points (z: distance from the centre line in
sigmas of the plotted statistic). Western Electric, *Statistical Quality Control Handbook*,
1956; Montgomery, section 5.3.6.

    rule 1  one point beyond 3 sigma
    rule 2  2 of 3 consecutive points beyond 2 sigma, on the same side
    rule 3  4 of 5 consecutive points beyond 1 sigma, on the same side
    rule 4  8 consecutive points on the same side of the centre line

A rule fires at the point that completes its pattern (the last of its window); a window is
judged only once it is full. Every rule added raises the false-alarm rate: the in-control
average run length (ARL0) of rule 1 alone is 1 / 0.0027 = 370 points, of all four about 92
(Champ and Woodall, *Technometrics* 29, 1987).
"""

from __future__ import annotations

import numpy as np

# rule: (window, points needed, threshold in sigmas); 0 means "on that side of the centre"
RULES = {1: (1, 1, 3.0), 2: (3, 2, 2.0), 3: (5, 4, 1.0), 4: (8, 8, 0.0)}


def _window_counts(beyond: np.ndarray, window: int) -> np.ndarray:
    """How many True in the `window` points ending at each point (0 where the window is not
    full yet), along the last axis."""
    padded = np.concatenate([np.zeros(beyond.shape[:-1] + (1,), int),
                             np.cumsum(beyond, axis=-1)], axis=-1)
    counts = np.zeros(beyond.shape, int)
    counts[..., window - 1:] = padded[..., window:] - padded[..., :-window]
    return counts


def _side_flags(z: np.ndarray, rule: int) -> tuple[np.ndarray, np.ndarray]:
    """(points beyond the rule's threshold above, below) the centre."""
    threshold = RULES[rule][2]
    return z > threshold, z < -threshold


def alarms(z, rules=(1, 2, 3, 4)) -> dict[int, np.ndarray]:
    """{rule: boolean array, True where the rule fires}; works along the last axis, so a 2-D
    array holds many independent runs."""
    z = np.asarray(z, float)
    fired = {}
    for rule in rules:
        window, needed, _ = RULES[rule]
        above, below = _side_flags(z, rule)
        # each side counted on its own: 1 point above and 1 below are not "2 beyond 2 sigma"
        fired[rule] = ((_window_counts(above, window) >= needed)
                       | (_window_counts(below, window) >= needed))
    return fired


def violations(z, rules=(1, 2, 3, 4)) -> list[dict]:
    """Every firing of a rule on one sequence: {"rule", "at" (the point that completes the
    pattern), "side" ("above"/"below"), "subgroups" (the window's points beyond the threshold
    on that side)}, in order of "at", then rule."""
    z = np.asarray(z, float)
    if z.ndim != 1:
        raise ValueError(f"violations takes one sequence of points; got shape {z.shape}")
    found = []
    for rule in rules:
        window, needed, _ = RULES[rule]
        for side, flags in zip(("above", "below"), _side_flags(z, rule), strict=True):
            counts = _window_counts(flags, window)
            for at in np.flatnonzero(counts >= needed):
                start = at - window + 1
                involved = [int(i) for i in range(start, at + 1) if flags[i]]
                found.append({"rule": rule, "at": int(at), "side": side, "subgroups": involved})
    return sorted(found, key=lambda v: (v["at"], v["rule"]))


def first_alarm(z, start: int = 0, rules=(1, 2, 3, 4)) -> dict | None:
    """The first point at or after `start` where any rule fires: {"at", "rules"}, or None."""
    fired = alarms(z, rules)
    any_rule = np.any(np.stack(list(fired.values())), axis=0)
    hits = np.flatnonzero(any_rule[start:])
    if hits.size == 0:
        return None
    at = int(start + hits[0])
    return {"at": at, "rules": [r for r in rules if fired[r][at]]}


def run_length_arl(rules=(1, 2, 3, 4), runs: int = 2000, length: int = 4000,
                   shift_sigma: float = 0.0, seed: int = 0, chunk: int = 250) -> dict:
    """Average run length by simulation: independent normal points, mean `shift_sigma`, until
    the first alarm. A run with no alarm within `length` counts `length` (censored)."""
    rng = np.random.default_rng(seed)
    lengths, censored = [], 0
    for done in range(0, runs, chunk):
        z = rng.normal(shift_sigma, 1.0, size=(min(chunk, runs - done), length))
        fired = np.any(np.stack(list(alarms(z, rules).values())), axis=0)
        hit = fired.any(axis=1)
        censored += int((~hit).sum())
        lengths.append(np.where(hit, fired.argmax(axis=1) + 1, length))
    run_lengths = np.concatenate(lengths)
    return {"arl": float(run_lengths.mean()),
            "se": float(run_lengths.std(ddof=1) / np.sqrt(run_lengths.size)),
            "runs": int(run_lengths.size), "censored": censored}
