"""What the build makes from the units: the table of contents, the curriculum map, and the
checks of the built site (leaks, CDN assets), each on small made-up inputs."""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import yaml

from course_units import load_catalogue, units_root
from microfab.cli import main
from microfab_book.audit import external_assets, find_leaks, lab_secrets
from microfab_book.map import curriculum_figure, curriculum_markdown
from microfab_book.toc import toc_document, toc_files, toc_text, units_missing_from_toc


def _catalogue_with_stages():
    """The real catalogue plus a made-up stage-2 unit (same folder, other id)."""
    catalogue = load_catalogue()
    first = catalogue.units[0]
    extra = replace(first, id="20-line-integration", title="Line | integration", stage=2,
                    station="line-integration", competencies=["MV-EDGE-01"])
    return replace(catalogue, units=[*catalogue.units, extra])


def test_toc_has_one_chapter_per_unit_lesson_then_lab_grouped_by_stage():
    catalogue = _catalogue_with_stages()
    toc = toc_document(catalogue)
    captions = [part["caption"] for part in toc["parts"]]
    assert captions[0] == "Start here" and captions[-1] == "Guides"
    assert any(c.startswith("Stage 1") for c in captions)
    stage2 = next(p for p in toc["parts"] if p["caption"].startswith("Stage 2"))
    lab = {"file": "book/generated/labs/20-line-integration"}
    assert [lab] in [chapter["sections"] for chapter in stage2["chapters"]]
    no_stage3 = toc_document(replace(catalogue, units=[u for u in catalogue.units if u.stage != 3]))
    assert not any(p["caption"].startswith("Stage 3") for p in no_stage3["parts"]), (
        "empty stages get no part")
    assert toc["root"] == "book/intro"


def test_units_missing_from_toc_are_named_with_their_pages():
    catalogue = load_catalogue()
    toc = yaml.safe_load(toc_text(catalogue))
    assert units_missing_from_toc(toc, catalogue) == {}
    toc["parts"] = [p for p in toc["parts"] if not p["caption"].startswith("Stage")]
    missing = units_missing_from_toc(toc, catalogue)
    assert set(missing) == {u.id for u in catalogue.units}
    first = catalogue.units[0]
    assert missing[first.id] == [f"course_units/{first.id}/lesson",
                                 f"book/generated/labs/{first.id}"]
    assert "book/intro" in toc_files(toc)


def test_curriculum_map_lists_units_competencies_and_certifications():
    catalogue = _catalogue_with_stages()
    text = curriculum_markdown(catalogue)
    assert "Line \\| integration" in text, "a | in a title must not break the table"
    for unit in catalogue.units:
        assert f"</course_units/{unit.folder.name}/lesson>" in text
        assert f"</book/generated/labs/{unit.id}>" in text
    for name in [*catalogue.competencies, *catalogue.certifications]:
        assert name in text
    assert "```{figure} curriculum-map.png" in text
    png = curriculum_figure(catalogue)
    assert png.startswith(b"\x89PNG") and png == curriculum_figure(catalogue), \
        "the figure must be the same bytes each build, or every build re-renders the page"


def _lab_root(tmp_path: Path) -> Path:
    units = tmp_path / "course_units"
    units.mkdir()
    shutil.copy2(units_root() / "competencies.yaml", units)
    shutil.copytree(units_root() / "00-orientation", units / "00-orientation")
    return units


def test_lab_secrets_are_the_solution_and_hidden_test_lines(tmp_path):
    secrets = lab_secrets(load_catalogue(_lab_root(tmp_path)))
    kinds = {s.kind for s in secrets}
    assert kinds == {"solution", "hidden test"}
    lines = {s.line for s in secrets}
    assert "return np.bincount(image.ravel(), minlength=256)" in lines
    assert all(len(line) >= 12 for line in lines)
    assert "return mask" not in lines


def test_find_leaks_sees_escaped_html_notebook_json_and_held_back_sessions(tmp_path):
    catalogue = load_catalogue(_lab_root(tmp_path))
    site = tmp_path / "site"
    site.mkdir()
    (site / "clean.html").write_text("<p>nothing to see</p>")
    (site / "page.html").write_text(
        '<pre><span class="n">_</span>, <span class="n">bright</span> = cv2.threshold(image, 0, '
        "255, cv2.THRESH_BINARY + cv2.THRESH_OTSU)</pre>")
    source = ["def gray_histogram(image):\n",
              "    return np.bincount(image.ravel(), minlength=256)\n"]
    (site / "lab.ipynb").write_text(json.dumps({"cells": [{"source": source}]}))
    (site / "notes.txt").write_text("frames from replay://backboard/grading")
    leaks = find_leaks(site, catalogue)
    assert any(leak.startswith("page.html: a solution line") for leak in leaks)
    assert any(leak.startswith("lab.ipynb: a solution line") for leak in leaks)
    assert any(leak.startswith("notes.txt: the held-back session") for leak in leaks)
    assert not any(leak.startswith("clean.html") for leak in leaks)


def test_external_assets_are_scripts_and_links_from_other_hosts(tmp_path):
    (tmp_path / "a.html").write_text(
        '<script src="_static/x.js"></script><script src="https://cdn.example/y.js"></script>'
        '<link rel="stylesheet" href="//fonts.example/z.css"><a href="https://example.org">ok</a>')
    found = external_assets(tmp_path)
    assert found == ["a.html: <script src=https://cdn.example/y.js>",
                     "a.html: <link href=//fonts.example/z.css>"]


def test_a_script_url_inside_an_inline_script_is_external_too(tmp_path):
    (tmp_path / "b.html").write_text(
        '<script>const THEBE_JS_URL = "https://unpkg.com/thebe@0.8.2/lib/index.js";</script>'
        '<script>const local = "_static/x.js"; const page = "https://example.org/";</script>')
    assert external_assets(tmp_path) == [
        "b.html: <inline script loads=https://unpkg.com/thebe@0.8.2/lib/index.js>"]


def test_book_toc_command_writes_and_checks(tmp_path, capsys):
    root = tmp_path
    shutil.copy2(Path(__file__).resolve().parents[2] / "_config.yml", root)
    _lab_root(root)
    assert main(["book", "toc", "--root", str(root), "--check"]) == 1
    assert main(["book", "toc", "--root", str(root)]) == 0
    assert main(["book", "toc", "--root", str(root), "--check"]) == 0
    assert "course_units/00-orientation/lesson" in (root / "_toc.yml").read_text()
    capsys.readouterr()


def test_the_audit_memo_reads_only_new_or_changed_files_and_every_file_for_new_labs(
        tmp_path, monkeypatch):
    from microfab_book import audit

    catalogue = load_catalogue(_lab_root(tmp_path))
    site = tmp_path / "site"
    site.mkdir()
    for name in ("a.html", "b.html", "c.html"):
        (site / name).write_text(f"<p>{name}: nothing to see</p>")
    read = []
    readable_text = audit.readable_text
    monkeypatch.setattr(audit, "readable_text", lambda path: read.append(path.name)
                        or readable_text(path))
    memo_file = tmp_path / "memo.json"

    def audit_site(key: str) -> list[str]:
        memo = audit.AuditMemo(memo_file, key)
        leaks = find_leaks(site, catalogue, memo) + external_assets(site, memo)
        memo.save()
        return leaks

    key = audit.secrets_key(catalogue)
    assert audit_site(key) == [] and sorted(read) == ["a.html", "b.html", "c.html"]
    read.clear()
    assert audit_site(key) == [] and read == []  # nothing changed: nothing read
    (site / "b.html").write_text("<p>return np.bincount(image.ravel(), minlength=256)</p>"
                                 '<script src="https://cdn.example/t.js"></script>')
    leaks = audit_site(key)
    assert read == ["b.html"]
    assert any(leak.startswith("b.html: a solution line") for leak in leaks)
    assert "b.html: <script src=https://cdn.example/t.js>" in leaks
    read.clear()
    assert audit_site(key) == leaks and read == ["b.html"]  # a failing file is read every time
    read.clear()
    audit_site("other labs")
    assert sorted(read) == ["a.html", "b.html", "c.html"]
