"""The benchmarks run at a small size (their speed claims are measured, not tested, here): a
benchmark that no longer runs, or whose two sides no longer agree, fails."""
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(f"benchmark_{name}", BENCHMARKS / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("script", sorted(p.name for p in BENCHMARKS.glob("*.py")))
def test_every_benchmark_explains_itself(script):
    run = subprocess.run([sys.executable, str(BENCHMARKS / script), "--help"],
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert "baseline" in run.stdout.lower(), f"{script} --help names no baseline"


def test_grading_on_dask_agrees_with_plain_nbgrader_and_prints_the_ratio(capsys):
    pytest.importorskip("distributed", reason="the dask extra is not installed")
    ratios = _load("grading_throughput").main(["--submissions", "4", "--runs", "1", "--dask"])
    out = capsys.readouterr().out
    assert len(ratios) == 1 and ratios[0] > 0  # main exits if the two gradings disagree
    assert re.search(r"ratio: \d+\.\d\dx \(goal >= 1\.4x\)", out)
    assert "--dask, 2 workers" in out
