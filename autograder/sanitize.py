"""Sanitising steps for submissions, where nbgrader's own would let a submission stop grading."""

from __future__ import annotations

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
