"""Feedback that never leaks hidden tests: pass/fail and the instructor's hint, not the code.

nbgrader's feedback shows test cells as autograded, hidden tests included (nbgrader issues #917,
#1363). Before rendering, `HideHiddenTests` replaces each hidden region with one line saying
whether the cell passed, plus the hints the instructor wrote in it (`# hint: ...`), and cuts
tracebacks of such cells down to the error message, since tracebacks quote source lines.

After rendering, `make_offline` inlines the vendored MathJax in place of nbconvert's CDN script,
so a student's feedback typesets its equations with no network.
"""

from __future__ import annotations

import re
from pathlib import Path

from nbformat import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode
from traitlets.config import Config

HINT = re.compile(r"^\s*#\s*hint:\s*(.+)$", re.IGNORECASE)


class HideHiddenTests(NbGraderPreprocessor):
    begin_hidden = Unicode("### BEGIN HIDDEN TESTS").tag(config=True)
    end_hidden = Unicode("### END HIDDEN TESTS").tag(config=True)

    def preprocess_cell(self, cell: NotebookNode, resources, index):
        if cell.cell_type != "code" or self.begin_hidden not in cell.source:
            return cell, resources
        failed = any(o.get("output_type") == "error" for o in cell.get("outputs", []))
        cell.source = self._without_hidden(cell.source, failed)
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                output["traceback"] = [f"{output.get('ename')}: {output.get('evalue')}"]
        return cell, resources

    def _without_hidden(self, source: str, failed: bool) -> str:
        kept, hidden, hints = [], False, []
        for line in source.splitlines():
            if line.strip() == self.begin_hidden:
                hidden = True
            elif line.strip() == self.end_hidden:
                hidden = False
                verdict = "some failed" if failed else "all passed"
                kept.append(f"# hidden tests: {verdict}")
                kept += [f"# hint: {hint}" for hint in hints] if failed else []
                hints = []
            elif hidden:
                match = HINT.match(line)
                if match:
                    hints.append(match.group(1).strip())
            else:
                kept.append(line)
        return "\n".join(kept)


def feedback_config() -> Config:
    from nbconvert.preprocessors import CSSHTMLHeaderPreprocessor
    from nbgrader.preprocessors import GetGrades

    config = Config()
    from autograder.sanitize import SanitizeSubmission

    config.GenerateFeedback.preprocessors = [GetGrades, HideHiddenTests, SanitizeSubmission,
                                             CSSHTMLHeaderPreprocessor]
    return config


# --- the HTML a student opens: it must work offline ------------------------------------------

MATHJAX_BUNDLE = Path(__file__).resolve().parents[1] / "node_modules" / "mathjax" / "es5" / \
    "tex-svg-full.js"  # MathJax 3, SVG output: no web fonts to fetch, one self-contained file
CDN_SCRIPT = re.compile(r'<script[^>]*src="https?://[^"]*mathjax[^"]*"[^>]*>\s*</script>',
                        re.IGNORECASE)
# nbconvert's classic template leaves Markdown tables without rules or padding
TABLE_CSS = """<style>
.rendered_html table { border-collapse: collapse; margin: 0.5em 0; }
.rendered_html th, .rendered_html td { border: 1px solid #bbb; padding: 0.3em 0.8em;
  text-align: left; }
.rendered_html th { background: #f3f3f3; }
</style>"""
MATHJAX_CONFIG = """<script>
window.MathJax = {tex: {inlineMath: [['$', '$'], ['\\\\(', '\\\\)']], processEscapes: true},
                  svg: {fontCache: 'global'}, options: {enableMenu: false}};
</script>"""


class FeedbackError(RuntimeError):
    """Feedback cannot be made to work offline; the message says what to install."""


def offline_html(html: str, bundle: str) -> str:
    """Feedback HTML with MathJax inlined from the vendored bundle instead of a CDN."""
    if MATHJAX_CONFIG in html:
        return html  # made offline already
    if "</script" in bundle:
        raise FeedbackError("the MathJax bundle contains '</script' and cannot be inlined")
    inline = f"{MATHJAX_CONFIG}\n<script>{bundle}</script>\n{TABLE_CSS}"
    html, replaced = CDN_SCRIPT.subn(lambda _: inline, html, count=1)
    if not replaced:
        html = html.replace("</head>", f"{inline}\n</head>", 1)
    return html


def make_offline(course_root: Path, assignment: str,
                 bundle_path: Path = MATHJAX_BUNDLE) -> list[Path]:
    """Rewrite the assignment's feedback HTML (feedback/<student>/<assignment>/) to load
    nothing from the network."""
    if not bundle_path.is_file():
        raise FeedbackError(f"MathJax is not installed at {bundle_path}, so equations in the "
                            "feedback would need the internet: run `npm ci` at the repository "
                            "root (make env does)")
    bundle = bundle_path.read_text(encoding="utf-8")
    pages = sorted((Path(course_root) / "feedback").glob(f"*/{assignment}/*.html"))
    for page in pages:
        page.write_text(offline_html(page.read_text(encoding="utf-8"), bundle),
                        encoding="utf-8")
    return pages
