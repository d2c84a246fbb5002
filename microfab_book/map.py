"""The curriculum map page: stage x station x competency x certification, as tables and a
figure, made from the unit catalogue every time the book is built."""

from __future__ import annotations

import io
from pathlib import Path

from course_units.catalogue import Catalogue, Unit
from course_units.schema import STAGES, STATIONS
from microfab_book.layout import CURRICULUM_MAP_DOC, lab_doc, lesson_doc

FIGURE_NAME = "curriculum-map.png"
STAGE_COLOURS = {1: "#4c72b0", 2: "#dd8452", 3: "#55a868"}


def _cell(text: str) -> str:
    """Text safe inside a MyST pipe table."""
    return " ".join(str(text).split()).replace("|", "\\|")


def _unit_certifications(unit: Unit, catalogue: Catalogue) -> list[str]:
    certs = {cert for comp in unit.competencies
             for cert in catalogue.competencies[comp]["certifications"]}
    return [c for c in catalogue.certifications if c in certs]


def _unit_link(unit: Unit) -> str:
    return f"{{doc}}`{_cell(unit.title)} </{lesson_doc(unit)}>`"


def _lab_link(unit: Unit) -> str:
    return f"{{doc}}`lab </{lab_doc(unit)}>`"


def _markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def curriculum_markdown(catalogue: Catalogue) -> str:
    units = sorted(catalogue.units, key=lambda u: (u.stage, list(STATIONS).index(u.station), u.id))
    out = [
        "% Generated from course_units/ by `microfab book build`: edit the units' unit.yaml and",
        "% course_units/competencies.yaml, not this page.",
        "",
        "# Curriculum map",
        "",
        "Every unit is one station of the backboard inspection line at one stage of the "
        "programme. Each unit proves competencies of the framework, and each competency serves "
        "the certifications it is mapped to, so this page is made from the units themselves "
        f"each time the book is built ({len(units)} units, {len(catalogue.competencies)} "
        f"competencies, {len(catalogue.certifications)} certifications).",
        "",
        "```{figure} " + FIGURE_NAME,
        ":name: curriculum-map-figure",
        ":alt: Units against the competencies they prove, and competencies against the "
        "certifications they serve.",
        "",
        "Left: which competencies each unit proves (units ordered by stage, then by station "
        "along the line). Right: which certifications each competency serves.",
        "```",
        "",
        "## Units by stage and station",
        "",
    ]
    rows = [[f"{u.stage} — {_cell(u.stage_name)}", _cell(u.station_name),
             f"{_unit_link(u)} ({_lab_link(u)})", ", ".join(u.competencies),
             ", ".join(_unit_certifications(u, catalogue)), f"{u.learning_time_min} min"]
            for u in units]
    out += [_markdown_table(["Stage", "Station", "Unit", "Competencies", "Certifications",
                             "Learning time"], rows), ""]

    out += ["## Stations of the line", "",
            "Which units train each station of the line, per stage; an empty cell is a station "
            "the programme does not teach at that stage yet.", ""]
    rows = []
    for station, station_name in STATIONS.items():
        row = [_cell(station_name)]
        for stage in STAGES:
            ids = [u.id for u in units if u.station == station and u.stage == stage]
            row.append(", ".join(f"{{doc}}`{i} </{lesson_doc(catalogue.get(i))}>`" for i in ids))
        rows.append(row)
    out += [_markdown_table(["Station"] + [f"Stage {s}" for s in STAGES], rows), ""]

    out += ["## Competencies and certifications", ""]
    certs = list(catalogue.certifications)
    rows = []
    for comp_id, comp in catalogue.competencies.items():
        proving = [u.id for u in units if comp_id in u.competencies]
        rows.append([comp_id, _cell(comp["title"]), ", ".join(proving) or "—"]
                    + ["✓" if c in comp["certifications"] else "" for c in certs])
    out += [_markdown_table(["Competency", "The learner can", "Units"] + certs, rows), ""]

    out += ["## Certifications", ""]
    rows = []
    for cert_id, cert in catalogue.certifications.items():
        comps = [c for c, comp in catalogue.competencies.items()
                 if cert_id in comp["certifications"]]
        proved = [c for c in comps if any(c in u.competencies for u in units)]
        serving = [u.id for u in units if set(u.competencies) & set(comps)]
        rows.append([cert_id, _cell(cert["title"]), _cell(cert["issuer"]), _cell(cert["level"]),
                     f"{len(proved)} of {len(comps)}", ", ".join(serving) or "—"])
    out += [_markdown_table(["Certification", "Title", "Issuer", "Level",
                             "Competencies taught", "Units"], rows), ""]
    return "\n".join(out)


def curriculum_figure(catalogue: Catalogue) -> bytes:
    """PNG: units x competencies (left) and competencies x certifications (right)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.patches import Patch

    units = sorted(catalogue.units, key=lambda u: (u.stage, list(STATIONS).index(u.station), u.id))
    comps = list(catalogue.competencies)
    certs = list(catalogue.certifications)
    width = 4 + 0.55 * max(len(units), 1) + 0.55 * len(certs)
    fig, (left, right) = plt.subplots(
        1, 2, figsize=(width, 1.6 + 0.38 * len(comps)), sharey=True,
        gridspec_kw={"width_ratios": [max(len(units), 1), len(certs)]})
    for x, unit in enumerate(units):
        left.axvspan(x - 0.5, x + 0.5, color=STAGE_COLOURS.get(unit.stage, "grey"), alpha=0.12)
        for comp in unit.competencies:
            left.plot(x, comps.index(comp), "o", color=STAGE_COLOURS.get(unit.stage, "grey"),
                      markersize=9)
    left.set_xticks(range(len(units)))
    left.set_xticklabels([f"{u.id}\n({u.station})" for u in units], rotation=60, ha="right",
                         fontsize=8)
    left.set_xlim(-0.5, max(len(units), 1) - 0.5)
    left.set_yticks(range(len(comps)))
    left.set_yticklabels(comps, fontsize=8)
    left.invert_yaxis()
    left.set_title("units → competencies", fontsize=10)
    left.grid(axis="y", alpha=0.3)
    stages = sorted({u.stage for u in units})
    left.legend(handles=[Patch(color=STAGE_COLOURS.get(s, "grey"), alpha=0.6,
                               label=f"stage {s}: {STAGES[s]}") for s in stages],
                loc="upper left", bbox_to_anchor=(0.0, -0.3), fontsize=8, frameon=False)
    for y, comp in enumerate(comps):
        for cert in catalogue.competencies[comp]["certifications"]:
            right.plot(certs.index(cert), y, "s", color="#444444", markersize=8)
    right.set_xticks(range(len(certs)))
    right.set_xticklabels(certs, rotation=60, ha="right", fontsize=8)
    right.set_xlim(-0.5, len(certs) - 0.5)
    right.set_title("competencies → certifications", fontsize=10)
    right.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    plt.close(fig)
    return buffer.getvalue()


def _write_if_changed(path: Path, content: bytes) -> bool:
    if path.is_file() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def write_curriculum_map(root: Path, catalogue: Catalogue) -> list[Path]:
    """Write the page and its figure when they differ; the files that changed."""
    page = Path(root) / f"{CURRICULUM_MAP_DOC}.md"
    changed = []
    if _write_if_changed(page.with_name(FIGURE_NAME), curriculum_figure(catalogue)):
        changed.append(page.with_name(FIGURE_NAME))
    if _write_if_changed(page, curriculum_markdown(catalogue).encode("utf-8")):
        changed.append(page)
    return changed
