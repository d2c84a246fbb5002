"""Broken input fails the build and names the file: a broken cross-reference, a missing image,
a unit missing from the table of contents, a broken unit.yaml, a failing notebook.

Each test breaks one thing in a copy of a one-unit book that is already prepared, and builds it
without executing notebooks (except the failing-notebook test, which executes one lesson)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import yaml

from microfab.cli import main
from microfab_book.layout import HTML_DIR, REPORTS_DIR


def _build(root: Path, capsys, *extra: str) -> tuple[int, str]:
    status = main(["book", "build", "--root", str(root), *extra])
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def _unit(root: Path) -> Path:
    return next(p for p in sorted((root / "course_units").iterdir()) if p.is_dir())


def test_a_broken_cross_reference_fails_the_build_naming_the_page(small_book, capsys):
    with (small_book / "book" / "intro.md").open("a") as page:
        page.write("\nSee {doc}`the missing chapter <no-such-chapter>`.\n")
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 1
    assert re.search(r"book/intro\.md:\d+: WARNING: .*no-such-chapter", output), output[-3000:]
    # a second build with nothing changed must fail again, not pass on the cached page
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 1 and "no-such-chapter" in output


def test_a_missing_image_fails_the_build_naming_the_page(small_book, capsys):
    with (small_book / "book" / "lab-setup.md").open("a") as page:
        page.write("\n![the line camera](images/line-camera.png)\n")
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 1
    assert re.search(r"book/lab-setup\.md:\d+: WARNING: .*line-camera\.png", output), \
        output[-3000:]


def _add_unit(root: Path, unit_id: str) -> None:
    source = _unit(root)
    shutil.copytree(source, root / "course_units" / unit_id)
    path = root / "course_units" / unit_id / "unit.yaml"
    unit = yaml.safe_load(path.read_text())
    unit.update(id=unit_id, title="A second unit, added by a test", prerequisites=[])
    path.write_text(yaml.safe_dump(unit, sort_keys=False))


def test_a_unit_missing_from_the_table_of_contents_fails_the_build_naming_it(small_book,
                                                                             capsys):
    _add_unit(small_book, "09-added-unit")
    status, output = _build(small_book, capsys, "--execute", "off", "--keep-toc")
    assert status == 1
    assert re.search(r"WARNING: \S+/course_units/09-added-unit/unit\.yaml: unit 09-added-unit is "
                     r"not in the table of contents", output), output[-3000:]


def test_a_new_unit_needs_no_table_of_contents_edit(small_book, capsys):
    _add_unit(small_book, "09-added-unit")
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 0, output[-3000:]
    toc = (small_book / "_toc.yml").read_text()
    assert "course_units/09-added-unit/lesson" in toc
    assert "book/generated/labs/09-added-unit" in toc
    site = small_book / HTML_DIR
    assert (site / "course_units" / "09-added-unit" / "lesson.html").is_file()
    assert (site / "book" / "generated" / "labs" / "09-added-unit.html").is_file()


def test_a_broken_unit_yaml_stops_the_build_naming_the_file(small_book, capsys):
    path = _unit(small_book) / "unit.yaml"
    unit = yaml.safe_load(path.read_text())
    del unit["title"]
    path.write_text(yaml.safe_dump(unit))
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 2
    assert f"{path}" in output and "title" in output


def test_a_failing_notebook_fails_the_build_and_keeps_its_report(small_book, capsys):
    lesson = _unit(small_book) / "lesson.md"
    with lesson.open("a") as text:
        text.write("\n```{code-cell} ipython3\nraise RuntimeError('exposure out of range')\n```\n")
    status, output = _build(small_book, capsys)
    assert status == 1
    reports = small_book / REPORTS_DIR
    report = reports / "course_units" / lesson.parent.name / "lesson.err.log"
    assert report.is_file(), output[-3000:]
    assert "exposure out of range" in report.read_text()
    assert f"execution reports are in {reports}" in output
    assert str(report) in output


def test_a_site_with_a_solution_or_a_cdn_script_fails_its_audit_and_is_deleted(small_book,
                                                                             capsys):
    from course_units import load_catalogue
    from microfab_book.audit import lab_secrets

    secret = lab_secrets(load_catalogue(small_book / "course_units"))[0]
    with (small_book / "book" / "lab-setup.md").open("a") as page:
        page.write(f"\n```python\n{secret.line}\n```\n\n"
                   '<script src="https://cdn.example.org/tracker.js"></script>\n')
    status, output = _build(small_book, capsys, "--execute", "off")
    assert status == 1
    assert re.search(r"leak: book/lab-setup\.html: a \w[\w ]* line of", output), output[-3000:]
    assert "not offline: book/lab-setup.html: <script src=https://cdn.example.org/tracker.js>" \
        in output
    assert not (small_book / HTML_DIR).exists(), "a site that leaks must not be left to publish"
