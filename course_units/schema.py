"""One schema for the course: unit.yaml and the competency framework (JSON Schema 2020-12)."""

from __future__ import annotations

from pathlib import Path

from course_units.errors import FormatError
from lab_kernels.limits import schema as limits_schema

STAGES = {
    1: "edge development",
    2: "edge project practice",
    3: "cloud optimisation",
}

# The stations of the backboard inspection line, in line order.
STATIONS = {
    "acquisition": "image acquisition and optics",
    "preprocessing": "preprocessing",
    "classical-inspection": "classical defect detection",
    "deep-learning-inspection": "deep-learning defect detection",
    "edge-deployment": "edge deployment (Jetson, Ascend)",
    "line-integration": "line integration (robot arm, PLC IO)",
    "data-management": "inspection data management",
    "cloud-optimisation": "cloud optimisation",
}

HARDWARE_KINDS = ["camera", "board", "arm", "io"]

_ID = r"^[0-9]{2}-[a-z0-9]+(-[a-z0-9]+)*$"
_COMPETENCY_ID = r"^[A-Z]{2,5}-[A-Z]{2,5}-[0-9]{2}$"
_DATA_URI = r"^(replay|sim|file)://\S+$"

UNIT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "title", "stage", "station", "enterprise_case", "outcomes",
        "competencies", "hardware", "data", "learning_time_min", "ci_budget_s",
    ],
    "properties": {
        "id": {"type": "string", "pattern": _ID},
        "title": {"type": "string", "minLength": 3},
        "stage": {"enum": list(STAGES)},
        "station": {"enum": list(STATIONS)},
        "enterprise_case": {
            "type": "object",
            "additionalProperties": False,
            "required": ["partner", "problem", "acceptance"],
            "properties": {
                "partner": {"type": "string", "minLength": 2},
                "problem": {"type": "string", "minLength": 10},
                "acceptance": {
                    "type": "object",
                    "minProperties": 1,
                    "additionalProperties": False,
                    "properties": {
                        "min_defect_mm": {"type": "number", "exclusiveMinimum": 0},
                        "takt_s": {"type": "number", "exclusiveMinimum": 0},
                        "max_escape_rate": {"type": "number", "minimum": 0, "maximum": 1},
                        "max_false_reject_rate": {"type": "number", "minimum": 0, "maximum": 1},
                        "part_size_mm": {
                            "type": "array", "minItems": 2, "maxItems": 2,
                            "items": {"type": "number", "exclusiveMinimum": 0},
                        },
                        "notes": {"type": "string"},
                    },
                },
            },
        },
        "outcomes": {"type": "array", "minItems": 1, "items": {"type": "string", "minLength": 5}},
        "competencies": {
            "type": "array", "minItems": 1, "uniqueItems": True,
            "items": {"type": "string", "pattern": _COMPETENCY_ID},
        },
        "prerequisites": {
            "type": "array", "uniqueItems": True,
            "items": {"type": "string", "pattern": _ID},
        },
        "hardware": {
            "type": "array", "uniqueItems": True, "items": {"enum": HARDWARE_KINDS},
        },
        "data": {"type": "array", "items": {"type": "string", "pattern": _DATA_URI}},
        "learning_time_min": {"type": "integer", "minimum": 5, "maximum": 600},
        "ci_budget_s": {"type": "integer", "minimum": 10, "maximum": 900},
        "grading": limits_schema(),
        "mutants": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "replaces", "why", "code"],
                "properties": {
                    "name": {"type": "string", "pattern": r"^[a-z0-9]+(-[a-z0-9]+)*$"},
                    "replaces": {"type": "string", "minLength": 1},
                    "why": {"type": "string", "minLength": 10},
                    "code": {"type": "string", "minLength": 1},
                },
            },
        },
    },
}

FRAMEWORK_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "additionalProperties": False,
    "required": ["certifications", "competencies"],
    "properties": {
        "certifications": {
            "type": "object",
            "minProperties": 1,
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "issuer", "level"],
                "properties": {
                    "title": {"type": "string"},
                    "issuer": {"type": "string"},
                    "level": {"type": "string"},
                },
            },
        },
        "competencies": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": _COMPETENCY_ID},
            "additionalProperties": {
                "type": "object",
                "additionalProperties": False,
                "required": ["title", "certifications"],
                "properties": {
                    "title": {"type": "string"},
                    "certifications": {
                        "type": "array", "minItems": 1, "items": {"type": "string"},
                    },
                },
            },
        },
    },
}

_FIXES = {
    "required": "Add the key (see course_units/_template/unit.yaml for an example)",
    "additionalProperties": "Remove or rename the key; the allowed keys are listed in "
    "course_units/schema.py",
    "enum": "Use one of the allowed values",
    "pattern": "Follow the naming pattern",
    "type": "Change the value to the expected type",
}


def _key_path(error) -> str:
    return ".".join(str(p) for p in error.absolute_path) or "(top level)"


def validate(document: object, schema: dict, path: Path) -> list[FormatError]:
    """Every schema violation in a document, each naming its key and what to do."""
    import jsonschema  # deferred: importing it costs most of a second (microfab --help)

    validator = jsonschema.Draft202012Validator(schema)
    problems = []
    for error in sorted(validator.iter_errors(document), key=lambda e: list(e.absolute_path)):
        fix = _FIXES.get(error.validator, "Correct the value")
        if error.validator == "enum":
            fix = f"Use one of: {', '.join(map(str, error.validator_value))}"
        elif error.validator == "pattern":
            fix = f"Make it match {error.validator_value}"
        problems.append(FormatError(path, _key_path(error), error.message, fix))
    return problems
