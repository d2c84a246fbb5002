"""The book's table of contents, made from the unit catalogue: one chapter per unit (its lesson,
then its lab's student release), grouped by stage, between the start pages and the guides."""

from __future__ import annotations

from pathlib import Path

import yaml

from course_units.catalogue import Catalogue
from course_units.schema import STAGES
from microfab_book.layout import (
    CURRICULUM_MAP_DOC,
    GUIDE_DOCS,
    INTRO_DOC,
    TRY_IT_DOC,
    lab_doc,
    lesson_doc,
)

TOC_FILE = "_toc.yml"
HEADER = """\
# Generated from course_units/ by `microfab book build` (or `microfab book toc`): do not edit.
# One chapter per unit -- its lesson, then its lab's student release -- grouped by stage.
"""


def toc_document(catalogue: Catalogue) -> dict:
    parts = [{"caption": "Start here",
              "chapters": [{"file": CURRICULUM_MAP_DOC}, {"file": TRY_IT_DOC}]}]
    for stage, stage_name in STAGES.items():
        units = [u for u in catalogue.units if u.stage == stage]
        if units:
            parts.append({
                "caption": f"Stage {stage} — {stage_name}",
                "chapters": [{"file": lesson_doc(u), "sections": [{"file": lab_doc(u)}]}
                             for u in units],
            })
    parts.append({"caption": "Guides", "chapters": [{"file": doc} for doc in GUIDE_DOCS]})
    return {"format": "jb-book", "root": INTRO_DOC, "parts": parts}


def toc_text(catalogue: Catalogue) -> str:
    body = yaml.safe_dump(toc_document(catalogue), sort_keys=False, allow_unicode=True, width=100)
    return HEADER + body


def write_toc(root: Path, catalogue: Catalogue) -> bool:
    """Write _toc.yml when it differs from the catalogue's; True when it changed."""
    path = Path(root) / TOC_FILE
    text = toc_text(catalogue)
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    path.write_text(text, encoding="utf-8")
    return True


def toc_files(node) -> set[str]:
    """Every `file:` entry of a parsed _toc.yml (and its root)."""
    files = set()
    if isinstance(node, dict):
        for key in ("file", "root"):
            if isinstance(node.get(key), str):
                files.add(node[key])
        for value in node.values():
            files |= toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files |= toc_files(item)
    return files


def units_missing_from_toc(toc: dict, catalogue: Catalogue) -> dict[str, list[str]]:
    """unit id -> the pages of that unit the table of contents lacks."""
    files = toc_files(toc)
    missing = {}
    for unit in catalogue.units:
        absent = [doc for doc in (lesson_doc(unit), lab_doc(unit)) if doc not in files]
        if absent:
            missing[unit.id] = absent
    return missing
