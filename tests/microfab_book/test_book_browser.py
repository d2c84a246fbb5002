"""The built site in a real browser, from file:// with the network off: equations typeset by
MathJax, the slider drawn by the widget manager, and no request leaving the machine.

Headless Chromium is the `browser` fixture of tests/conftest.py. Screenshots of the pages
land in $MICROFAB_SCREENSHOTS_DIR if set (CI can keep them), else in the built copy's
_build/screenshots/.
"""

from __future__ import annotations

import os
from pathlib import Path

from course_units import load_catalogue
from microfab_book.layout import HTML_DIR, lab_doc, lesson_doc, units_dir


def _visit(browser, built_book, page: str, ready: str, scroll_to: str | None = None) -> dict:
    site = built_book.root / HTML_DIR
    folder = Path(os.environ.get("MICROFAB_SCREENSHOTS_DIR") or
                  built_book.root / "_build" / "screenshots")
    shot = folder / (page.replace("/", "_").removesuffix(".html") + ".png")
    found = browser.visit((site / page).as_uri(), shot, ready, scroll_to)
    found["screenshot"] = shot
    offsite = [url for url in found["requests"]
               if not url.startswith(("file:", "data:", "blob:", "about:"))]
    assert offsite == [], f"{page} asked the network for {offsite}"
    assert found["broken"] == [], f"{page}: images that did not load: {found['broken']}"
    assert shot.stat().st_size > 10_000, f"blank screenshot {shot}"
    return found


def test_introduction_renders_offline(browser, built_book):
    found = _visit(browser, built_book, "book/intro.html", "document.readyState === 'complete'")
    assert "microfab" in found["title"]
    assert "How the book is organised" in found["text"]


def test_try_it_page_typesets_its_equation_and_draws_its_slider(browser, built_book):
    found = _visit(browser, built_book, "book/try-it.html",
                   "document.querySelector('mjx-container') && "
                   "document.querySelector('.widget-slider')")
    assert found["mathjax"] >= 1, f"MathJax typeset nothing; see {found['screenshot']}"
    assert found["sliders"] >= 1 and found["widgets"] >= 1, \
        f"the widget manager drew no slider; see {found['screenshot']}"
    assert found["images"] >= 1  # the mask drawn by the Image widget from its saved state


def test_lessons_typeset_their_equations(browser, built_book):
    for unit in load_catalogue(units_dir(built_book.root)).units:
        if "$" not in unit.lesson_path.read_text():
            continue
        found = _visit(browser, built_book, f"{lesson_doc(unit)}.html",
                       "document.querySelector('mjx-container')", scroll_to="mjx-container")
        assert found["mathjax"] >= 1, f"{unit.id}: no equation typeset; {found['screenshot']}"


def test_lab_page_shows_the_student_release(browser, built_book):
    unit = load_catalogue(units_dir(built_book.root)).units[0]
    found = _visit(browser, built_book, f"{lab_doc(unit)}.html",
                   "document.readyState === 'complete'")
    assert "YOUR CODE HERE" in found["text"]
    assert "student version" in found["text"]
