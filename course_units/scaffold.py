"""`microfab unit new`: a unit folder from an enterprise case brief and the template sections."""

from __future__ import annotations

import shutil
from pathlib import Path
from string import Template

import yaml

from course_units.catalogue import UNIT_DIR_PATTERN, read_yaml
from course_units.errors import FormatError, UnitFormatError
from course_units.schema import UNIT_SCHEMA, validate

TEMPLATE_DIR = Path(__file__).resolve().parent / "_template"
CASE_KEYS = ("partner", "problem", "acceptance")
UNIT_KEYS = ("title", "stage", "station", "outcomes", "competencies", "hardware", "data",
             "learning_time_min", "ci_budget_s")


class ScaffoldError(Exception):
    pass


def unit_from_brief(unit_id: str, brief: dict) -> dict:
    """The unit.yaml document a brief describes (validated by the caller)."""
    document = {"id": unit_id}
    document.update({k: brief[k] for k in UNIT_KEYS if k in brief})
    document["enterprise_case"] = {k: brief[k] for k in CASE_KEYS if k in brief}
    document.setdefault("prerequisites", brief.get("prerequisites", []))
    return document


def scaffold_unit(root: Path, unit_id: str, brief_path: Path) -> Path:
    if not UNIT_DIR_PATTERN.match(unit_id):
        raise ScaffoldError(f"unit id {unit_id!r} must look like 'NN-slug' (two digits, a dash, "
                            f"lower-case words joined by dashes), e.g. 06-glass-scratches")
    folder = Path(root) / unit_id
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists; choose another id or edit that unit")
    brief = read_yaml(Path(brief_path))
    if not isinstance(brief, dict):
        raise ScaffoldError(f"{brief_path}: a brief is a YAML mapping; "
                            f"see {TEMPLATE_DIR}/brief.yaml")
    document = unit_from_brief(unit_id, brief)
    problems = validate(document, UNIT_SCHEMA, Path(brief_path))
    if problems:
        raise UnitFormatError(problems)
    known = read_yaml(Path(root) / "competencies.yaml").get("competencies", {})
    unknown = [c for c in document["competencies"] if c not in known]
    if unknown:
        raise UnitFormatError([FormatError(
            Path(brief_path), "competencies", f"unknown competency id(s) {', '.join(unknown)}",
            f"Use ids from competencies.yaml: {', '.join(sorted(known))}")])
    values = {"title": document["title"], "problem": " ".join(str(brief["problem"]).split()),
              "learning_time_min": document["learning_time_min"]}
    folder.mkdir(parents=True)
    try:
        (folder / "unit.yaml").write_text(yaml.safe_dump(document, sort_keys=False,
                                                         allow_unicode=True))
        for name in ("lesson.md", "lab.md"):
            text = Template((TEMPLATE_DIR / name).read_text()).safe_substitute(values)
            (folder / name).write_text(text)
    except OSError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    return folder
