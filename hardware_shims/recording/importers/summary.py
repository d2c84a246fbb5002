"""One screen that says what an import did: images, labels per class, what was not imported
and why (grouped, counted, with a few example files), and the data set's licence."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable

from .problems import Problem

EXAMPLES = 3  # file names shown per group
_LABEL_LINES = 12  # more labels than this are wrapped onto shared lines


def summary(report) -> str:
    """The text of an ImportReport (untyped here: base imports this module, not the reverse)."""
    lines = [f"imported {report.frames} images of {report.dataset} ({report.layout}) into "
             f"{report.out} in {report.elapsed_s:.1f} s ({report.images_per_s:.0f} images/s)"]
    lines += _labels(report.counts)
    if report.pixel_formats:
        lines.append("pixels: " + ", ".join(f"{fmt} {n}" for fmt, n in
                                            sorted(report.pixel_formats.items())))
    lines += [f"converted {n} image(s): {rule}" for rule, n in sorted(report.converted.items())]
    lines += report.notes
    not_imported = len(report.skipped) + len(report.ignored) + len(report.left_out)
    if not_imported:
        lines.append(f"not imported: {not_imported} item(s)")
        lines += grouped(report.skipped, reasons=True, tag="skipped, bad")
        lines += grouped(report.left_out)
        lines += grouped(report.ignored)
        if report.skipped:
            lines.append("  (bad items are listed in the session metadata under 'skipped', "
                         "the rest under 'ignored')")
    lines.append(_licence(report))
    return "\n".join(lines)


def _labels(counts: dict[str, int]) -> list[str]:
    if len(counts) <= _LABEL_LINES:
        return ["labels:"] + [f"  {label:<24} {n:>6}" for label, n in sorted(counts.items())]
    text = ", ".join(f"{label} {n}" for label, n in sorted(counts.items()))
    return [f"labels ({len(counts)}):"] + textwrap.wrap(text, 96, initial_indent="  ",
                                                        subsequent_indent="  ")


def grouped(problems: Iterable[Problem], reasons: bool = False, tag: str = "") -> list[str]:
    """One line per kind of problem: count and a few example files (and, for bad items, the
    first one's reason, which says what to do)."""
    groups: dict[str, list[Problem]] = {}
    for problem in problems:
        groups.setdefault(problem.kind or problem.reason, []).append(problem)
    lines = []
    for kind, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        names = ", ".join(p.path for p in members[:EXAMPLES])
        more = ", ..." if len(members) > EXAMPLES else ""
        label = f"{kind} ({tag})" if tag else kind
        lines.append(f"  {label:<44} {len(members):>6}  {names}{more}")
        if reasons:
            lines.append(f"      e.g. {members[0]}")
    return lines


def _licence(report) -> str:
    if report.licence:
        return f"licence: {report.licence}" + (f"\ncite: {report.citation}"
                                               if report.citation else "")
    if report.licence_note is not None:
        return f"licence: {report.licence_note}"
    return ("licence: none found (no LICENSE, LICENCE or COPYING file, no README line names "
            "one); check the data set's terms before sharing sessions made from it")
