"""Golden-input check: does a board compute what the CPU reference computes?

    report = compare_to_reference(open_board("jetson://?precision=fp16"), "m.onnx",
                                  golden_inputs, rtol=1e-2, atol=1e-3)
    print(report); report.assert_ok()

Outputs are paired by position (an .om compiled by ATC may rename them) and
judged like numpy.allclose: |board - reference| <= atol + rtol * |reference|.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .base import Board
from .cpu import CpuBoard
from .tensors import Inputs


@dataclass(frozen=True)
class OutputError:
    """Worst disagreement on one output over all golden inputs."""

    name: str
    max_abs: float
    max_rel: float  # over elements with |reference| > atol; near-zero ones are judged by atol
    ok: bool
    note: str = ""


@dataclass(frozen=True)
class GoldenReport:
    board: str
    rtol: float
    atol: float
    samples: int
    outputs: dict[str, OutputError] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.outputs) and all(o.ok for o in self.outputs.values())

    def __str__(self) -> str:
        lines = [f"{self.board} vs cpu:// on {self.samples} golden input(s), "
                 f"rtol={self.rtol:g} atol={self.atol:g}: {'OK' if self.ok else 'MISMATCH'}"]
        for out in self.outputs.values():
            verdict = "ok" if out.ok else "MISMATCH"
            note = f" ({out.note})" if out.note else ""
            lines.append(f"  {out.name}: max abs {out.max_abs:.3g}, max rel {out.max_rel:.3g}"
                         f" -> {verdict}{note}")
        return "\n".join(lines)

    def assert_ok(self) -> None:
        if not self.ok:
            raise AssertionError(str(self))


def compare_to_reference(
    board: Board,
    model: str | Path | Any,
    golden_inputs: Inputs | Sequence[Inputs],
    rtol: float = 1e-3,
    atol: float = 1e-5,
    board_model: str | Path | Any | None = None,
) -> GoldenReport:
    """Run `model` on cpu:// and on `board` for each golden input; report errors per output.

    `board_model` is what the board loads when it differs from the reference's
    model, e.g. the .om that ATC compiled from `model`.
    """
    samples = [golden_inputs] if isinstance(golden_inputs, (np.ndarray, dict)) else list(
        golden_inputs
    )
    if not samples:
        raise ValueError("golden_inputs is empty; give at least one input")
    board.load(model if board_model is None else board_model)
    worst: dict[str, tuple[float, float, bool, str]] = {}
    with CpuBoard("cpu://") as reference:
        reference.load(model)
        for inputs in samples:
            expected = reference.run(inputs).outputs
            got = list(board.run(inputs).outputs.values())
            for i, (name, want) in enumerate(expected.items()):
                have = got[i] if i < len(got) else None
                errors = _errors(want, have, rtol, atol)
                before = worst.get(name, (0.0, 0.0, True, ""))
                worst[name] = (max(before[0], errors[0]), max(before[1], errors[1]),
                               before[2] and errors[2], before[3] or errors[3])
    outputs = {name: OutputError(name, *values) for name, values in worst.items()}
    return GoldenReport(str(board.uri), rtol, atol, len(samples), outputs)


def _errors(
    want: np.ndarray, have: np.ndarray | None, rtol: float, atol: float
) -> tuple[float, float, bool, str]:
    """(max abs error, max rel error, within tolerance, note)."""
    if have is None:
        return float("inf"), float("inf"), False, "board returned no such output"
    have = np.asarray(have)
    if have.shape != want.shape:
        # Flat outputs (an .om with a dynamic shape) still compare if the sizes agree.
        if have.size != want.size:
            return float("inf"), float("inf"), False, f"shape {have.shape} != {want.shape}"
        have = have.reshape(want.shape)
    reference = want.astype(np.float64)
    diff = np.abs(have.astype(np.float64) - reference)
    scale = np.abs(reference)
    significant = scale > atol
    max_rel = float((diff[significant] / scale[significant]).max()) if significant.any() else 0.0
    max_abs = float(diff.max()) if diff.size else 0.0
    ok = bool(np.all(diff <= atol + rtol * scale))
    return max_abs, max_rel, ok, ""
