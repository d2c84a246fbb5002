"""The built site: every unit published, no secrets in it, offline, and working links."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
import yaml

from course_units import load_catalogue
from course_units.notebooks import read_notebook
from microfab_book.layout import HTML_DIR, lab_doc, lesson_doc, units_dir

REPO = Path(__file__).resolve().parents[2]
MIN_CHARS = 12  # shorter lines (`return mask`) are not evidence of a leak


def _site(built_book) -> Path:
    return built_book.root / HTML_DIR


def _flat(text: str) -> str:
    return " ".join(text.split())


def _regions(begin: str, end: str) -> re.Pattern:
    return re.compile(rf"^[ \t]*###[ \t]*{begin}[^\n]*\n(.*?)^[ \t]*###[ \t]*{end}[^\n]*$",
                      re.MULTILINE | re.DOTALL)


MARKED = [_regions("BEGIN SOLUTION", "END SOLUTION"),
          _regions("BEGIN HIDDEN TESTS", "END HIDDEN TESTS")]


def _secrets(root: Path) -> dict[str, list[str]]:
    """unit -> its non-trivial solution and hidden-test lines, read straight from lab.md; a
    line that students can read anyway -- in a lesson or outside the marked regions of a lab --
    is not a secret."""
    catalogue = load_catalogue(units_dir(root))
    public = [u.lesson_path.read_text() for u in catalogue.units]
    hidden = {}
    for unit in catalogue.units:
        text = unit.lab_path.read_text()
        hidden[unit.id] = [line for pattern in MARKED for block in pattern.findall(text)
                           for line in block.splitlines()]
        for pattern in MARKED:
            text = pattern.sub("", text)
        public.append(text)
    public_text = _flat(" \n ".join(public))
    return {unit: sorted({_flat(line) for line in lines
                          if len(_flat(line)) >= MIN_CHARS and _flat(line) not in public_text})
            for unit, lines in hidden.items()}


def _readable(path: Path) -> str | None:
    """The file's text as a reader sees it; None for binary files (images, fonts)."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        return None
    if path.suffix == ".ipynb":
        def strings(node):
            if isinstance(node, str):
                yield node
            elif isinstance(node, list):
                if all(isinstance(item, str) for item in node):
                    yield "".join(node)
                else:
                    for item in node:
                        yield from strings(item)
            elif isinstance(node, dict):
                for value in node.values():
                    yield from strings(value)
        return "\n".join(strings(json.loads(raw)))
    return raw + "\n" + html.unescape(re.sub(r"<[^>]+>", "", raw))


def _files(site: Path) -> list[Path]:
    return [p for p in site.rglob("*") if p.is_file()]


def test_every_unit_has_its_lesson_and_its_lab_release_in_the_site(built_book):
    site = _site(built_book)
    toc = yaml.safe_load((built_book.root / "_toc.yml").read_text())
    for unit in load_catalogue(units_dir(built_book.root)).units:
        assert (site / f"{lesson_doc(unit)}.html").is_file(), f"no lesson page for {unit.id}"
        lab = site / f"{lab_doc(unit)}.html"
        assert lab.is_file(), f"no lab page for {unit.id}"
        assert "YOUR CODE HERE" in lab.read_text(), f"{lab} is not the student release"
        assert lab_doc(unit) in json.dumps(toc)


def test_no_solution_hidden_test_or_held_back_data_anywhere_in_the_site(built_book):
    secrets = _secrets(built_book.root)
    assert any(secrets.values()), "found no solution or hidden-test lines to look for"
    leaks, read = [], 0
    for path in _files(_site(built_book)):
        text = _readable(path)
        if text is None:
            continue
        read += 1
        flat = _flat(text)
        if "backboard/grading" in text:
            leaks.append(f"{path}: backboard/grading")
        leaks += [f"{path}: {unit}: {line}" for unit, lines in secrets.items()
                  for line in lines if line in flat]
    assert leaks == []
    assert read > 50, "the search read almost nothing"


def test_the_leak_search_sees_code_through_highlighted_html(built_book):
    """Control: every shown code line of each lesson is found in its page by the same search."""
    site = _site(built_book)
    for unit in load_catalogue(units_dir(built_book.root)).units:
        page = _flat(_readable(site / f"{lesson_doc(unit)}.html"))
        shown = [cell for cell in read_notebook(unit.lesson_path).cells
                 if cell.cell_type == "code" and not any(
                     tag.startswith(("remove", "hide")) for tag in cell.metadata.get("tags", []))]
        lines = [_flat(line) for cell in shown for line in cell.source.splitlines()
                 if len(_flat(line)) >= MIN_CHARS]
        assert lines, f"no code lines in {unit.lesson_path}"
        assert [line for line in lines if line not in page] == [], unit.id


def test_downloadable_lab_notebooks_are_student_releases(built_book):
    site = _site(built_book)
    for unit in load_catalogue(units_dir(built_book.root)).units:
        notebook = json.loads((site / "_sources" / f"{lab_doc(unit)}.ipynb").read_text())
        sources = "\n".join("".join(c["source"]) for c in notebook["cells"])
        assert "### BEGIN SOLUTION" not in sources and "HIDDEN TESTS" not in sources
        assert "raise NotImplementedError()" in sources
        assert any("nbgrader" in c["metadata"] for c in notebook["cells"])


class _Assets:
    SCRIPT = re.compile(r"<script\b[^>]*\bsrc=[\"']([^\"']+)", re.IGNORECASE)
    LINK = re.compile(r"<link\b[^>]*\bhref=[\"']([^\"']+)", re.IGNORECASE)


def test_no_page_loads_a_script_or_stylesheet_from_another_host(built_book):
    site = _site(built_book)
    external = []
    for page in site.rglob("*.html"):
        text = page.read_text()
        for url in _Assets.SCRIPT.findall(text) + _Assets.LINK.findall(text):
            if re.match(r"^(https?:)?//", url, re.IGNORECASE):
                external.append(f"{page.relative_to(site)}: {url}")
    assert external == []


def test_mathjax_requirejs_and_the_widget_manager_are_served_from_the_site(built_book):
    site = _site(built_book)
    page = site / "book" / "try-it.html"
    sources = _Assets.SCRIPT.findall(page.read_text())
    wanted = {"tex-svg.js": False, "require.js": False, "embed-amd.js": False}
    for src in sources:
        local = (page.parent / unquote(src.split("?")[0])).resolve()
        for name in wanted:
            if local.name == name:
                assert local.is_file(), f"{src} is not in the site"
                assert site.resolve() in local.parents
                wanted[name] = True
    assert all(wanted.values()), f"scripts missing from try-it.html: {wanted}"
    assert not (site / "_static" / "vendor" / "mathjax").exists()


def test_widget_state_is_embedded_so_the_slider_renders_without_a_kernel(built_book):
    text = (_site(built_book) / "book" / "try-it.html").read_text()
    match = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>',
                      text, re.DOTALL)
    assert match, "no widget state in try-it.html"
    state = json.loads(match.group(1).replace("<\\/", "</"))["state"]
    models = {m["model_name"] for m in state.values()}
    assert {"IntSliderModel", "ImageModel"} <= models
    image = next(m for m in state.values() if m["model_name"] == "ImageModel")
    # the mask at Otsu's threshold travels with the page as the image's binary buffer
    saved = [b for b in image.get("buffers", []) if b.get("path") == ["value"]]
    assert (saved and len(saved[0].get("data", "")) > 1000) or image["state"].get("value"), \
        "the image was not saved with the widget state"


def _links(site: Path, pattern: str) -> list[tuple[Path, str]]:
    return [(page, html.unescape(href)) for page in site.rglob("*.html")
            for href in re.findall(rf'href="([^"]*{pattern}[^"]*)"', page.read_text())]


def test_every_page_states_the_content_licence(built_book):
    site = _site(built_book)
    for page in ("book/intro.html", "book/try-it.html"):
        assert "CC BY-SA 4.0" in _flat((site / page).read_text()), page
    assert (REPO / "LICENSE").read_text().startswith("MIT License")


def test_without_a_hub_pages_that_run_code_say_how_to_run_them_locally(built_book):
    site = _site(built_book)
    assert _links(site, "git-pull") == []  # no launch button to a hub that does not exist
    units = load_catalogue(units_dir(built_book.root)).units
    for doc, source in [("book/try-it", "book/try-it.md"),
                        *[(lesson_doc(u), f"{lesson_doc(u)}.md") for u in units]]:
        page = (site / f"{doc}.html").read_text()
        assert "Run this page yourself" in page, doc
        assert f".venv/bin/jupyter lab {source}" in page, doc
    for doc in ("book/intro", lab_doc(units[0])):
        assert "Run this page yourself" not in (site / f"{doc}.html").read_text(), doc


def test_launch_buttons_pull_files_that_exist_in_the_repository(hub_book):
    site = _site(hub_book)
    config = yaml.safe_load((REPO / "_config.yml").read_text())
    launches = _links(site, "git-pull")
    pages = {page.relative_to(site).as_posix() for page, _ in launches}
    assert "book/try-it.html" in pages
    assert "Run this page yourself" not in (site / "book/try-it.html").read_text()
    for unit in load_catalogue(units_dir(hub_book.root)).units:
        assert f"{lesson_doc(unit)}.html" in pages, f"no launch button on {unit.id}'s lesson"
        assert f"{lab_doc(unit)}.html" not in pages, "labs come through nbgrader, not nbgitpuller"
    for page, href in launches:
        url = urlparse(href)
        query = parse_qs(url.query)
        assert f"{url.scheme}://{url.netloc}" == "https://hub.school.example"  # as built
        assert url.path.endswith("/hub/user-redirect/git-pull")
        assert query["repo"] == [config["repository"]["url"]]
        assert query["branch"] == [config["repository"]["branch"]]
        repo_name = config["repository"]["url"].rstrip("/").split("/")[-1]
        prefix = f"lab/tree/{repo_name}/"
        target = query["urlpath"][0]
        assert target.startswith(prefix), href
        path = REPO / target[len(prefix):]
        assert path.is_file(), f"{page}: launch link opens {path}, which is not in the repository"
        assert "generated" not in path.parts, f"{path} is made by the build, not committed"


def test_download_buttons_point_at_files_in_the_site(built_book):
    site = _site(built_book)
    downloads = _links(site, "_sources/")
    assert downloads
    for page, href in downloads:
        target = (page.parent / unquote(href.split("#")[0])).resolve()
        assert target.is_file(), f"{page}: {href} does not exist in the site"
    ipynb = {(page.relative_to(site).as_posix(), Path(href).name) for page, href in downloads
             if href.endswith(".ipynb")}
    for unit in load_catalogue(units_dir(built_book.root)).units:
        assert (f"{lab_doc(unit)}.html", f"{unit.id}.ipynb") in ipynb
        assert (f"{lesson_doc(unit)}.html", "lesson.ipynb") in ipynb


def test_curriculum_map_is_made_from_the_units(built_book):
    site = _site(built_book)
    page = (site / "book" / "generated" / "curriculum-map.html").read_text()
    # Sphinx typesets quotes (smartquotes): "line's" is rendered "line’s"
    page = page.translate(str.maketrans({"’": "'", "‘": "'", "“": '"', "”": '"'}))
    catalogue = load_catalogue(units_dir(built_book.root))
    for unit in catalogue.units:
        assert html.escape(unit.title, quote=False) in page or unit.title in page
    for name in list(catalogue.competencies) + list(catalogue.certifications):
        assert name in page
    assert re.search(r'<img[^>]+src="[^"]*curriculum-map\.png"', page)


def test_a_successful_build_leaves_no_execution_reports(built_book):
    assert not (_site(built_book) / "reports").exists()
    assert built_book.failed == []


def test_every_lesson_ran_through_the_runner_and_myst_nb_executed_nothing(built_book):
    from course_units import load_catalogue

    ran = set(built_book.executed) | set(built_book.pages.reused)
    lessons = {f"course_units/{u.folder.name}/lesson"
               for u in load_catalogue(built_book.root / "course_units").units}
    assert lessons | {"book/try-it"} <= ran
    log = (built_book.root / "_build" / "book" / "build.log").read_text()
    assert "Executing notebook" not in log and "Using cached notebook" in log


@pytest.mark.parametrize("page", ["index.html", "book/intro.html", "book/lab-setup.html",
                                  "book/instructor-guide.html"])
def test_start_pages_and_guides_exist(built_book, page):
    assert (_site(built_book) / page).is_file()
