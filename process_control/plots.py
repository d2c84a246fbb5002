"""Control charts and a capability histogram (matplotlib, on axes the caller owns)."""

from __future__ import annotations

import numpy as np


def control_chart(ax, values, centre, lcl, ucl, alarms_at=(), *, ylabel: str,
                  xlabel: str = "subgroup", phase_end: int | None = None,
                  shift_at: int | None = None, title: str = ""):
    """Points joined by a line, the centre line and the limits (scalars or one per point,
    drawn as steps), the points of violated patterns ringed in red, the end of phase I and a
    known shift."""
    values = np.asarray(values, float)
    x = np.arange(values.size)
    ax.plot(x, values, "o-", color="tab:blue", markersize=3.5, linewidth=1, label="subgroup")
    for limit, style, label in ((ucl, "--", "UCL"), (lcl, "--", "LCL"), (centre, "-", "centre")):
        ax.step(x, np.broadcast_to(np.asarray(limit, float), values.shape), style, where="mid",
                color="tab:red" if label != "centre" else "k", linewidth=1, label=label)
    alarms_at = sorted(set(int(i) for i in alarms_at))
    if alarms_at:
        ax.plot(alarms_at, values[alarms_at], "o", markersize=9, markerfacecolor="none",
                markeredgecolor="red", markeredgewidth=1.5, label="in a violated rule")
    if phase_end is not None:
        ax.axvspan(-0.5, phase_end - 0.5, color="0.92", zorder=0, label="phase I (limits)")
    if shift_at is not None:
        ax.axvline(shift_at - 0.5, color="tab:orange", linestyle=":", linewidth=2,
                   label="true shift")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if title:
        ax.set_title(title)
    ax.legend(loc="upper left", fontsize=7, ncol=3)
    return ax


def capability_histogram(ax, readings, lsl: float, usl: float, mean: float,
                         sigma_within: float, sigma_overall: float, *, xlabel: str,
                         bins: int = 30):
    """The readings' histogram (as a density), the spec limits, and the normal curves the
    within and overall sigmas predict."""
    readings = np.ravel(np.asarray(readings, float))
    ax.hist(readings, bins=bins, density=True, color="tab:blue", alpha=0.5, label="readings")
    span = max(usl - lsl, 6 * sigma_overall)
    grid = np.linspace(min(lsl, mean) - 0.15 * span, max(usl, mean) + 0.15 * span, 400)
    for sigma, style, label in ((sigma_within, "-", "within (R-bar/d2)"),
                                (sigma_overall, "--", "overall (s)")):
        density = np.exp(-0.5 * ((grid - mean) / sigma) ** 2) / (sigma * np.sqrt(2 * np.pi))
        ax.plot(grid, density, style, color="k", linewidth=1, label=label)
    for limit, label in ((lsl, "LSL"), (usl, "USL")):
        ax.axvline(limit, color="tab:red", linewidth=2)
        ax.annotate(label, (limit, ax.get_ylim()[1] * 0.95), ha="center", color="tab:red")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("density (1/mm)")
    ax.legend(loc="center left", fontsize=7)
    return ax
