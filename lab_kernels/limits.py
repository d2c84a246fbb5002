"""What one submission may use while it is graded: one object, used by the sandbox and the grader.

Defaults live here only; a unit overrides any of them in the `grading:` block of its
`unit.yaml` (a training lab needs more memory and time than a thresholding lab). The unit
schema, `microfab grade --help` and the authoring guide are all made from `FIELDS`.
Standard library only: the sandbox launcher imports it on every kernel start.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields


def _limit(default, minimum, maximum, help_text: str):
    from dataclasses import field

    return field(default=default, metadata={"minimum": minimum, "maximum": maximum,
                                            "help": help_text})


@dataclass(frozen=True)
class GradingLimits:
    cell_timeout_s: int = _limit(60, 1, 3600, "wall time of one cell or one test")
    notebook_timeout_s: int = _limit(600, 10, 36000,
                                     "wall time of the whole submission, every cell together")
    memory_mb: int = _limit(3072, 256, 65536, "address space of the student's kernel")
    max_processes: int = _limit(64, 8, 4096, "processes and threads of the student's kernel")
    cpu_s: int = _limit(900, 10, 36000, "CPU time of the student's kernel")
    max_output_mb: float = _limit(2.0, 0.01, 100,
                                  "output kept per notebook; beyond it output is dropped")
    max_file_mb: int = _limit(64, 1, 10240, "largest file the student's code may write")
    disk_mb: int = _limit(512, 16, 65536,
                          "everything the student's code writes (a private tmpfs, discarded)")
    max_submission_mb: int = _limit(200, 1, 10240, "a whole submission folder, as submitted")
    max_notebook_mb: int = _limit(50, 1, 1024, "one submitted notebook file")
    max_result_mb: int = _limit(256, 1, 4096,
                                "one value a test reads from the student's kernel")

    def __post_init__(self) -> None:
        for spec in fields(self):
            value = getattr(self, spec.name)
            low, high = spec.metadata["minimum"], spec.metadata["maximum"]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not (
                    low <= value <= high):
                raise ValueError(f"grading limit {spec.name} must be a number in "
                                 f"[{low}, {high}], got {value!r}")

    @classmethod
    def from_dict(cls, values: dict | None) -> GradingLimits:
        unknown = sorted(set(values or {}) - {f.name for f in fields(cls)})
        if unknown:
            raise ValueError(f"unknown grading limit(s) {', '.join(unknown)}; known: "
                             f"{', '.join(f.name for f in fields(cls))}")
        return cls(**(values or {}))

    @classmethod
    def from_unit(cls, unit) -> GradingLimits:
        """Defaults, overridden by the unit's optional `grading:` block in unit.yaml."""
        return cls.from_dict(getattr(unit, "grading", None))

    def as_dict(self) -> dict:
        return asdict(self)


FIELDS = fields(GradingLimits)
# The note the student's kernel prints when it drops output past `max_output_mb`.
OUTPUT_NOTE = "microfab grader: output stopped"


def schema() -> dict:
    """JSON Schema of a `grading:` block: every limit, its bounds and meaning."""
    properties = {}
    for spec in FIELDS:
        kind = "number" if spec.type in ("float", float) else "integer"
        properties[spec.name] = {"type": kind, "minimum": spec.metadata["minimum"],
                                 "maximum": spec.metadata["maximum"],
                                 "description": spec.metadata["help"]}
    return {"type": "object", "additionalProperties": False,
            "description": "limits for one submission while it is graded", "properties": properties}


def describe() -> str:
    """One line per limit with its default, for --help."""
    defaults = GradingLimits()
    return "\n".join(f"  {spec.name:20} {getattr(defaults, spec.name)!s:>6}  "
                     f"{spec.metadata['help']}" for spec in FIELDS)
