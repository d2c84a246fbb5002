"""The book's table of contents follows the units: `microfab book toc` makes it."""

from pathlib import Path

import yaml

from course_units import load_catalogue
from microfab_book.layout import lab_doc, lesson_doc
from microfab_book.toc import toc_files, toc_text

REPO = Path(__file__).resolve().parents[2]


def test_every_unit_lesson_and_lab_is_in_the_table_of_contents():
    files = toc_files(yaml.safe_load((REPO / "_toc.yml").read_text()))
    missing = {u.id: [doc for doc in (lesson_doc(u), lab_doc(u)) if doc not in files]
               for u in load_catalogue().units}
    missing = {unit: docs for unit, docs in missing.items() if docs}
    assert missing == {}, (f"units missing from _toc.yml: {', '.join(missing)} ({missing}); "
                           "run `microfab book toc` (or `make book`) and commit _toc.yml")


def test_table_of_contents_is_the_one_made_from_the_units():
    assert (REPO / "_toc.yml").read_text() == toc_text(load_catalogue()), \
        "_toc.yml was edited by hand or is stale; run `microfab book toc` and commit it"
