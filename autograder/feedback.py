"""Feedback that never leaks hidden tests: pass/fail and the instructor's hint, not the code.

nbgrader's feedback shows test cells as autograded, hidden tests included (nbgrader issues #917,
#1363). Before rendering, `HideHiddenTests` replaces each hidden region with one line saying
whether the cell passed, plus the hints the instructor wrote in it (`# hint: ...`), and cuts
tracebacks of such cells down to the error message, since tracebacks quote source lines.
"""

from __future__ import annotations

import re

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
