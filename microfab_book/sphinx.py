"""Sphinx extension for the microfab book (`sphinx.extra_extensions` in _config.yml).

- Every unit must be in the table of contents: a unit missing from _toc.yml is a warning naming
  its unit.yaml (an error under -W), even when jupyter-book is run by hand on a stale _toc.yml.
- Lab pages keep their download button (the student release) but get no JupyterHub launch
  button: nbgitpuller can only open files of the repository, and the release exists only in the
  built site. Students get labs through nbgrader.
- Without a JupyterHub (no `launch_buttons.jupyterhub_url`) the theme shows no JupyterHub button,
  so every page that runs code says how to run it locally instead: a link to nowhere helps
  nobody.
- Live code (`launch_buttons.thebe`): the "Live Code" button runs a page's cells in place with
  thebe vendored from npm, against the Jupyter server that serves the book (`microfab serve`)
  or the one `thebe_config.server_url` names; sphinx-thebe's own loader, which fetches thebe
  from a CDN and asks mybinder.org for a kernel, is left out.
- Widgets render offline only if their JavaScript is vendored: a page whose widget state needs a
  module other than the ones the HTML manager bundles is a warning naming the page.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import yaml
from sphinx.application import Sphinx
from sphinx.util import logging

from microfab_book.layout import is_lab_doc, units_dir
from microfab_book.toc import units_missing_from_toc
from microfab_book.vendor import REQUIREJS_GLOBAL, THEBE_DIR

logger = logging.getLogger(__name__)
BUNDLED_WIDGET_MODULES = {"@jupyter-widgets/base", "@jupyter-widgets/controls",
                          "@jupyter-widgets/output"}
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


def check_units_in_toc(app: Sphinx) -> None:
    from course_units import UnitFormatError, load_catalogue

    try:
        catalogue = load_catalogue(units_dir(app.srcdir))
    except UnitFormatError as exc:
        for error in exc.errors:
            logger.warning(str(error), type="microfab", subtype="units")
        return
    toc_path = Path(app.config.external_toc_path)
    toc_path = toc_path if toc_path.is_absolute() else Path(app.srcdir) / toc_path
    toc = yaml.safe_load(toc_path.read_text(encoding="utf-8"))
    for unit_id, pages in units_missing_from_toc(toc, catalogue).items():
        # named by its unit.yaml (a location would be taken for a page of the book)
        logger.warning(
            f"{catalogue.get(unit_id).folder / 'unit.yaml'}: unit {unit_id} is not in the table "
            f"of contents {toc_path} (missing: {', '.join(pages)}); run `microfab book toc` to "
            "make it from the units", type="microfab", subtype="toc")


def drop_lab_launch_buttons(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree) -> None:
    if is_lab_doc(pagename) and "header_buttons" in context:
        context["header_buttons"] = [b for b in context["header_buttons"]
                                     if b.get("label") != "launch-buttons"]


RUN_LOCALLY = """<div class="admonition tip microfab-run-locally">
<p class="admonition-title">Run this page yourself</p>
<p>This book is not connected to a JupyterHub, so the outputs here are the ones saved when it was
built. To run the page and move its sliders: get the project, run <code>make book</code> once (it
sets up everything), then <code>.venv/bin/jupyter lab {source}</code>. To run its cells in place,
start <code>.venv/bin/microfab serve</code>, open the address it prints and press
<em>Live Code</em> under the rocket button.</p>
</div>
"""


def hub_url(app: Sphinx) -> str:
    options = app.config.html_theme_options or {}
    return str((options.get("launch_buttons") or {}).get("jupyterhub_url") or "")


def say_how_to_run_locally(app: Sphinx, pagename: str, templatename: str, context: dict,
                           doctree) -> None:
    """Without a hub, a page that runs code opens with how to run it on one's own machine."""
    if doctree is None or hub_url(app) or is_lab_doc(pagename) or "body" not in context:
        return
    if "kernelspec" not in app.env.metadata.get(pagename, {}):
        return  # a page of text: nothing to run
    source = Path(app.env.doc2path(pagename, False)).as_posix()
    context["body"] = RUN_LOCALLY.format(source=source) + context["body"]


def offer_notebook_download(app: Sphinx, pagename: str, templatename: str, context: dict,
                            doctree) -> None:
    """Without a hub the theme offers no .ipynb download of a MyST notebook page (it makes one
    only beside a launch button); a self-learner needs it most then, so make it the same way."""
    if doctree is None or hub_url(app) or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    if not str(context.get("sourcename", "")).endswith((".md", ".md.txt")):
        return
    executed = Path(app.outdir).parent / "jupyter_execute" / f"{pagename}.ipynb"
    if not executed.is_file():
        return
    target = Path(app.outdir) / "_sources" / f"{pagename}.ipynb"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(executed, target)
    context["ipynb_source"] = f"{pagename}.ipynb"  # the theme's download button reads this


def check_widget_modules(app: Sphinx, pagename: str, templatename: str, context: dict,
                         doctree) -> None:
    from myst_nb.sphinx_ import NbMetadataCollector

    js_files = NbMetadataCollector.get_js_files(app.env, pagename) \
        if hasattr(app.env, "nb_metadata") else {}
    _, attributes = js_files.get("ipywidgets_state", (None, {}))
    if attributes.get("type") != WIDGET_STATE:
        return
    state = json.loads(attributes["body"].replace("<\\/", "</")).get("state", {})
    modules = {m.get("model_module") for m in state.values()} | \
              {m.get("view_module") for m in state.values() if m.get("view_module")}
    foreign = sorted(m for m in modules - BUNDLED_WIDGET_MODULES if m)
    if foreign:
        logger.warning(
            f"widgets from {', '.join(foreign)} cannot render offline: only "
            f"{', '.join(sorted(BUNDLED_WIDGET_MODULES))} are vendored; vendor their JavaScript "
            "(package.json, microfab_book/vendor.py) or use ipywidgets' own controls",
            location=pagename, type="microfab", subtype="widgets")


# Replaces sphinx-thebe's loader, which fetches thebe 0.8 from a CDN and always asks
# mybinder.org for a kernel: this one loads the vendored thebe 0.9 and asks a Jupyter server.
LIVE_CODE_MARK = "microfab live code"
LIVE_CODE_JS = """// %(mark)s: the vendored thebe, against a Jupyter server, never a CDN or Binder
var MICROFAB_LIVE = %(settings)s;
var initThebe = () => {
  const button = document.querySelector(".thebe-launch-button");
  const say = (status, text) => {
    if (!button) return;
    button.dataset.microfabLive = status;
    button.textContent = text;
  };
  if (document.querySelector(".thebe-cell")) return;  // already live
  if (!MICROFAB_LIVE.server && location.protocol === "file:") {
    say("no-server", "Live code needs a Jupyter server: run `microfab serve` and open the " +
        "address it prints");
    return;
  }
  // the token `microfab serve` prints in the address; kept for the other pages of this tab
  const query = new URLSearchParams(location.search).get("token");
  if (query) sessionStorage.setItem("microfab-live-token", query);
  const token = sessionStorage.getItem("microfab-live-token") || "";
  const root = new URL(document.documentElement.dataset.content_root || "./", location.href);
  const vendor = new URL("vendor/%(thebe)s/", root);
  const server = MICROFAB_LIVE.server || new URL("/", location.href).href;
  const css = document.createElement("link");
  css.rel = "stylesheet";
  css.href = new URL("thebe.css", vendor).href;
  document.head.appendChild(css);
  // thebe pairs inputs with outputs by position: every cell gets an output, empty or not
  document.querySelectorAll("div.cell").forEach((cell) => {
    const source = cell.querySelector(".cell_input pre");
    if (!source) return;
    source.setAttribute("data-executable", "true");
    source.setAttribute("data-language", "python");
    let output = cell.querySelector(".cell_output");
    if (!output) {
      output = document.createElement("div");
      output.className = "cell_output";
    }
    output.setAttribute("data-output", "");
    source.insertAdjacentElement("afterend", output);
    cell.querySelectorAll("button.copybtn").forEach((el) => el.remove());
  });
  window.%(requirejs)s = new URL("vendor/requirejs/require.js", root).href;
  const script = document.createElement("script");
  script.src = new URL("index.js", vendor).href;
  script.addEventListener("load", () => {
    // the server's, session's and kernel's progress; cells report their own
    const connection = (data) => ["server", "session", "kernel"].includes(data.subject);
    thebe.on("status", (event, data) => {
      if (connection(data)) say(data.status, `Live code: ${data.status}`);
    });
    thebe.on("error", (event, data) => {
      if (connection(data)) say("failed", `Live code failed: ${data.message}`);
    });
    thebe.bootstrap({
      useBinder: false, useJupyterLite: false, requestKernel: true,
      mountActivateWidget: false, mountStatusWidget: false, predefinedOutput: true,
      mathjaxUrl: "",  // thebe's typesetter is MathJax 2's; the page's MathJax 3 stays alone
      serverSettings: {baseUrl: server, token: token, appendToken: Boolean(token)},
      kernelOptions: {name: MICROFAB_LIVE.kernel || kernelName},
    }).then(() => say("ready", "Live code: ready"),
            (error) => say("failed", `Live code failed: ${error}`));
  });
  script.addEventListener("error", () => say("failed", "Live code: thebe did not load"));
  say("loading", "Live code: loading");
  document.head.appendChild(script);
};
"""


def live_code_on(app: Sphinx) -> bool:
    options = app.config.html_theme_options or {}
    return bool((options.get("launch_buttons") or {}).get("thebe"))


def add_live_code_loader(app: Sphinx) -> None:
    """The loader, configured from thebe_config: `server_url` (empty: the server that serves
    the book, as `microfab serve` does) and `kernel_name` (empty: the page's kernel)."""
    if not live_code_on(app):
        return
    config = app.config.thebe_config or {}
    settings = {"server": str(config.get("server_url") or ""),
                "kernel": str(config.get("kernel_name") or "")}
    app.add_js_file(None, body=LIVE_CODE_JS % {
        "mark": LIVE_CODE_MARK, "settings": json.dumps(settings), "thebe": THEBE_DIR,
        "requirejs": REQUIREJS_GLOBAL})


def use_vendored_thebe(app: Sphinx, pagename: str, templatename: str, context: dict,
                       doctree) -> None:
    """sphinx-thebe's loader, which names thebe on a CDN the offline book must not reach, is
    left out of every page; pages with a live-code button get the book's own loader."""
    def script_text(script) -> str:
        return getattr(script, "attributes", {}).get("body", "") or ""

    def sphinx_thebe(script) -> bool:
        return "THEBE_JS_URL" in script_text(script) or str(script).endswith(
            "sphinx-thebe.js") or str(getattr(script, "filename", "")).endswith("sphinx-thebe.js")

    live = live_code_on(app) and not is_lab_doc(pagename) and \
        "kernelspec" in app.env.metadata.get(pagename, {})
    kept, loaders = [], 0
    for script in context.get("script_files", []):
        loader = LIVE_CODE_MARK in script_text(script)
        # Sphinx may list a script added at builder-inited twice: one loader is enough
        if not sphinx_thebe(script) and not (loader and (not live or loaders)):
            kept.append(script)
        loaders += loader
    context["script_files"] = kept


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", check_units_in_toc)
    # after sphinx-book-theme has added its buttons (priority 501)
    app.connect("html-page-context", drop_lab_launch_buttons, priority=600)
    app.connect("html-page-context", say_how_to_run_locally)
    # before the theme's header buttons (priority 501) read ipynb_source
    app.connect("html-page-context", offer_notebook_download, priority=500)
    app.connect("html-page-context", check_widget_modules)
    # after sphinx-book-theme has set thebe_config (builder-inited, priority 500)
    app.connect("builder-inited", add_live_code_loader, priority=600)
    app.connect("html-page-context", use_vendored_thebe)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
