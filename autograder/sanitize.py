"""Sanitising steps for submissions, where nbgrader's own would let a submission stop grading."""

from __future__ import annotations

from nbconvert.preprocessors.sanitize import SanitizeHTML
from nbgrader import utils
from nbgrader.preprocessors import DeduplicateIds


class DeduplicateGradeIds(DeduplicateIds):
    """nbgrader's DeduplicateIds, but a duplicate loses its nbgrader metadata entirely.

    nbgrader empties the duplicate's metadata to `{}`, which its own schema check then rejects
    (schema version 0) and the whole submission fails; removing the key makes the duplicate a
    plain cell, and the last copy (as nbgrader keeps) is graded.
    """

    def preprocess_cell(self, cell, resources, cell_index):
        if not (utils.is_grade(cell) or utils.is_solution(cell) or utils.is_locked(cell)):
            return cell, resources
        grade_id = cell.metadata.nbgrader["grade_id"]
        if grade_id in self.grade_ids:
            self.log.warning("Cell with id '%s' exists multiple times!", grade_id)
            del cell.metadata["nbgrader"]
        else:
            self.grade_ids.add(grade_id)
        return cell, resources


# What a student's output or answer may keep: text, tables, lists, emphasis, headings, links.
SAFE_TAGS = ["a", "abbr", "b", "blockquote", "br", "caption", "code", "col", "colgroup", "dd",
             "del", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins",
             "kbd", "li", "ol", "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub",
             "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul", "var"]
SAFE_ATTRIBUTES = {"*": ["class", "title"], "a": ["href", "title"],
                   "td": ["colspan", "rowspan", "align"], "th": ["colspan", "rowspan", "align"]}


class SanitizeSubmission(SanitizeHTML):
    """nbconvert's SanitizeHTML for what a submission made: no script, handler or active content.

    Every code cell's outputs are cleaned (HTML and Markdown through bleach; JavaScript, SVG,
    widget views and other active types dropped); Markdown and raw cells the student could edit
    are cleaned too, with unsafe markup removed. The instructor's locked cells stay as written.
    Applied to the executed notebooks before grades are written, so feedback and the formgrader
    show only cleaned content.
    """

    def __init__(self, **kw):
        kw.setdefault("tags", SAFE_TAGS)
        kw.setdefault("attributes", SAFE_ATTRIBUTES)
        kw.setdefault("strip", True)
        kw.setdefault("enabled", True)
        super().__init__(**kw)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type in ("markdown", "raw") and utils.is_locked(cell):
            return cell, resources
        return super().preprocess_cell(cell, resources, cell_index)
