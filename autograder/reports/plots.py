"""The report's figures as base64 PNG data URIs, so the HTML page needs no other file.

Figures are drawn with matplotlib's object API on the Agg canvas: no pyplot
global state, no display needed.
"""

from __future__ import annotations

import base64
import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from .competencies import Attainment
from .gradebook import CourseRecord
from .items import WEAK_DISCRIMINATION, ItemStats


def to_data_uri(figure: Figure) -> str:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=96, bbox_inches="tight")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def score_histograms(course: CourseRecord) -> str:
    """One histogram of score fractions per assignment (submitted students only)."""
    count = max(len(course.assignments), 1)
    cols = min(count, 3)
    rows = math.ceil(count / cols)
    figure = Figure(figsize=(4 * cols, 2.8 * rows))
    for index, a in enumerate(course.assignments):
        ax = figure.add_subplot(rows, cols, index + 1)
        fractions = [s.fraction for (name, _), s in course.submissions.items()
                     if name == a.name]
        ax.hist(fractions, bins=10, range=(0.0, 1.0), color="#4878a8", edgecolor="white")
        ax.set_title(f"{a.name} (n={len(fractions)})", fontsize=9)
        ax.set_xlabel("score / max score")
        ax.set_ylabel("students")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # whole students
        ax.set_xlim(0, 1)
    if not course.assignments:
        figure.add_subplot(1, 1, 1).text(0.5, 0.5, "no graded assignments yet", ha="center")
    figure.tight_layout()
    return to_data_uri(figure)


def item_scatter(items: list[ItemStats]) -> str:
    """Pass rate against discrimination, one colour per assignment: weak items fall below the
    dashed line and are the only ones labelled (every item is in the table beneath)."""
    figure = Figure(figsize=(7, 4.5))
    ax = figure.add_subplot(1, 1, 1)
    shown = [i for i in items if i.pass_rate is not None and i.discrimination is not None]
    for assignment in dict.fromkeys(i.assignment for i in shown):
        mine = [i for i in shown if i.assignment == assignment]
        ax.scatter([i.pass_rate for i in mine], [i.discrimination for i in mine], zorder=3,
                   label=assignment, alpha=0.8)
    weak = sorted((i for i in shown if i.discrimination < WEAK_DISCRIMINATION),
                  key=lambda i: (i.pass_rate, i.discrimination))
    for n, i in enumerate(weak):  # alternate sides so neighbouring labels do not overlap
        ax.annotate(i.cell, (i.pass_rate, i.discrimination), fontsize=7,
                    xytext=(6 if n % 2 == 0 else -6, 8 if n % 4 < 2 else -10),
                    textcoords="offset points", ha="left" if n % 2 == 0 else "right",
                    arrowprops={"arrowstyle": "-", "color": "grey", "lw": 0.5})
    ax.axhline(WEAK_DISCRIMINATION, color="grey", linestyle="--", linewidth=1)
    ax.set_xlim(-0.05, 1.05)
    ax.set_ylim(-1.05, 1.05)
    ax.set_xlabel("pass rate (share with full points)")
    ax.set_ylabel("discrimination index (top 27 % - bottom 27 %)")
    ax.set_title("Item analysis of graded cells (labelled: weak items)")
    if shown:
        ax.legend(fontsize=7, loc="lower left", title="assignment", title_fontsize=7)
    else:
        ax.text(0.5, 0.0, "no graded cells yet", ha="center")
    return to_data_uri(figure)


def attainment_heatmap(attainments: list[Attainment], pass_level: float) -> str:
    """Students x competencies; blank where no assignment proves the competency yet."""
    students = list(dict.fromkeys(a.student for a in attainments))
    comps = list(dict.fromkeys(a.competency for a in attainments))
    cell = {(a.student, a.competency): a for a in attainments}
    grid = [[math.nan if cell[(s, c)].attainment is None else cell[(s, c)].attainment
             for c in comps] for s in students]
    figure = Figure(figsize=(1.0 + 0.6 * max(len(comps), 1), 1.2 + 0.35 * max(len(students), 1)))
    ax = figure.add_subplot(1, 1, 1)
    if grid and comps:
        image = ax.imshow(grid, vmin=0.0, vmax=1.0, cmap="RdYlGn", aspect="auto")
        figure.colorbar(image, ax=ax, label=f"attainment (attained at {pass_level:g})")
        for row, s in enumerate(students):
            for col, c in enumerate(comps):
                if cell[(s, c)].attained:
                    ax.text(col, row, "\u2713", ha="center", va="center", fontsize=8)
    ax.set_xticks(range(len(comps)), comps, rotation=60, ha="right", fontsize=8)
    ax.set_yticks(range(len(students)), students, fontsize=8)
    ax.set_xlabel("blank: no graded unit teaches it yet", fontsize=8)
    ax.set_title("Competency attainment")
    return to_data_uri(figure)
