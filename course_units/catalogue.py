"""The unit catalogue: find units, load and validate their unit.yaml against one schema."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from course_units.errors import FormatError, UnitFormatError
from course_units.schema import FRAMEWORK_SCHEMA, STAGES, STATIONS, UNIT_SCHEMA, validate

UNIT_DIR_PATTERN = re.compile(r"^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$")
FRAMEWORK_FILE = "competencies.yaml"


def units_root() -> Path:
    """Where units live: $MICROFAB_UNITS_DIR, else this package's folder."""
    override = os.environ.get("MICROFAB_UNITS_DIR")
    return Path(override) if override else Path(__file__).resolve().parent


@dataclass(frozen=True)
class Unit:
    id: str
    title: str
    stage: int
    station: str
    enterprise_case: dict
    outcomes: list[str]
    competencies: list[str]
    hardware: list[str]
    data: list[str]
    learning_time_min: int
    ci_budget_s: int
    folder: Path
    prerequisites: list[str] = field(default_factory=list)
    grading: dict = field(default_factory=dict)  # sandbox limits (lab_kernels.limits)
    # wrong answers a student would plausibly write: each must fail a graded test (the gate)
    mutants: list[dict] = field(default_factory=list)

    @property
    def lesson_path(self) -> Path:
        return self.folder / "lesson.md"

    @property
    def lab_path(self) -> Path:
        return self.folder / "lab.md"

    @property
    def stage_name(self) -> str:
        return STAGES[self.stage]

    @property
    def station_name(self) -> str:
        return STATIONS[self.station]


@dataclass(frozen=True)
class Catalogue:
    root: Path
    units: list[Unit]
    certifications: dict[str, dict]
    competencies: dict[str, dict]

    def get(self, unit_id: str) -> Unit:
        for unit in self.units:
            if unit.id == unit_id or unit.folder.name == unit_id:
                return unit
        known = ", ".join(u.id for u in self.units) or "none"
        raise KeyError(f"no unit {unit_id!r} in {self.root} (units: {known})")


def read_yaml(path: Path) -> object:
    """Parse a YAML file; a syntax error names the file, line and column."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UnitFormatError(
            [FormatError(path, "", f"cannot read the file ({exc.strerror})", "Check the path")]
        ) from exc
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = f"malformed YAML: {getattr(exc, 'problem', None) or exc}"
        fix = "Fix the YAML syntax (indentation, a missing colon or quote)"
        raise UnitFormatError([FormatError(path, where, problem, fix)]) from exc


def _load_framework(root: Path) -> tuple[dict, dict, list[FormatError]]:
    path = root / FRAMEWORK_FILE
    if not path.is_file():
        fix = "Create it: it maps competency ids to certifications"
        return {}, {}, [FormatError(path, "", "competency framework file is missing", fix)]
    document = read_yaml(path)
    problems = validate(document, FRAMEWORK_SCHEMA, path)
    if problems:
        return {}, {}, problems
    certifications, competencies = document["certifications"], document["competencies"]
    for comp_id, comp in competencies.items():
        for cert in comp["certifications"]:
            if cert not in certifications:
                problems.append(FormatError(
                    path, f"competencies.{comp_id}.certifications",
                    f"unknown certification {cert!r}",
                    f"Declare it under 'certifications' or use one of: {', '.join(certifications)}",
                ))
    return certifications, competencies, problems


def _load_unit(folder: Path, competencies: dict) -> tuple[Unit | None, list[FormatError]]:
    path = folder / "unit.yaml"
    if not path.is_file():
        fix = "Every unit folder needs one; scaffold with `microfab unit new`"
        return None, [FormatError(path, "", "unit.yaml is missing", fix)]
    document = read_yaml(path)
    problems = validate(document, UNIT_SCHEMA, path)
    if problems:
        return None, problems
    if document["id"] != folder.name:
        problems.append(FormatError(
            path, "id", f"id {document['id']!r} differs from the folder name {folder.name!r}",
            "Make the id equal to the folder name",
        ))
    for index, comp in enumerate(document["competencies"]):
        if comp not in competencies:
            problems.append(FormatError(
                path, f"competencies.{index}", f"unknown competency id {comp!r}",
                f"Use an id defined in {FRAMEWORK_FILE} (known: {', '.join(sorted(competencies))})",
            ))
    for name in ("lesson.md", "lab.md"):
        if not (folder / name).is_file():
            problems.append(FormatError(
                folder / name, "", f"{name} is missing",
                "Every unit has a lesson.md and a lab.md (MyST notebooks)",
            ))
    unit = Unit(folder=folder, **document) if not problems else None
    return unit, problems


def load_catalogue(root: Path | None = None) -> Catalogue:
    """Load every unit under root; raise UnitFormatError listing every problem found."""
    root = Path(root) if root else units_root()
    certifications, competencies, problems = _load_framework(root)
    units = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not UNIT_DIR_PATTERN.match(folder.name):
            continue
        try:
            unit, unit_problems = _load_unit(folder, competencies)
        except UnitFormatError as exc:
            unit, unit_problems = None, exc.errors
        problems.extend(unit_problems)
        if unit:
            units.append(unit)
    known = {u.id for u in units}
    for unit in units:
        for index, prereq in enumerate(unit.prerequisites):
            if prereq not in known:
                problems.append(FormatError(
                    unit.folder / "unit.yaml", f"prerequisites.{index}",
                    f"unknown prerequisite unit {prereq!r}", "Use the id of an existing unit",
                ))
    if problems:
        raise UnitFormatError(problems)
    return Catalogue(root, units, certifications, competencies)
