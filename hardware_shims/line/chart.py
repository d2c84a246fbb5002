"""A Gantt-style chart of the line's timeline: one row per part, time across."""

from __future__ import annotations

from collections.abc import Sequence


def timeline_chart(rows: Sequence[dict], ax=None, title: str = ""):
    """Trigger, queue, inspection, decision and the arm's pick for each part of `rows`."""
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 0.22 * len(rows) + 1.5))
    colours = {"queue": "#d9d9d9", "inspect": "#4c72b0", "pick": "#55a868", "missed": "#c44e52"}
    for r in rows:
        y = r["part"]
        ax.plot(r["trigger_s"], y, "k|", markersize=8)
        if r["inspect_start_s"] > r["frame_s"]:
            ax.barh(y, r["inspect_start_s"] - r["frame_s"], left=r["frame_s"], height=0.6,
                    color=colours["queue"])
        ax.barh(y, r["inspect_done_s"] - r["inspect_start_s"], left=r["inspect_start_s"],
                height=0.6, color=colours["inspect"])
        ax.plot(r["decision_s"], y, "kD" if r["reject"] else "wD", markersize=4,
                markeredgecolor="k")
        if r["outcome"] == "picked":
            ax.barh(y, r["arm_end_s"] - r["arm_start_s"], left=r["arm_start_s"], height=0.6,
                    color=colours["pick"], alpha=0.8)
            ax.plot(r["pick_s"], y, "k^", markersize=5)
        elif r["outcome"] == "missed":
            ax.plot(r["pick_s"], y, "x", color=colours["missed"], markersize=8, mew=2)
    left = ax.get_xlim()[0]
    for r in rows:  # the truth, at the left edge, for the defective parts
        if r["truth"] != "good":
            ax.text(left, r["part"], f" {r['truth']}", va="center", fontsize=7)
    ax.invert_yaxis()
    ax.set_xlabel("line time (s)")
    ax.set_ylabel("part")
    ax.set_title(title)
    ax.legend(handles=[
        Line2D([], [], color="k", marker="|", ls="", label="photo-eye trigger"),
        Patch(color=colours["queue"], label="waits for the inspector"),
        Patch(color=colours["inspect"], label="inspection"),
        Line2D([], [], color="k", marker="D", ls="", ms=4, label="decision: reject"),
        Line2D([], [], color="k", marker="D", mfc="w", ls="", ms=4, label="decision: pass"),
        Patch(color=colours["pick"], label="arm busy (pick cycle)"),
        Line2D([], [], color="k", marker="^", ls="", label="cup meets the part"),
        Line2D([], [], color=colours["missed"], marker="x", ls="", mew=2, label="pick missed"),
    ], loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=8)
    return ax
