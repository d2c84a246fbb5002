"""The book's table of contents follows the units."""

from pathlib import Path

import yaml

from course_units import load_catalogue

REPO = Path(__file__).resolve().parents[1]


def _toc_files(node) -> set[str]:
    files = set()
    if isinstance(node, dict):
        if "file" in node:
            files.add(node["file"])
        for value in node.values():
            files |= _toc_files(value)
    elif isinstance(node, list):
        for item in node:
            files |= _toc_files(item)
    return files


def test_every_unit_lesson_is_in_the_table_of_contents():
    files = _toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    missing = [u.id for u in load_catalogue().units
               if f"course_units/{u.id}/lesson" not in files]
    assert missing == [], f"units missing from _toc.yml: {missing}; add their lesson pages"
