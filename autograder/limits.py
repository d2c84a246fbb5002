"""Per-unit grading limits: what one submission may use before the grader stops it."""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class GradingLimits:
    cell_timeout_s: int = 60
    memory_mb: int = 3072
    max_processes: int = 64
    cpu_s: int = 900
    max_output_mb: float = 2.0
    max_file_mb: int = 64

    @classmethod
    def from_unit(cls, unit) -> GradingLimits:
        """Defaults, overridden by the unit's optional `grading:` block in unit.yaml."""
        return cls(**(getattr(unit, "grading", None) or {}))

    def as_dict(self) -> dict:
        return asdict(self)
